"""Text search for the API: `filter_by_text(queryset, language, query)`.

On PostgreSQL a query is parsed with `websearch_to_tsquery` (quotes for phrases, `or`,
`-word`), in the configuration of the language each document is written in, and
matched against the stored, GIN-indexed documents (`cms.search.documents`). On the
embedded SQLite database every word must appear in the served title or summary,
compared without case or accents.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, FilteredRelation, FloatField, Q, Value, When

from cms.api.language import fallback_chain

from .configs import GREEK_CONFIG, config_for, plain, without_greek_stop_words

DOCUMENT = "search_document"  # the alias of the joined document


def _clean(query):
    """The user's text without NUL characters (PostgreSQL refuses them in a string)."""
    return (query or "").replace("\x00", " ").strip()


def _postgresql_match(language, query):
    """The condition on the joined document matching `query` (in any configuration a
    `language` search may read, as fallbacks are in other languages), and its rank."""
    match, ranks = Q(), []
    for config in dict.fromkeys(config_for(code) for code in fallback_chain(language)):
        text = without_greek_stop_words(query) if config == GREEK_CONFIG else query
        parsed = SearchQuery(text, config=config, search_type="websearch")
        match |= Q(**{f"{DOCUMENT}__config": config, f"{DOCUMENT}__vector": parsed})
        ranks.append(
            When(
                **{f"{DOCUMENT}__config": config}, then=SearchRank(F(f"{DOCUMENT}__vector"), parsed)
            )
        )
    return match, Case(*ranks, default=Value(0.0), output_field=FloatField())


def _embedded_match(query):
    match = Q()
    for word in plain(query).split():
        match &= Q(**{f"{DOCUMENT}__match_text__contains": word})
    return match, Value(1.0, output_field=FloatField())


def filter_by_text(queryset, language, query, *, page_relation=None):
    """`queryset` (Greek ServicePage or OrganisationPage pages) narrowed to the pages
    whose document in `language` matches `query`, annotated with `search_rank` (higher
    is better). A page with no live translation in `language` is searched in the one it
    is served in (English, else Greek). A blank query filters nothing (rank 0).
    `page_relation`: the foreign key to the Greek page, for a queryset of other rows.

    Adds no query of its own: each page's document in `language` is joined (there is
    at most one), so the rank is read from the same row as the match.
    """
    query = _clean(query)
    if not query:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connections[queryset.db].vendor == "postgresql":
        match, rank = _postgresql_match(language, query)
    else:
        match, rank = _embedded_match(query)
    documents = f"{page_relation}__search_documents" if page_relation else "search_documents"
    document = FilteredRelation(documents, condition=Q(**{f"{documents}__language": language}))
    return queryset.annotate(**{DOCUMENT: document}).filter(match).annotate(search_rank=rank)
