"""Builds and stores search documents (`SearchDocument`), one per source page and language.

A document is the text of the translation a request in that language is served: the
page's own translation if it is live and public, else English, else Greek (the API's
fallback, `cms.api.language.fallback_chain`). Only pages the API lists have documents
(`cms.api.listing.live_sources`: live, public, of a live organisation), and only in the
languages in which something of theirs is servable, so drafts, unpublished and private
pages never match a search, and a listed service has a document in every language.

On PostgreSQL each document's lexemes are also stored as `SearchTerm` rows, each with the
document's rank for that lexeme alone (`cms.search.queries.best_matches`).

Weights: title A, summary B, description and the other free text C, taxonomy terms
(named in the document's language, else its fallback) D.
"""

import re
from collections import defaultdict
from dataclasses import astuple, dataclass, fields
from html import unescape

from django.conf import settings
from django.db import connection, transaction
from wagtail.models import Page

from cms.api.language import fallback_chain, supported_languages
from cms.api.listing import live_sources
from pages.models import OrganisationPage, ServicePage
from snippets.models import OrganisationType, ServiceCategory, TargetGroup

from .configs import config_for, plain
from .models import SearchDocument, SearchTerm

SEARCHABLE_MODELS = (ServicePage, OrganisationPage)
# Where documents name taxonomy terms: (page model, lookup to the Greek term).
TERMS_NAMED = {
    ServiceCategory: [
        (ServicePage, "categories"),
        (ServicePage, "categories__parent"),
        (OrganisationPage, "activity_fields"),
    ],
    TargetGroup: [(ServicePage, "target_groups")],
    OrganisationType: [(OrganisationPage, "organisation_type")],
}
REBUILD_BATCH_SIZE = 500

_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


@dataclass
class Document:
    """A document's content before it is stored: `body` and `terms` only feed the vector."""

    page_id: int
    language: str
    served_page_id: int
    served_language: str
    config: str
    title: str
    summary: str
    match_text: str
    body: str
    terms: str


STORED_FIELDS = [field.name for field in fields(Document)][:-2]  # all but body and terms
UPDATED_FIELDS = STORED_FIELDS[2:]  # all but the row's key, page_id and language

# One statement per batch: PostgreSQL computes the weighted vectors as it writes the rows.
POSTGRESQL_UPSERT = f"""
    INSERT INTO {SearchDocument._meta.db_table} ({", ".join(STORED_FIELDS)}, vector)
    SELECT {", ".join(STORED_FIELDS)},
        setweight(to_tsvector(config::regconfig, title), 'A')
        || setweight(to_tsvector(config::regconfig, summary), 'B')
        || setweight(to_tsvector(config::regconfig, body), 'C')
        || setweight(to_tsvector(config::regconfig, terms), 'D')
    FROM unnest(%s::integer[], %s::text[], %s::integer[], %s::text[], %s::text[],
                %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
        AS document({", ".join(field.name for field in fields(Document))})
    ON CONFLICT (language, page_id) DO UPDATE SET
        {", ".join(f"{name} = EXCLUDED.{name}" for name in [*UPDATED_FIELDS, "vector"])}
"""

# Each lexeme of the pages' documents, ranked as `ts_rank` ranks the document for a query
# of that lexeme alone. The lexeme is written as a quoted tsquery literal (backslashes and
# quotes escaped), so nothing in it is read as query syntax.
POSTGRESQL_WRITE_TERMS = rf"""
    INSERT INTO {SearchTerm._meta.db_table}
        (document_id, language, page_type_id, page_id, config, lexeme, rank)
    SELECT document.id, document.language, page.content_type_id, document.page_id,
        document.config, term.lexeme,
        ts_rank(document.vector, (
            '''' || replace(replace(term.lexeme, '\', '\\'), '''', '''''') || ''''
        )::tsquery)
    FROM {SearchDocument._meta.db_table} AS document
        JOIN {Page._meta.db_table} AS page ON page.id = document.page_id,
        unnest(document.vector) AS term
    WHERE document.page_id = ANY(%s)
"""


def text_of(*values):
    """Plain text of rich-text or plain `values`, joined: tags become spaces."""
    text = " ".join(unescape(_TAG.sub(" ", value or "")) for value in values)
    return _SPACES.sub(" ", text).strip()


class TermNames:
    """The names of taxonomy terms (Greek, as pages refer to them) in any language."""

    def __init__(self, terms):
        keys_by_model = defaultdict(set)
        for term in terms:
            keys_by_model[type(term)].add(term.translation_key)
        self.names = {}
        for model, keys in keys_by_model.items():
            rows = model.objects.filter(translation_key__in=keys).values_list(
                "translation_key", "locale__language_code", "name"
            )
            for key, language, name in rows:
                self.names[key, language] = name

    def named(self, terms, language):
        """The names of `terms` in `language`, else in its fallback, else in Greek."""
        names = []
        for term in terms:
            for code in fallback_chain(language):
                if (term.translation_key, code) in self.names:
                    names.append(self.names[term.translation_key, code])
                    break
            else:
                names.append(term.name)
        return " ".join(names)


def _service_terms(page):
    categories = list(page.categories.all())
    parents = [category.parent for category in categories if category.parent_id]
    return list(dict.fromkeys([*parents, *categories, *page.target_groups.all()]))


def _organisation_terms(page):
    return [page.organisation_type, *page.activity_fields.all()]


