"""GET /api/v1/actions and /api/v1/actions/{id}: live actions and their occurrences.

An action is listed while one of its occurrences matches the filters: by default, while
an occurrence ends after now. Occurrence filters (`from`, `to`, `district`,
`thematic_area`, `near`) must hold for the same occurrence; action filters
(`support_type`, `organisation`, `source`) for the action; all combine with AND.

Dates, places, districts and thematic areas come from the Greek occurrences (the ones
filters are applied to, so what is listed is what matched); subtitles and addresses
come from the served translation's occurrence with the same translation key, if any.
`upcoming_occurrences` is the filter the map and the calendar feed reuse.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from wagtail.rich_text import expand_db_html

from cms.api.language import language_fields, requested_language
from cms.api.listing import list_response, live_sources, page_request, serve_in_language
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem
from cms.api.query import QueryParams
from pages.models import ActionOccurrence, ActionPage, ActionSupportRequest, OrganisationPage

from .filtering import Nearby
from .organisation_items import (
    MAX_PAGE_ID,
    image_data,
    local_time,
    organisation_references,
    page_id_or_404,
    synathina_ids,
)

router = Router(tags=["actions"])

ACTION_FILTER_PARAMS = (
    "from",
    "to",
    "district",
    "thematic_area",
    "support_type",
    "organisation",
    "source",
    "near",
    "radius_km",
)


@dataclass(frozen=True)
class ActionFilters:
    """What `/actions`, the calendar feed and the map filter actions by."""

    after: datetime.datetime
    before: datetime.datetime | None = None
    district: int | None = None
    thematic_areas: list[int] | None = None
    support_types: list[int] | None = None
    organisation: int | None = None
    source: str | None = None
    near: Nearby | None = None


def _storable_datetime(params, name):
    """`params.datetime(name)`, refused if it can't be expressed in UTC (the database's)."""
    moment = params.datetime(name)
    try:
        return moment and moment.astimezone(datetime.UTC)
    except OverflowError:
        params.errors.append({"field": name, "message": _("Out of range.")})
        return None


def read_action_filters(params):
    """The action filters in `params` (a `QueryParams`); the caller calls `params.check()`."""
    after = _storable_datetime(params, "from")
    before = _storable_datetime(params, "to")
    if after and before and after > before:
        params.errors.append({"field": "to", "message": _("Must not be earlier than from.")})
    return ActionFilters(
        after=after or timezone.now(),
        before=before,
        district=params.integer("district", minimum=1, maximum=7),
        thematic_areas=synathina_ids(params, "thematic_area"),
        support_types=synathina_ids(params, "support_type"),
        organisation=params.integer("organisation", minimum=1, maximum=MAX_PAGE_ID),
        source=params.choice("source", ActionPage.Source.values),
        near=Nearby.from_params(params),
    )


def upcoming_occurrences(filters):
    """The Greek occurrences of live, public actions (of live organisations) matching
    `filters`: ending after `after`, starting before `before`, in the district, with one
    of the thematic areas, near the point; of actions asking for one of the support
    types, run by the organisation, from the source."""
    actions = live_sources(ActionPage)
    if filters.organisation is not None:
        actions = actions.filter(
            organisation_path__in=OrganisationPage.objects.filter(pk=filters.organisation).values(
                "path"
            )
        )
    if filters.source is not None:
        actions = actions.filter(source=filters.source)
    if filters.support_types:
        actions = actions.filter(
            pk__in=ActionSupportRequest.objects.filter(
                support_type__synathina_id__in=filters.support_types
            ).values("page_id")
        )
    occurrences = ActionOccurrence.objects.filter(
        page_id__in=actions.values("pk"), end__gt=filters.after
    )
    if filters.before is not None:
        occurrences = occurrences.filter(start__lt=filters.before)
    if filters.district is not None:
        occurrences = occurrences.filter(district__number=filters.district)
    if filters.thematic_areas:
        occurrences = occurrences.filter(
            pk__in=ActionOccurrence.objects.filter(
                thematic_areas__synathina_id__in=filters.thematic_areas
            ).values("pk")
        )
    if filters.near is not None:
        occurrences = filters.near.apply(occurrences)
    return occurrences


def occurrences_of(action_ids, matching=None):
    """Every Greek occurrence of these actions, earliest first, with district and thematic
    areas loaded; with `matching` (a queryset of occurrences), each says if it `matches`."""
    occurrences = ActionOccurrence.objects.filter(page_id__in=action_ids)
    if matching is not None:
        occurrences = occurrences.annotate(matches=Exists(matching.filter(pk=OuterRef("pk"))))
    return list(
        occurrences.select_related("district")
        .prefetch_related("thematic_areas")
        .order_by("start", "pk")
    )


def translated_occurrence_text(served):
    """The occurrences of the actions served from a translation, by translation key: their
    subtitle and address are the translated ones. One query, none if all are Greek."""
    translated = [item.page.pk for item in served if item.page.pk != item.source.pk]
    if not translated:
        return {}
    rows = ActionOccurrence.objects.filter(page_id__in=translated).only(
        "translation_key", "subtitle", "address"
    )
    return {row.translation_key: row for row in rows}


def _float(value):
    return None if value is None else float(value)


def occurrence_data(occurrence, translated_text):
    text = translated_text.get(occurrence.translation_key, occurrence)
    return {
        "subtitle": text.subtitle,
        "start": local_time(occurrence.start),
        "end": local_time(occurrence.end),
        "address": text.address,
        "district": occurrence.district.number if occurrence.district_id else None,
        "latitude": _float(occurrence.latitude),
        "longitude": _float(occurrence.longitude),
        "thematic_areas": [area.synathina_id for area in occurrence.thematic_areas.all()],
    }


def _thematic_areas(occurrences):
    return sorted({area.synathina_id for row in occurrences for area in row.thematic_areas.all()})


def _by_action(occurrences):
    grouped = {}
    for occurrence in occurrences:
        grouped.setdefault(occurrence.page_id, []).append(occurrence)
    return grouped


def _sources_in_order(action_ids):
    """The Greek action pages, in the order of `action_ids` (already known to be served)."""
    sources = {page.pk: page for page in ActionPage.objects.filter(pk__in=action_ids)}
    return [sources[pk] for pk in action_ids if pk in sources]


def action_summaries(action_ids, matching, requested):
    """The list items of these actions (Greek page ids, in order): each with its next
    matching occurrence and how many of its occurrences match. A fixed number of queries."""
    served = serve_in_language(_sources_in_order(action_ids), requested)
    sources = [item.source for item in served]
    occurrences = _by_action(occurrences_of(action_ids, matching))
    organisations = organisation_references(sources, requested)
    translated_text = translated_occurrence_text(served)
    items = []
    for item in served:
        rows = occurrences.get(item.source.pk, [])
        matching_rows = [row for row in rows if row.matches]
        items.append(
            {
                "id": item.source.pk,
                "title": item.page.title,
                "short_description": item.page.short_description,
                "organisation": organisations.get(item.source.pk),
                "source": item.source.source,
                "source_url": item.source.source_url or None,
                "next_occurrence": (
                    occurrence_data(matching_rows[0], translated_text) if matching_rows else None
                ),
                "occurrences_in_range": len(matching_rows),
                "thematic_areas": _thematic_areas(rows),
                "language": item.language,
            }
        )
    return items


@router.get("", summary="Upcoming actions")
def list_actions(request):
    """Live actions with an occurrence matching the filters, by their next occurrence.

    Without `from`, an action is listed while an occurrence ends after now. See
    docs/api.md for the filters; they combine with AND.
    """
    requested = requested_language(request)
    params = QueryParams(request, ACTION_FILTER_PARAMS, paginated=True)
    filters = read_action_filters(params)
    params.check()
    page = page_request(request)
    matching = upcoming_occurrences(filters)
    per_action = (
        matching.values("page_id")
        .annotate(next_start=Min("start"), matching=Count("pk"))
        .order_by("next_start", "page_id")
    )
    count = per_action.count()
    action_ids = [row["page_id"] for row in per_action[page.offset : page.offset + page.size]]
    results = action_summaries(action_ids, matching, requested) if action_ids else []
    return list_response(request, count=count, page=page, requested=requested, results=results)


def _partner_organisations(source, requested):
    """The live, public partner organisations on the platform, `{"id", "title"}`."""
    partner_ids = ActionPage.partner_organisations.through.objects.filter(
        actionpage_id=source.pk
    ).values("organisationpage_id")
    partners = list(
        OrganisationPage.objects.live().public().filter(pk__in=partner_ids).order_by("title")
    )
    return [
        {"id": item.source.pk, "title": item.page.title}
        for item in serve_in_language(partners, requested)
    ]


def _other_partners(text):
    return [name.strip() for name in text.split(",") if name.strip()]


@router.get("/{action_id}", summary="One action")
def get_action(request, action_id: str):
    """A live action by its Greek page's id, with all its occurrences (earliest first), the
    support it asks for and its partners, in the requested language if translated."""
    requested = requested_language(request)
    reject_unknown_params(request)
    source_id = page_id_or_404(action_id, _("No such action."))
    source = live_sources(ActionPage).filter(pk=source_id).first()
    if source is None:
        raise Problem(404, _("No such action."))
    (served,) = serve_in_language([source], requested, prefetch=("support_requests__support_type",))
    page = served.page
    translated_text = translated_occurrence_text([served])
    return {
        **language_fields(requested, served.language),
        "id": source.pk,
        "title": page.title,
        "slug": page.slug,
        "short_description": page.short_description,
        "description": expand_db_html(page.description),
        "organisation": organisation_references([source], requested).get(source.pk),
        "source": source.source,
        "source_url": source.source_url or None,
        "image": image_data(request, page.image),
        "occurrences": [
            occurrence_data(row, translated_text) for row in occurrences_of([source.pk])
        ],
        "support_requests": [
            {"support_type": row.support_type.synathina_id, "message": row.message}
            for row in page.support_requests.all()
        ],
        "partner_organisations": _partner_organisations(source, requested),
        "other_partners": _other_partners(page.other_partners),
    }
