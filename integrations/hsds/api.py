"""The HSDS 3.1 API under /api/hsds/: the live, public directory as Open Referral data.

Services, organisations, their locations and the taxonomies that classify them, in
the negotiated language (`?lang=`, `Accept-Language`, else Greek; each record says its
`language`). Ids are UUIDs, the same in every language (`ids.py`). Lists use HSDS's
page envelope and run a fixed number of queries whatever `per_page`. Errors are the
platform's RFC 9457 problems; unknown parameters and malformed values are a 400.
"""

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.api.language import fallback_chain, requested_language
from cms.api.listing import live_sources, serve_in_language
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem, install_problem_handlers
from cms.api.query import QueryParams
from cms.api.v1 import PublicAPI
from pages.models import OrganisationPage, ServicePage

from .ids import parse_id
from .paging import PAGING_PARAMS, page_envelope, page_request, page_slice
from .records import (
    HSDS_VERSION,
    ORGANISATION_PREFETCH,
    SERVICE_PREFETCH,
    RecordContext,
    organization_record,
    service_at_location_record,
    service_location,
    service_record,
)
from .terms import TAXONOMIES, TAXONOMIES_BY_ID, TermCatalogue

PROFILE_PATH = settings.BASE_DIR / "docs" / "hsds-profile.md"

api = PublicAPI(
    title="ACCMR HSDS API",
    version=HSDS_VERSION,
    description=str(
        gettext_lazy(
            "The ACCMR directory of services for migrants and refugees in Athens as Open "
            "Referral HSDS 3.1 (read-only). The profile says what ACCMR adds."
        )
    ),
    urls_namespace="api-hsds",
)
install_problem_handlers(api)


# --- Parameters -------------------------------------------------------------------

# The query parameters, for the OpenAPI document: the views read them from the query
# string themselves (QueryParams), so ninja cannot see them.
QUERY_PARAMETERS = {
    "lang": ("string", "Language: el, en, ar, fa, fr, uk or ur (else Accept-Language)."),
    "page": ("integer", "Page number, from 1."),
    "per_page": ("integer", "Items per page, 1 to 100 (20 by default)."),
    "full": ("boolean", "true: fully nested records."),
    "search": ("string", "Text the name or summary contains (any case)."),
    "taxonomy_term_id": ("string", "Records classified by this taxonomy term (a UUID)."),
    "organization_id": ("string", "Services of this organization (a UUID)."),
    "modified_after": ("string", "ISO 8601: records published on or after this moment."),
    "taxonomy_id": ("string", "Terms of this taxonomy (a UUID)."),
    "parent_id": ("string", "Terms whose parent is this term (a UUID)."),
    "top_only": ("boolean", "true: only terms without a parent."),
}


def _documented(*names):
    """`openapi_extra` declaring the query parameters `names` (and `lang`)."""
    return {
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": {"type": QUERY_PARAMETERS[name][0]},
                "description": QUERY_PARAMETERS[name][1],
            }
            for name in ("lang", *names)
        ]
    }


def _params(request, allowed):
    """The request's language and its query parameters (unknown ones are a 400)."""
    requested = requested_language(request)
    return requested, QueryParams(request, allowed=(*allowed, *PAGING_PARAMS))


def _uuid_param(params, name):
    """A UUID query parameter as a string, or None; malformed ones are errors on `params`."""
    text = params.text(name)
    if text is None:
        return None
    value = parse_id(text)
    if value is None:
        params.errors.append({"field": name, "message": _("Use a UUID.")})
        return None
    return str(value)


def _live_source(model, path_id, not_found):
    """The live Greek page of `model` whose HSDS id is `path_id`, or a 404 problem titled
    `not_found` (also for an id that cannot be a UUID)."""
    key = parse_id(path_id)
    pages = _with_last_modified(live_sources(model))
    source = pages.filter(translation_key=key).first() if key else None
    if source is None:
        raise Problem(404, not_found)
    return source


# --- Querying ---------------------------------------------------------------------


