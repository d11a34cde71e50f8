"""GET /api/v1/services/{id}: one live service, in the negotiated language.

`id` is the Greek (source) page's id, the same whatever the language. The service is
served from its live translation in the requested language, else English, else
Greek. Drafts, pages behind view restrictions and unknown ids are 404 problems.
Taxonomy terms are given by slug (their names come from /taxonomies/{kind}); the
organisation's private contact persons are never part of the API.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router
from wagtail.rich_text import expand_db_html

from cms.api.language import fallback_chain, language_fields, requested_language
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem

from .models import ServicePage

router = Router(tags=["services"])


def _not_found():
    return Problem(404, _("No such service."))


def _page_id(text):
    """A page id from the path, or a 404: letters or an id too big for the column aren't."""
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**31:
        raise _not_found()
    return int(text)


def live_translation(source_id, requested):
    """The live, public translation of the Greek service `source_id` in the first
    language of the fallback chain that has one, with what the response needs.

    An alias (synced mode's stand-in, showing the Greek text in another locale's tree)
    is not a translation: the chain goes on to English, then Greek."""
    source = (
        ServicePage.objects.filter(pk=source_id, locale__language_code=settings.LANGUAGE_CODE)
        .values("translation_key", "locale_id")
        .first()
    )
    if source is None:
        raise _not_found()
    chain = fallback_chain(requested)
    candidates = (
        ServicePage.objects.live()
        .public()
        .filter(
            translation_key=source["translation_key"],
            locale__language_code__in=chain,
            alias_of__isnull=True,
        )
        .select_related("locale", "district")
        .prefetch_related(
            "categories__parent",
            "target_groups",
            "languages",
            "opening_hours",
            "closures",
            "messaging_channels",
        )
    )
    by_language = {page.locale.language_code: page for page in candidates}
    for code in chain:
        if code in by_language:
            return by_language[code]
    raise _not_found()


def _slugs(terms):
    return [term.slug for term in terms]


def _float(value):
    return None if value is None else float(value)


def service_data(page, source_id):
    categories = list(page.categories.all())
    main_categories = dict.fromkeys(term.parent.slug for term in categories if term.parent_id)
    organisation = page.get_parent()
    organisation_id = (
        type(organisation)
        .objects.filter(
            translation_key=organisation.translation_key,
            locale__language_code=settings.LANGUAGE_CODE,
        )
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "id": source_id,
        "title": page.title,
        "slug": page.slug,
        "organisation": {
            "id": organisation_id,
            "title": organisation.title,
        },
        "summary": page.summary,
        "description": expand_db_html(page.description),
        "main_categories": list(main_categories),
        "categories": _slugs(categories),
        "target_groups": _slugs(page.target_groups.all()),
        "eligibility": page.eligibility,
        "access": page.access,
        "how_to_access": page.how_to_access,
        "is_free": page.is_free,
        "cost_description": page.cost_description,
        "languages": _slugs(page.languages.all()),
        "interpretation_available": page.interpretation_available,
        "delivery": page.delivery,
        "address": page.address,
        "latitude": _float(page.latitude),
        "longitude": _float(page.longitude),
        "district": page.district.number if page.district_id else None,
        "accessibility": page.accessibility,
        "phone": page.phone,
        "email": page.email,
        "website": page.website,
        "messaging_channels": [
            {"app": channel.app, "handle": channel.handle}
            for channel in page.messaging_channels.all()
        ],
        "opening_hours": [
            {"weekday": row.weekday, "opens": row.opens, "closes": row.closes}
            for row in page.opening_hours.all()
        ],
        "closures": [
            {"start_date": row.start_date, "end_date": row.end_date, "reason": row.reason}
            for row in page.closures.all()
        ],
        "status": page.status,
        "last_verified": page.last_verified,
    }


@router.get("/{service_id}", summary="One service")
def get_service(request, service_id: str):
    """A live service by its Greek page's id, in the requested language if translated
    (else English, else Greek): `language` says which, `fallback` whether it differs."""
    requested = requested_language(request)
    reject_unknown_params(request)
    page_id = _page_id(service_id)
    page = live_translation(page_id, requested)
    served = page.locale.language_code
    return {**language_fields(requested, served), **service_data(page, page_id)}
