"""GET /api/v1/open-calls and /api/v1/open-calls/{id}: organisations' live open calls.

A call is open while its deadline is in the future or it has none (rolling); `status`
(`open` by default, `closed`, `all`) chooses which are listed. Open calls are listed
soonest deadline first, rolling ones last; closed ones latest deadline first.
"""

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from wagtail.models import CollectionViewRestriction
from wagtail.rich_text import expand_db_html

from cms.api.language import language_fields, requested_language
from cms.api.listing import list_response, live_sources, page_request, serve_in_language
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem
from cms.api.query import QueryParams
from pages.models import OpenCallPage, OrganisationPage

from .organisation_items import (
    MAX_PAGE_ID,
    local_time,
    organisation_references,
    page_id_or_404,
    synathina_ids,
)

router = Router(tags=["open calls"])

OPEN_CALL_PARAMS = ("status", "call_type", "thematic_area", "organisation")
STATUSES = ("open", "closed", "all")


def _filtered_open_calls(params):
    status = params.choice("status", STATUSES) or "open"
    call_types = params.values("call_type")
    if call_types and not set(call_types) <= set(OpenCallPage.CallType.values):
        params.errors.append(
            {
                "field": "call_type",
                "message": _("Use one of: %(choices)s.")
                % {"choices": ", ".join(OpenCallPage.CallType.values)},
            }
        )
    thematic_areas = synathina_ids(params, "thematic_area")
    organisation = params.integer("organisation", minimum=1, maximum=MAX_PAGE_ID)
    params.check()

    calls = live_sources(OpenCallPage)
    is_open = Q(deadline__isnull=True) | Q(deadline__gte=timezone.now())
    if status == "open":
        calls = calls.filter(is_open).order_by(F("deadline").asc(nulls_last=True), "pk")
    else:
        if status == "closed":
            calls = calls.exclude(is_open)
        calls = calls.order_by(F("deadline").desc(nulls_first=True), "pk")
    if call_types:
        calls = calls.filter(call_type__in=call_types)
    if thematic_areas:
        calls = calls.filter(
            pk__in=OpenCallPage.thematic_areas.through.objects.filter(
                thematicarea__synathina_id__in=thematic_areas
            ).values("opencallpage_id")
        )
    if organisation is not None:
        calls = calls.filter(
            organisation_path__in=OrganisationPage.objects.filter(pk=organisation).values("path")
        )
    return calls


def _thematic_areas(source):
    return [area.synathina_id for area in source.thematic_areas.all()]


def open_call_summary(served, organisations):
    source = served.source
    return {
        "id": source.pk,
        "title": served.page.title,
        "summary": served.page.summary,
        "call_type": source.call_type,
        "deadline": local_time(source.deadline),
        "is_open": source.is_open,
        "organisation": organisations.get(source.pk),
        "thematic_areas": _thematic_areas(source),
        "language": served.language,
    }


@router.get("", summary="Open calls")
def list_open_calls(request):
    """Live open calls, open ones by default (`status=closed` or `all` for the others),
    filtered by `call_type`, `thematic_area` and `organisation`."""
    requested = requested_language(request)
    params = QueryParams(request, OPEN_CALL_PARAMS, paginated=True)
    calls = _filtered_open_calls(params)
    page = page_request(request)
    count = calls.count()
    sources = list(calls.prefetch_related("thematic_areas")[page.offset : page.offset + page.size])
    served = serve_in_language(sources, requested)
    organisations = organisation_references(sources, requested)
    results = [open_call_summary(item, organisations) for item in served]
    return list_response(request, count=count, page=page, requested=requested, results=results)


def _public_documents(attachments):
    """The attachments' documents that are not in a collection with a view restriction."""
    restricted = [
        restriction.collection.path
        for restriction in CollectionViewRestriction.objects.select_related("collection")
    ]
    documents = [attachment.document for attachment in attachments]
    return [
        document
        for document in documents
        if not any(document.collection.path.startswith(path) for path in restricted)
    ]


@router.get("/{call_id}", summary="One open call")
def get_open_call(request, call_id: str):
    """A live open call by its Greek page's id, open or closed, with its attachments."""
    requested = requested_language(request)
    reject_unknown_params(request)
    source_id = page_id_or_404(call_id, _("No such open call."))
    source = live_sources(OpenCallPage).filter(pk=source_id).first()
    if source is None:
        raise Problem(404, _("No such open call."))
    (served,) = serve_in_language(
        [source], requested, prefetch=("attachments__document__collection",)
    )
    organisations = organisation_references([source], requested)
    return {
        **language_fields(requested, served.language),
        **open_call_summary(served, organisations),
        "slug": served.page.slug,
        "description": expand_db_html(served.page.description),
        "attachments": [
            {
                "title": document.title,
                "url": request.build_absolute_uri(document.url),
                "file_extension": document.file_extension,
            }
            for document in _public_documents(served.page.attachments.all())
        ],
    }