def _with_last_modified(pages):
    """`last_modified`: the latest publication of any live language version of the item
    (what `modified_after` compares; the item's HSDS `last_modified`)."""
    model = pages.model
    latest = (
        model.objects.filter(translation_key=OuterRef("translation_key"), live=True)
        .order_by()
        .values("translation_key")
        .annotate(latest=Max("last_published_at"))
        .values("latest")
    )
    return pages.annotate(last_modified=Coalesce(Subquery(latest), "last_published_at"))


def _matching_text(pages, language, text, fields):
    """The pages whose Greek page or a live translation in `language`'s fallback chain
    contains `text` (any case) in one of `fields`."""
    match = Q()
    for field in fields:
        match |= Q(**{f"{field}__icontains": text})
    translations = (
        pages.model.objects.live()
        .public()
        .filter(
            match,
            translation_key=OuterRef("translation_key"),
            locale__language_code__in=fallback_chain(language),
            alias_of__isnull=True,
        )
    )
    return pages.filter(match | Exists(translations))


def _page_ids(model, **lookups):
    """The primary keys of `model`'s pages (any locale) matching `lookups`, as a subquery."""
    return model.objects.filter(**lookups).values("pk")


def _organisation_paths(**lookups):
    return OrganisationPage.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE, **lookups
    ).values("path")


def _services_with_term(term):
    """The condition on Greek service pages classified by `term`."""
    kind, pk = term.taxonomy.kind, term.pk
    if kind == "categories":
        lookup = {"categories": pk} if term.parent_id else {"categories__parent": pk}
        return Q(pk__in=_page_ids(ServicePage, **lookup))
    if kind == "target-groups":
        return Q(pk__in=_page_ids(ServicePage, target_groups=pk))
    if kind == "languages":
        return Q(pk__in=_page_ids(ServicePage, languages=pk))
    if kind == "districts":
        return Q(district=pk)
    return Q(organisation_path__in=_organisation_paths(organisation_type=pk))


def _organisations_with_term(term):
    """The condition on Greek organisation pages classified by `term` (their type, fields
    of activity or district; other taxonomies classify services only)."""
    kind, pk = term.taxonomy.kind, term.pk
    if kind == "organisation-types":
        return Q(organisation_type=pk)
    if kind == "categories":
        return Q(pk__in=_page_ids(OrganisationPage, activity_fields=pk))
    if kind == "districts":
        return Q(district=pk)
    return Q(pk__in=[])


SERVICE_FILTERS = ("search", "taxonomy_term_id", "organization_id", "modified_after")


def _services(requested, params, terms):
    """Live Greek service pages matching the list parameters, in a stable order."""
    search = params.text("search")
    term_id = _uuid_param(params, "taxonomy_term_id")
    organization_id = _uuid_param(params, "organization_id")
    modified_after = params.datetime("modified_after")
    pages = _with_last_modified(live_sources(ServicePage))
    if search:
        pages = _matching_text(pages, requested, search, ("title", "summary"))
    if term_id:
        term = terms.find(term_id)
        pages = pages.filter(_services_with_term(term)) if term else pages.none()
    if organization_id:
        pages = pages.filter(
            organisation_path__in=_organisation_paths(translation_key=organization_id)
        )
    if modified_after:
        pages = pages.filter(last_modified__gte=modified_after)
    return pages.order_by("pk")


def _page_of(pages, page):
    """The total and the items of one page: two queries."""
    return pages.count(), list(page_slice(pages, page))


# --- Serving ----------------------------------------------------------------------


def _organizations_by_path(paths, requested, context):
    """List-form organization records of the Greek organisation pages at `paths`."""
    sources = list(live_sources(OrganisationPage).filter(path__in=set(paths)))
    served = serve_in_language(sources, requested, prefetch=("logo",))
    return {item.source.path: organization_record(item, context, full=False) for item in served}