def _servable(model, keys, gone_page_ids):
    """The live, public copies (any language) of `model` pages with these keys.

    Aliases (wagtail-localize's untranslated synced copies) are not translations: a
    language with only an alias is searched in its fallback, as the API serves it.
    """
    pages = (
        model.objects.filter(translation_key__in=keys, alias_of__isnull=True)
        .exclude(pk__in=gone_page_ids)
        .live()
        .public()
        .select_related("locale")
    )
    if model is ServicePage:
        return pages.prefetch_related("categories__parent", "target_groups")
    return pages.select_related("organisation_type").prefetch_related("activity_fields")


def _organisation_titles(services):
    """Each service's organisation title (its parent page, in the service's language)."""
    parent_paths = {page.path[: -Page.steplen] for page in services}
    return dict(Page.objects.filter(path__in=parent_paths).values_list("path", "title"))


def _document(source_id, language, page, terms_text, organisation_title):
    served_language = page.locale.language_code
    if isinstance(page, ServicePage):
        summary = page.summary
        body = text_of(
            page.description,
            page.eligibility,
            page.how_to_access,
            page.cost_description,
            page.accessibility,
            organisation_title,
        )
    else:
        summary = ""
        body = text_of(page.description)
    return Document(
        page_id=source_id,
        language=language,
        served_page_id=page.pk,
        served_language=served_language,
        config=config_for(served_language),
        title=page.title,
        summary=summary,
        match_text=plain(f"{page.title} {summary or body}"),
        body=body,
        terms=terms_text,
    )


def refresh_documents(translation_keys, *, gone_page_ids=()):
    """Rewrite every language's document of the searchable pages with these keys.

    `gone_page_ids`: pages being deleted, which no longer count even if still readable.
    """
    keys, gone = set(translation_keys), set(gone_page_ids)
    if not keys:
        return
    sources, servable = {}, defaultdict(dict)
    for model in SEARCHABLE_MODELS:
        source_rows = (
            model.objects.filter(
                translation_key__in=keys, locale__language_code=settings.LANGUAGE_CODE
            )
            .exclude(pk__in=gone)
            .values_list("translation_key", "pk")
        )
        sources.update(source_rows)
        # Only pages the API lists have documents, so that a search can count its matches
        # from the documents alone (decision 87).
        listed = (
            live_sources(model)
            .filter(translation_key__in=keys)
            .exclude(pk__in=gone)
            .values_list("translation_key", flat=True)
        )
        for page in _servable(model, list(listed), gone):
            servable[page.translation_key][page.locale.language_code] = page
    pages = [page for copies in servable.values() for page in copies.values()]
    term_lists = {
        page.pk: _service_terms(page)
        if isinstance(page, ServicePage)
        else _organisation_terms(page)
        for page in pages
    }
    term_names = TermNames(term for terms in term_lists.values() for term in terms)
    organisation_titles = _organisation_titles(
        [page for page in pages if isinstance(page, ServicePage)]
    )
    documents = []
    for key, source_id in sources.items():
        for language in supported_languages():
            page = next(
                (servable[key][code] for code in fallback_chain(language) if code in servable[key]),
                None,
            )
            if page is not None:
                documents.append(
                    _document(
                        source_id,
                        language,
                        page,
                        term_names.named(term_lists[page.pk], page.locale.language_code),
                        organisation_titles.get(page.path[: -Page.steplen], ""),
                    )
                )
    _store(set(sources.values()) | gone, documents)


def _store(page_ids, documents):
    """Replace the documents of `page_ids` with `documents`."""
    wanted = {(document.page_id, document.language) for document in documents}
    with transaction.atomic():
        SearchTerm.objects.filter(page_id__in=page_ids).delete()
        existing = SearchDocument.objects.filter(page_id__in=page_ids)
        stale = [
            pk
            for pk, page_id, language in existing.values_list("pk", "page_id", "language")
            if (page_id, language) not in wanted
        ]
        SearchDocument.objects.filter(pk__in=stale).delete()
        if not documents:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    POSTGRESQL_UPSERT,
                    [list(column) for column in zip(*map(astuple, documents), strict=True)],
                )
                cursor.execute(POSTGRESQL_WRITE_TERMS, [list(page_ids)])
        else:  # the embedded database has no vectors: only the plain text is searched
            SearchDocument.objects.bulk_create(
                [
                    SearchDocument(**{name: getattr(document, name) for name in STORED_FIELDS})
                    for document in documents
                ],
                update_conflicts=True,
                unique_fields=["language", "page"],
                update_fields=UPDATED_FIELDS,
            )


def refresh_documents_under(page):
    """Refresh the documents of `page` and of the searchable pages below it."""
    keys = Page.objects.descendant_of(page, inclusive=True).type(*SEARCHABLE_MODELS)
    refresh_documents(keys.values_list("translation_key", flat=True))


def _refresh_in_batches(translation_keys):
    keys = list(translation_keys)
    for start in range(0, len(keys), REBUILD_BATCH_SIZE):
        refresh_documents(keys[start : start + REBUILD_BATCH_SIZE])


def refresh_documents_naming(term):
    """Refresh the documents naming `term` (one language's copy of a taxonomy term):
    its name in that language may have changed."""
    keys = set()
    for model, lookup in TERMS_NAMED.get(type(term), []):
        pages = model.objects.filter(**{f"{lookup}__translation_key": term.translation_key})
        keys.update(pages.values_list("translation_key", flat=True))
    _refresh_in_batches(keys)


def rebuild_documents():
    """Rebuild every document from the pages as they are; returns how many there are."""
    keys = list(
        Page.objects.type(*SEARCHABLE_MODELS)
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .order_by("pk")
        .values_list("translation_key", flat=True)
    )
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        SearchDocument.objects.all().delete()
        _refresh_in_batches(keys)
    return SearchDocument.objects.count()
