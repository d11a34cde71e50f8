"""GET /api/v1/taxonomies/{kind}: a taxonomy's terms, named in the negotiated language.

Terms are listed from the source locale (Greek), the ones pages point at; each is
named by its translation in the requested language, else English, else Greek (the
terms of one kind share `translation_key`, decision 1). One query per request,
whatever the number of terms.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict

from cms.api.language import fallback_chain, requested_language, text_direction
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem

from .models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    SupportType,
    TargetGroup,
    ThematicArea,
)

router = Router(tags=["taxonomies"])


def _parent(term, slugs):
    return slugs.get(term.parent_id)


# kind → (model, extra fields as name → function(source term, slugs by source id))
KINDS = {
    "categories": (ServiceCategory, {"parent": _parent}),
    "target-groups": (TargetGroup, {}),
    "organisation-types": (OrganisationType, {}),
    "languages": (Language, {"native_name": lambda term, slugs: term.native_name}),
    "districts": (MunicipalDistrict, {"number": lambda term, slugs: term.number}),
    "thematic-areas": (ThematicArea, {"synathina_id": lambda term, slugs: term.synathina_id}),
    "support-types": (
        SupportType,
        {
            "synathina_id": lambda term, slugs: term.synathina_id,
            "parent": _parent,
            "published": lambda term, slugs: term.published,
        },
    ),
}


class TermOut(BaseModel):
    """A term; kinds add their own fields (see docs/api.md).

    A plain pydantic model: ninja's `Schema` reads attributes and would drop the extras.
    """

    model_config = ConfigDict(extra="allow")

    slug: str
    name: str
    language: str


class TaxonomyOut(Schema):
    language: str
    fallback: bool
    dir: str
    count: int
    results: list[TermOut]


def term_list(model, extra_fields, requested):
    """The source terms of `model` as dicts, named in the first language of the chain.

    Returns the items and the languages they were served in.
    """
    chain = fallback_chain(requested)
    rank = {code: index for index, code in enumerate(chain)}
    terms = list(
        model.objects.filter(locale__language_code__in=chain)
        .select_related("locale")
        .order_by(*model._meta.ordering)
    )
    names = {}
    for term in terms:
        code = term.locale.language_code
        best = names.get(term.translation_key)
        if best is None or rank[code] < rank[best[0]]:
            names[term.translation_key] = (code, term.name)
    sources = [term for term in terms if term.locale.language_code == settings.LANGUAGE_CODE]
    slugs = {term.pk: term.slug for term in sources}
    items = []
    for term in sources:
        code, name = names[term.translation_key]
        item = {"slug": term.slug, "name": name, "language": code}
        item.update({field: value(term, slugs) for field, value in extra_fields.items()})
        items.append(item)
    return items


@router.get("/{kind}", response=TaxonomyOut, summary="List a taxonomy's terms")
def list_terms(request, kind: str):
    """The terms of one taxonomy, in the order coordinators set.

    `kind` is one of categories, target-groups, organisation-types, languages,
    districts, thematic-areas, support-types. Each term's `name` is in the requested
    language if the term is translated into it, else English, else Greek; `language`
    says which. The response's `language` is the one every term is served in (the
    requested one when they differ), `fallback` is true if any term is not in the
    requested language.
    """
    requested = requested_language(request)
    reject_unknown_params(request)
    if kind not in KINDS:
        raise Problem(
            404,
            _("Unknown taxonomy."),
            detail=_("Known taxonomies: %(kinds)s.") % {"kinds": ", ".join(KINDS)},
        )
    model, extra_fields = KINDS[kind]
    items = term_list(model, extra_fields, requested)
    served = {item["language"] for item in items}
    language = served.pop() if len(served) == 1 else requested
    return {
        "language": language,
        "fallback": any(item["language"] != requested for item in items),
        "dir": text_direction(language),
        "count": len(items),
        "results": items,
    }