def _service_records(sources, requested, context, *, full):
    served = serve_in_language(sources, requested, prefetch=SERVICE_PREFETCH if full else ())
    organizations = _organizations_by_path(
        [source.organisation_path for source in sources], requested, context
    )
    return [
        service_record(item, organizations[item.source.organisation_path], context, full=full)
        for item in served
    ]


# --- Endpoints --------------------------------------------------------------------


@api.get("/", summary="About this API", tags=["about"])
def about(request):
    """The HSDS version, the URL of ACCMR's HSDS profile and of this API's OpenAPI document."""
    reject_unknown_params(request)
    return {
        "version": HSDS_VERSION,
        "profile": request.build_absolute_uri(reverse("api-hsds:profile")),
        "openapi_url": request.build_absolute_uri(reverse("api-hsds:openapi-json")),
    }


@api.get("/profile", summary="ACCMR's HSDS profile", tags=["about"], url_name="profile")
def profile(request):
    """What ACCMR adds to HSDS 3.1 and how its data maps to it (Markdown)."""
    reject_unknown_params(request)
    response = HttpResponse(
        PROFILE_PATH.read_text(encoding="utf-8"), content_type="text/markdown; charset=utf-8"
    )
    # Not built by the API's create_response, so the public CORS header is added here.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@api.get(
    "/services",
    summary="Services",
    tags=["services"],
    openapi_extra=_documented(*SERVICE_FILTERS, "full", *PAGING_PARAMS),
)
def list_services(request):
    """Live services, a page at a time. `full=true` gives fully nested services, else
    their one-to-one fields and organization. Filters: `search` (title and summary, any
    case), `taxonomy_term_id` (a category also matches its subcategories),
    `organization_id`, `modified_after` (ISO 8601; Athens time without an offset)."""
    requested, params = _params(request, (*SERVICE_FILTERS, "full"))
    terms = TermCatalogue(requested)
    full = params.boolean("full") or False
    pages = _services(requested, params, terms)
    page = page_request(params)
    params.check()
    total, sources = _page_of(pages, page)
    context = RecordContext(request, terms)
    return page_envelope(page, total, _service_records(sources, requested, context, full=full))


@api.get(
    "/services/{service_id}",
    summary="One service",
    tags=["services"],
    openapi_extra=_documented(),
)
def get_service(request, service_id: str):
    """A live service, fully nested, by its HSDS id."""
    requested = requested_language(request)
    reject_unknown_params(request)
    source = _live_source(ServicePage, service_id, _("No such service."))
    context = RecordContext(request, TermCatalogue(requested))
    (record,) = _service_records([source], requested, context, full=True)
    return record


ORGANIZATION_FILTERS = ("search", "taxonomy_term_id", "modified_after")


@api.get(
    "/organizations",
    summary="Organizations",
    tags=["organizations"],
    openapi_extra=_documented(*ORGANIZATION_FILTERS, "full", *PAGING_PARAMS),
)
def list_organizations(request):
    """Live organisations, a page at a time. `full=true` adds phones, websites, location
    and attributes. Filters: `search` (name and description, any case),
    `taxonomy_term_id` (type, field of activity or district), `modified_after`."""
    requested, params = _params(request, (*ORGANIZATION_FILTERS, "full"))
    terms = TermCatalogue(requested)
    full = params.boolean("full") or False
    search = params.text("search")
    term_id = _uuid_param(params, "taxonomy_term_id")
    modified_after = params.datetime("modified_after")
    page = page_request(params)
    params.check()
    pages = _with_last_modified(live_sources(OrganisationPage))
    if search:
        pages = _matching_text(pages, requested, search, ("title", "description"))
    if term_id:
        term = terms.find(term_id)
        pages = pages.filter(_organisations_with_term(term)) if term else pages.none()
    if modified_after:
        pages = pages.filter(last_modified__gte=modified_after)
    total, sources = _page_of(pages.order_by("pk"), page)
    served = serve_in_language(
        sources, requested, prefetch=ORGANISATION_PREFETCH if full else ("logo",)
    )
    context = RecordContext(request, terms)
    return page_envelope(
        page, total, [organization_record(item, context, full=full) for item in served]
    )


