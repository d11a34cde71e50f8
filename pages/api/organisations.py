"""GET /api/v1/organisations: approved organisations, filtered; /organisations/{id}: one,
with its live services, upcoming actions and open calls.

`id` is the Greek page's id. Only public fields are served: the private contact persons
(`OrganisationContactPerson`) and the synAthina team id, an internal link, never are.
"""

from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from wagtail.rich_text import expand_db_html

from cms.api.language import language_fields, requested_language
from cms.api.listing import list_response, live_sources, page_request, serve_in_language
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem
from cms.api.query import QueryParams
from cms.search.queries import filter_by_text
from pages.models import ActionPage, OpenCallPage, OrganisationPage, ServicePage
from snippets.models import OrganisationType, ServiceCategory

from .filtering import TermLookup, districts, order_by_served_title
from .services import page_id_or_404

router = Router(tags=["organisations"])

ORGANISATION_FILTERS = ("type", "district", "category", "q")
SORTS = ("title", "-title", "updated", "-updated")
LIST_FIELDS = (
    "title",
    "slug",
    "translation_key",
    "last_published_at",
    "latitude",
    "longitude",
    "organisation_type__slug",
    "district__number",
)
DETAIL_PREFETCH = ("organisation_type", "district", "logo", "activity_fields")


def _number(value):
    return None if value is None else float(value)


def filter_organisations(params, language):
    """The live Greek organisations matching the filters in `params` (errors recorded
    there, as `filter_services` does)."""
    terms = TermLookup()
    terms.add("type", OrganisationType, params.values("type"))
    terms.add("category", ServiceCategory, params.values("category"), with_children=True)
    district_numbers = districts(params)
    query = params.text("q")
    term_ids = terms.resolve(params)
    if params.errors:
        return None
    organisations = live_sources(OrganisationPage)
    if query:
        organisations = filter_by_text(organisations, language, query)
    if "type" in term_ids:
        organisations = organisations.filter(organisation_type__in=term_ids["type"])
    if district_numbers:
        organisations = organisations.filter(district__number__in=district_numbers)
    if "category" in term_ids:
        # Has a live service in one of the categories (a main category: in a subcategory).
        services = live_sources(ServicePage).filter(categories__in=term_ids["category"])
        organisations = organisations.filter(path__in=services.values("organisation_path"))
    return organisations


def organisation_list_item(served):
    source, page = served.source, served.page
    return {
        "id": source.pk,
        "title": page.title,
        "slug": page.slug,
        "type": source.organisation_type.slug,
        "district": source.district.number if source.district_id else None,
        "latitude": _number(source.latitude),
        "longitude": _number(source.longitude),
        "updated": source.last_published_at,
        "language": served.language,
    }


@router.get("", summary="List organisations")
def list_organisations(request):
    """Approved organisations matching every filter given (AND; comma-separated values
    match any of them). See docs/api.md."""
    requested = requested_language(request)
    params = QueryParams(request, (*ORGANISATION_FILTERS, "sort"), paginated=True)
    page = page_request(request)
    sort = params.choice("sort", SORTS) or (
        "relevance" if request.GET.get("q", "").strip() else "title"
    )
    organisations = filter_organisations(params, requested)
    params.check()

    count = organisations.count()
    sources = []
    if page.offset < count:
        if sort in ("title", "-title"):
            ordered = order_by_served_title(organisations, requested, descending=sort == "-title")
        elif sort == "relevance":
            ordered = organisations.order_by("-search_rank", "pk")
        else:
            ordered = organisations.order_by(
                "last_published_at" if sort == "updated" else "-last_published_at", "pk"
            )
        sources = list(
            ordered.select_related("organisation_type", "district").only(*LIST_FIELDS)[
                page.offset : page.offset + page.size
            ]
        )
    results = [organisation_list_item(served) for served in serve_in_language(sources, requested)]
    return list_response(request, count=count, page=page, requested=requested, results=results)


def _not_found():
    return Problem(404, _("No such organisation."))


def _children(model, organisation):
    """The organisation's live, public pages of `model` (in the source locale, as its).

    What `live_sources(model)` gives under this organisation, which is live, so its
    organisation rule holds by construction; skipping it spares a scan for every
    organisation that isn't live. Children are found by path prefix and depth, which the
    path index serves, not by a computed parent path, which reads every page of `model`.
    """
    return (
        model.objects.live()
        .public()
        .filter(path__startswith=organisation.path, depth=organisation.depth + 1)
        .filter(locale_id=organisation.locale_id)
    )


def _compact(sources, requested, **extra):
    """[{"id", "title", "language", **extra(source)}], each in its served language."""
    return [
        {
            "id": item.source.pk,
            "title": item.page.title,
            "language": item.language,
            **{name: value(item.source) for name, value in extra.items()},
        }
        for item in serve_in_language(sources, requested)
    ]


def organisation_children(organisation, requested):
    """Live services (by title), upcoming actions (by next start) and open calls (by
    deadline, rolling ones last) of `organisation` (its Greek page)."""
    now = timezone.now()
    services = order_by_served_title(_children(ServicePage, organisation), requested)
    actions = (
        _children(ActionPage, organisation)
        .annotate(next_start=Min("occurrences__start", filter=Q(occurrences__end__gte=now)))
        .filter(next_start__isnull=False)
        .order_by("next_start", "pk")
    )
    open_calls = (
        _children(OpenCallPage, organisation)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=now))
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    )
    return {
        "services": _compact(list(services.only("title", "translation_key")), requested),
        "actions": _compact(
            list(actions.only("title", "translation_key")),
            requested,
            next_start=lambda action: action.next_start,
        ),
        "open_calls": _compact(
            list(open_calls.only("title", "translation_key", "deadline")),
            requested,
            deadline=lambda call: call.deadline,
        ),
    }


def organisation_data(request, page, source):
    """The public fields of the served organisation page."""
    return {
        "id": source.pk,
        "title": page.title,
        "slug": page.slug,
        "type": page.organisation_type.slug,
        "legal_form": page.legal_form,
        "non_profit": page.non_profit,
        "description": expand_db_html(page.description),
        "logo": request.build_absolute_uri(page.logo.file.url) if page.logo_id else None,
        "activity_fields": [term.slug for term in page.activity_fields.all()],
        "website": page.website,
        "facebook_url": page.facebook_url,
        "instagram_url": page.instagram_url,
        "x_url": page.x_url,
        "linkedin_url": page.linkedin_url,
        "youtube_url": page.youtube_url,
        "public_phone": page.public_phone,
        "public_email": page.public_email,
        "address": page.address,
        "latitude": _number(page.latitude),
        "longitude": _number(page.longitude),
        "district": page.district.number if page.district_id else None,
        "updated": source.last_published_at,
    }


@router.get("/{organisation_id}", summary="One organisation")
def get_organisation(request, organisation_id: str):
    """An approved organisation by its Greek page's id, in the requested language if
    translated (else English, else Greek), with its live services, upcoming actions and
    open calls."""
    requested = requested_language(request)
    reject_unknown_params(request)
    page_id = page_id_or_404(organisation_id, _not_found)
    source = live_sources(OrganisationPage).filter(pk=page_id).first()
    if source is None:
        raise _not_found()
    (served,) = serve_in_language([source], requested, prefetch=DETAIL_PREFETCH)
    return {
        **language_fields(requested, served.language),
        **organisation_data(request, served.page, source),
        **organisation_children(source, requested),
    }
