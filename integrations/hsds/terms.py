"""Taxonomies as HSDS `taxonomy` and `taxonomy_term` records.

The terms services and organisations point at are the Greek (source) ones (decision
1); a term's HSDS id is its `translation_key`, shared by its translations, and its
name is its translation in the first language of the request's fallback chain. A
`TermCatalogue` loads each taxonomy at most once per request, one query each.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from cms.api.language import fallback_chain
from snippets.models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    TargetGroup,
)

from .ids import derived_id


@dataclass(frozen=True)
class Taxonomy:
    kind: str  # the same name as in /api/v1/taxonomies/{kind}
    model: type
    description: str

    @property
    def id(self):
        return derived_id(None, "taxonomy", self.kind)

    def record(self, language):
        """The HSDS taxonomy, named in `language` (the interface's catalogues)."""
        with translation.override(language):
            return {
                "id": self.id,
                "name": str(self.model._meta.verbose_name_plural).capitalize(),
                "description": str(self.description),
                "version": "1",
            }


TAXONOMIES = (
    Taxonomy(
        "categories",
        ServiceCategory,
        gettext_lazy("What a service offers: main categories and their subcategories."),
    ),
    Taxonomy("target-groups", TargetGroup, gettext_lazy("Who a service is for.")),
    Taxonomy(
        "languages",
        Language,
        gettext_lazy("Languages a service is offered in; the code is ISO 639-1 where one exists."),
    ),
    Taxonomy(
        "districts",
        MunicipalDistrict,
        gettext_lazy("The seven municipal districts of Athens; the code is the number."),
    ),
    Taxonomy(
        "organisation-types",
        OrganisationType,
        gettext_lazy("The kind of organisation that provides a service."),
    ),
)
TAXONOMIES_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
TAXONOMY_BY_MODEL = {taxonomy.model: taxonomy for taxonomy in TAXONOMIES}


@dataclass(frozen=True)
class Term:
    """A Greek term, named in the language it is served in."""

    taxonomy: Taxonomy
    pk: int  # the Greek term's primary key, what pages point at
    id: str
    code: str
    name: str
    language: str
    parent_id: str | None

    def record(self):
        record = {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": "",
            "taxonomy": self.taxonomy.kind,
            "taxonomy_id": self.taxonomy.id,
            "language": self.language,
        }
        if self.parent_id:
            record["parent_id"] = self.parent_id
        return record


class TermCatalogue:
    """The terms of the taxonomies a request needs, loaded lazily, one query each."""

    def __init__(self, requested):
        self.chain = fallback_chain(requested)
        self._terms = {}  # taxonomy kind → list of Terms, in the coordinators' order

    def terms(self, taxonomy):
        if taxonomy.kind not in self._terms:
            self._terms[taxonomy.kind] = self._load(taxonomy)
        return self._terms[taxonomy.kind]

    def all_terms(self):
        return [term for taxonomy in TAXONOMIES for term in self.terms(taxonomy)]

    def by_pk(self, model):
        """The terms of `model` by the Greek term's primary key."""
        return {term.pk: term for term in self.terms(TAXONOMY_BY_MODEL[model])}

    def find(self, term_id):
        """The term with this HSDS id (a string UUID), in any taxonomy, or None."""
        return next((term for term in self.all_terms() if term.id == term_id), None)

    def _load(self, taxonomy):
        model = taxonomy.model
        rank = {code: index for index, code in enumerate(self.chain)}
        rows = list(
            model.objects.filter(locale__language_code__in=self.chain)
            .select_related("locale")
            .order_by(*model._meta.ordering)
        )
        names = {}
        for row in rows:
            code = row.locale.language_code
            best = names.get(row.translation_key)
            if best is None or rank[code] < rank[best[0]]:
                names[row.translation_key] = (code, row.name)
        sources = [row for row in rows if row.locale.language_code == settings.LANGUAGE_CODE]
        keys = {row.pk: str(row.translation_key) for row in sources}
        terms = []
        for row in sources:
            code, name = names[row.translation_key]
            terms.append(
                Term(
                    taxonomy=taxonomy,
                    pk=row.pk,
                    id=str(row.translation_key),
                    code=row.slug,
                    name=name,
                    language=code,
                    parent_id=keys.get(getattr(row, "parent_id", None)),
                )
            )
        return terms