@api.get(
    "/organizations/{organization_id}",
    summary="One organization",
    tags=["organizations"],
    openapi_extra=_documented(),
)
def get_organization(request, organization_id: str):
    """A live organisation, fully nested, with its live services (one-to-one fields) in
    `services`."""
    requested = requested_language(request)
    reject_unknown_params(request)
    source = _live_source(OrganisationPage, organization_id, _("No such organisation."))
    context = RecordContext(request, TermCatalogue(requested))
    (served,) = serve_in_language([source], requested, prefetch=ORGANISATION_PREFETCH)
    record = organization_record(served, context, full=True)
    summary = organization_record(served, context, full=False)
    services = _with_last_modified(live_sources(ServicePage)).filter(organisation_path=source.path)
    record["services"] = [
        service_record(item, summary, context, full=False)
        for item in serve_in_language(list(services.order_by("pk")), requested)
    ]
    return record


@api.get(
    "/service_at_locations",
    summary="Services at locations",
    tags=["services"],
    openapi_extra=_documented(*SERVICE_FILTERS, "full", *PAGING_PARAMS),
)
def list_service_at_locations(request):
    """Where live services are offered: one record per service with an address or
    coordinates, its location nested (`full=true` adds the address and accessibility).
    The filters are those of /services."""
    requested, params = _params(request, (*SERVICE_FILTERS, "full"))
    terms = TermCatalogue(requested)
    full = params.boolean("full") or False
    pages = _services(requested, params, terms).filter(~Q(address="") | Q(latitude__isnull=False))
    page = page_request(params)
    params.check()
    total, sources = _page_of(pages, page)
    contents = [
        service_at_location_record(item, service_location(item, full=full))
        for item in serve_in_language(sources, requested)
    ]
    return page_envelope(page, total, contents)


@api.get(
    "/taxonomies",
    summary="Taxonomies",
    tags=["taxonomies"],
    openapi_extra=_documented("search", *PAGING_PARAMS),
)
def list_taxonomies(request):
    """The taxonomies that classify services and organisations. `search` matches names."""
    requested, params = _params(request, ("search",))
    search = params.text("search")
    page = page_request(params)
    params.check()
    records = [taxonomy.record(requested) for taxonomy in TAXONOMIES]
    if search:
        records = [record for record in records if search.casefold() in record["name"].casefold()]
    return page_envelope(page, len(records), page_slice(records, page))


TERM_FILTERS = ("search", "taxonomy_id", "parent_id", "top_only")


@api.get(
    "/taxonomy_terms",
    summary="Taxonomy terms",
    tags=["taxonomies"],
    openapi_extra=_documented(*TERM_FILTERS, *PAGING_PARAMS),
)
def list_taxonomy_terms(request):
    """Every term of every taxonomy, in the coordinators' order, named in the requested
    language if translated (else English, else Greek). Filters: `search` (name),
    `taxonomy_id`, `parent_id`, `top_only=true` (terms without a parent)."""
    requested, params = _params(request, TERM_FILTERS)
    search = params.text("search")
    taxonomy_id = _uuid_param(params, "taxonomy_id")
    parent_id = _uuid_param(params, "parent_id")
    top_only = params.boolean("top_only")
    page = page_request(params)
    params.check()
    catalogue = TermCatalogue(requested)
    if taxonomy_id:
        taxonomy = TAXONOMIES_BY_ID.get(taxonomy_id)
        terms = catalogue.terms(taxonomy) if taxonomy else []
    else:
        terms = catalogue.all_terms()
    if parent_id:
        terms = [term for term in terms if term.parent_id == parent_id]
    if top_only:
        terms = [term for term in terms if term.parent_id is None]
    if search:
        terms = [term for term in terms if search.casefold() in term.name.casefold()]
    contents = [
        {**term.record(), "taxonomy_detail": term.taxonomy.record(requested)}
        for term in page_slice(terms, page)
    ]
    return page_envelope(page, len(terms), contents)
