"""GET /api/v1/services: the live services, filtered; GET /api/v1/services/{id}: one.

`id` is the Greek (source) page's id, the same whatever the language. A service is
served from its live translation in the requested language, else English, else
Greek. Drafts, pages behind view restrictions and unknown ids are 404 problems.
Taxonomy terms are given by slug (their names come from /taxonomies/{kind}); the
organisation's private contact persons are never part of the API.

The list reads the services' read model (`ServiceListing`, kept by
`pages.api.service_listing`): filter columns copied from the Greek page (where
taxonomies, place, hours and status are kept) and the item already serialised, so a
list costs three queries whatever its length; the map (`pages.api.map`) reuses the
filters through `filter_services`.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from wagtail.rich_text import expand_db_html

from cms.api.language import language_fields, requested_language
from cms.api.listing import (
    json_with_array,
    list_envelope,
    live_sources,
    page_request,
    serve_in_language,
)
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem
from cms.api.query import QueryParams
from cms.search.queries import filter_by_text
from pages.models import (
    ServiceClosure,
    ServiceListing,
    ServiceListingPayload,
    ServiceOpeningHours,
    ServicePage,
)
from pages.models.services import ATHENS
from snippets.models import Language, OrganisationType, ServiceCategory, TargetGroup

from .filtering import Nearby, TermLookup, choices, districts

router = Router(tags=["services"])


def _not_found():
    return Problem(404, _("No such service."))


def page_id_or_404(text, not_found):
    """A page id from the path, or the `not_found()` problem: letters or an id too big
    for the column aren't ids."""
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**31:
        raise not_found()
    return int(text)


SERVICE_DETAIL_PREFETCH = (
    "district",
    "categories__parent",
    "target_groups",
    "languages",
    "opening_hours",
    "closures",
    "messaging_channels",
)


def live_translation(source_id, requested):
    """The `Served` live service whose Greek page is `source_id`, or a 404 problem."""
    source = live_sources(ServicePage).filter(pk=source_id).first()
    if source is None:
        raise _not_found()
    (served,) = serve_in_language([source], requested, prefetch=SERVICE_DETAIL_PREFETCH)
    return served


def _slugs(terms):
    return [term.slug for term in terms]


def _float(value):
    return None if value is None else float(value)


def category_slugs(categories):
    """`main_categories` and `categories` of a service from its (sub)category terms."""
    categories = list(categories)
    main_categories = dict.fromkeys(term.parent.slug for term in categories if term.parent_id)
    return {"main_categories": list(main_categories), "categories": _slugs(categories)}


def service_data(page, source_id):
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
        **category_slugs(page.categories.all()),
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
    page_id = page_id_or_404(service_id, _not_found)
    served = live_translation(page_id, requested)
    return {**language_fields(requested, served.language), **service_data(served.page, page_id)}


# --- The list ------------------------------------------------------------------------

SERVICE_FILTERS = (
    "category",
    "target_group",
    "language",
    "district",
    "organisation_type",
    "delivery",
    "free",
    "status",
    "open_at",
    "open_now",
    "near",
    "radius_km",
    "q",
)
# A service offered both ways can be visited and reached remotely: it matches either.
DELIVERY_MATCHES = {
    ServicePage.Delivery.IN_PERSON: [ServicePage.Delivery.IN_PERSON, ServicePage.Delivery.BOTH],
    ServicePage.Delivery.REMOTE: [ServicePage.Delivery.REMOTE, ServicePage.Delivery.BOTH],
    ServicePage.Delivery.BOTH: [ServicePage.Delivery.BOTH],
}
# Filters on the Greek page's many-to-many terms: {filter: relation}.
TERM_RELATIONS = {
    "category": "categories",
    "target_group": "target_groups",
    "language": "languages",
}
SORTS = ("title", "-title", "updated", "-updated", "distance")
SORT_FIELDS = {
    "title": ("title",),
    "-title": ("-title",),
    "relevance": ("-search_rank",),
    "updated": ("updated",),
    "-updated": ("-updated",),
    "distance": ("distance_km",),
}


def has_term(relation, term_ids, service="pk"):
    """The service (the outer query's field `service`) is linked through the
    many-to-many `relation` to one of `term_ids`."""
    field = ServicePage._meta.get_field(relation)
    links = field.remote_field.through.objects.filter(
        **{
            field.m2m_field_name(): OuterRef(service),
            f"{field.m2m_reverse_field_name()}__in": term_ids,
        }
    )
    return Exists(links)


def open_at_q(local):
    """Listed services open at `local` (Athens time), as `ServicePage.is_open_at`
    decides: active, an opening period that day with closing time excluded, and no
    closure."""
    day, time = local.date(), local.time()
    hours = ServiceOpeningHours.objects.filter(
        page=OuterRef("service"), weekday=day.weekday(), opens__lte=time, closes__gt=time
    )
    closed = ServiceClosure.objects.filter(
        page=OuterRef("service"), start_date__lte=day, end_date__gte=day
    )
    return Q(status=ServicePage.Status.ACTIVE) & Q(Exists(hours)) & ~Q(Exists(closed))


@dataclass(frozen=True)
class FilteredServices:
    """The listed services (`ServiceListing` rows answering the request's language)
    matching a request's filters, and its `near`, if any."""

    queryset: object
    nearby: Nearby | None
    searched: bool


def filter_services(params, language):
    """Read the service filters from `params` (a `QueryParams`) and apply them, in SQL.

    Malformed values and unknown slugs are recorded in `params.errors`; the caller calls
    `params.check()` once it has read its own parameters too. `q` searches the text served
    in `language` (its fallback where untranslated) and ranks by relevance.
    """
    terms = TermLookup()
    terms.add("category", ServiceCategory, params.values("category"), with_children=True)
    terms.add("target_group", TargetGroup, params.values("target_group"))
    terms.add("language", Language, params.values("language"))
    terms.add("organisation_type", OrganisationType, params.values("organisation_type"))
    district_numbers = districts(params)
    delivery = params.choice("delivery", ServicePage.Delivery.values)
    free = params.boolean("free")
    statuses = choices(params, "status", ServicePage.Status.values)
    moment = params.datetime("open_at")
    try:
        athens_moment = None if moment is None else timezone.localtime(moment, ATHENS)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is in the year 10000 in Athens
        params.errors.append({"field": "open_at", "message": _("Out of range.")})
    open_now = params.boolean("open_now")
    if moment is not None and open_now is not None:
        params.errors.append(
            {"field": "open_now", "message": _("Give open_at or open_now, not both.")}
        )
    nearby = Nearby.from_params(params)
    query = params.text("q")
    term_ids = terms.resolve(params)
    if params.errors:
        return None

    services = ServiceListing.objects.answering(language)
    if query:
        services = filter_by_text(services, language, query, page_relation="service")
    for name, relation in TERM_RELATIONS.items():
        if name in term_ids:
            services = services.filter(has_term(relation, term_ids[name], "service"))
    if "organisation_type" in term_ids:
        services = services.filter(organisation_type_id__in=term_ids["organisation_type"])
    if district_numbers:
        services = services.filter(district__in=district_numbers)
    if delivery:
        services = services.filter(delivery__in=DELIVERY_MATCHES[delivery])
    if free is not None:
        services = services.filter(is_free=free)
    if statuses:
        services = services.filter(status__in=statuses)
    if moment is not None:
        services = services.filter(open_at_q(athens_moment))
    if open_now is not None:
        now_open = open_at_q(timezone.localtime(timezone.now(), ATHENS))
        services = services.filter(now_open if open_now else ~now_open)
    if nearby:
        services = nearby.apply(services)
    return FilteredServices(services, nearby, bool(query))


# What `service_list_item` reads of the Greek page.
LIST_FIELDS = (
    "title",
    "slug",
    "translation_key",
    "last_published_at",
    "summary",
    "latitude",
    "longitude",
    "delivery",
    "is_free",
    "status",
    "district__number",
)


def service_list_item(served, organisation):
    """The compact list item: text from the served page, the rest from the Greek page,
    which the filters read. Stored serialised in `ServiceListing.item`; the list adds
    `distance_km` to it."""
    source, page = served.source, served.page
    return {
        "id": source.pk,
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "organisation": organisation,
        **category_slugs(source.categories.all()),
        "district": source.district.number if source.district_id else None,
        "latitude": _float(source.latitude),
        "longitude": _float(source.longitude),
        "delivery": source.delivery,
        "is_free": source.is_free,
        "status": source.status,
        "updated": source.last_published_at,
        "language": served.language,
    }


def with_distance(item, distance_km):
    """A serialised list item with `distance_km` (rounded to 10 m) as its last member."""
    return f'{item[:-1]}, "distance_km": {json.dumps(round(distance_km, 2))}}}'


@router.get("", summary="List services")
def list_services(request):
    """Live services matching every filter given (filters combine with AND; a list of
    values, comma-separated, matches any of them). See docs/api.md for each filter."""
    requested = requested_language(request)
    params = QueryParams(request, (*SERVICE_FILTERS, "sort"), paginated=True)
    page = page_request(request)
    sort = params.choice("sort", SORTS)
    filtered = filter_services(params, requested)
    if sort == "distance" and "near" not in request.GET:
        params.errors.append({"field": "sort", "message": _("Sorting by distance needs near.")})
    params.check()
    # Without a sort: by relevance when searching, else nearest first, else by title.
    default_sort = "relevance" if filtered.searched else "distance" if filtered.nearby else "title"
    sort = sort or default_sort

    # The page of narrow rows, counting every match as it goes; then their items.
    services = filtered.queryset
    distance = ("distance_km",) if filtered.nearby else ()
    rows = list(
        services.annotate(total=Window(Count("pk")))
        .order_by(*SORT_FIELDS[sort], "service_id")
        .values_list("pk", "served_language", "total", *distance)[
            page.offset : page.offset + page.size
        ]
    )
    # No rows: past the end (count them), or nothing matches.
    count = rows[0][2] if rows else services.count() if page.offset else 0
    payloads = ServiceListingPayload.objects.filter(listing__in=[row[0] for row in rows])
    items = dict(payloads.values_list("listing_id", "item") if rows else ())
    # A row refreshed between the two queries has no item any more: left out.
    rows = [row for row in rows if row[0] in items]
    envelope = list_envelope(
        request,
        count=count,
        page=page,
        requested=requested,
        served_languages=[row[1] for row in rows],
    )
    return json_with_array(
        envelope,
        "results",
        [with_distance(items[pk], rest[0]) if rest else items[pk] for pk, _, _, *rest in rows],
    )
