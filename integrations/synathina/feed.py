"""The partner feed: shared ACCMR actions in synAthina's own feed shape (CONTRACT.md, 1 and 2.A).

Each upcoming occurrence of a shared action is one feature, exactly as synAthina's
`actions.php` writes its own (latitude first, `[0, 0]` without a location, naive Athens
times, HTML-escaped text, `team_id` a string), plus ACCMR's fields: `origin` 2,
`accmr_action_id`, `modified`, `org_donation` and `supporters_message`. Only what the
contract names leaves ACCMR: no contact persons, no editors, no e-mail addresses.
"""

import datetime
import html
from zoneinfo import ZoneInfo

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cms.api.listing import serve_in_language
from pages.models import OrganisationPage

from .models import SharedAction
from .sharing import shareable_actions

ATHENS = ZoneInfo("Europe/Athens")
ACCMR_ORIGIN = 2
SYNATHINA_DATETIME = "%Y-%m-%d %H:%M:%S"
ACTION_PREFETCH = ("occurrences__thematic_areas", "support_requests__support_type", "image")


def escape(text):
    """HTML-escape as synAthina's PHP does (`&quot;`, `&amp;`, `&#039;`)."""
    return html.escape(text or "", quote=True).replace("&#x27;", "&#039;")


def iso(moment):
    return timezone.localtime(moment, ATHENS).isoformat(timespec="seconds")


def athens_naive(moment):
    return timezone.localtime(moment, ATHENS).strftime(SYNATHINA_DATETIME)


def display_dates(start, end):
    """`05-12-2026, 18:00 - 21:00`, or with the end's date when it is another day."""
    start, end = timezone.localtime(start, ATHENS), timezone.localtime(end, ATHENS)
    first = start.strftime("%d-%m-%Y, %H:%M")
    if start.date() == end.date():
        return f"{first} - {end:%H:%M}"
    return f"{first} - {end:%d-%m-%Y, %H:%M}"


def start_of_today():
    """Midnight today in Athens: an occurrence ending today or later is upcoming."""
    today = timezone.localtime(timezone.now(), ATHENS).date()
    return datetime.datetime.combine(today, datetime.time(), tzinfo=ATHENS)


def image_url(request, image):
    return request.build_absolute_uri(image.file.url) if image else ""


def shared_upcoming_actions(modified_since=None):
    """Greek pages of shared actions with an upcoming occurrence, each with `modified`."""
    recorded = SharedAction.objects.filter(action_id=OuterRef("pk")).values("modified")
    actions = (
        shareable_actions()
        .filter(occurrences__end__gte=start_of_today())
        .distinct()
        .annotate(modified=Coalesce(Subquery(recorded), F("last_published_at")))
        .order_by("pk")
    )
    if modified_since is not None:
        actions = actions.filter(modified__gte=modified_since)
    return actions


def organisations_by_path(sources, language):
    """The serving organisation page (and its Greek page's id) of each action, by path."""
    paths = {source.organisation_path for source in sources}
    organisations = list(OrganisationPage.objects.filter(path__in=paths).order_by("pk"))
    served = serve_in_language(organisations, language, prefetch=("logo",))
    return {item.source.path: item for item in served}


def team_fields(request, organisation):
    """The organiser's fields of a feature (and of the team lookup)."""
    page = organisation.page
    return {
        "team_id": str(organisation.source.pk),
        "team_name": escape(page.title),
        "team_url": page.get_full_url(request) or "",
        "logo_team": image_url(request, page.logo),
    }


def action_features(request, action, organisation, start_index):
    """One feature per upcoming occurrence of the served `action` page."""
    page, source = action.page, action.source
    requests = sorted(page.support_requests.all(), key=lambda row: row.sort_order or 0)
    shared = {
        "origin": ACCMR_ORIGIN,
        "accmr_action_id": source.pk,
        "action_id": source.pk,
        "modified": iso(source.modified),
        "is_featured": False,
        "object_constructor": "Activity",
        "slug": page.slug,
        "url": page.get_full_url(request) or "",
        "team_members": "",
        "sponsor_title": "",
        "content": escape(page.short_description),
        "content_img": image_url(request, page.image),
        "logo": "",
        "logo_sponsor": "",
        "org_donation": [row.support_type.synathina_id for row in requests],
        "supporters_message": {
            str(row.support_type.synathina_id): escape(row.message) for row in requests
        },
        **team_fields(request, organisation),
    }
    upcoming_from = start_of_today()
    occurrences = sorted(
        (row for row in page.occurrences.all() if row.end >= upcoming_from),
        key=lambda row: (row.start, row.pk),
    )
    features = []
    for index, occurrence in enumerate(occurrences, start=start_index):
        areas = sorted(occurrence.thematic_areas.all(), key=lambda term: term.synathina_id)
        located = occurrence.latitude is not None and occurrence.longitude is not None
        features.append(
            {
                "type": "Point",
                "coordinates": (
                    [float(occurrence.latitude), float(occurrence.longitude)] if located else [0, 0]
                ),
                "id": index,
                "category_id": [area.synathina_id for area in areas],
                "category_name": escape(areas[0].name) if areas else "",
                "address": escape(occurrence.address),
                "date": athens_naive(occurrence.start),
                "date_end": athens_naive(occurrence.end),
                "dates": display_dates(occurrence.start, occurrence.end),
                "title": escape(occurrence.subtitle or page.title),
                **shared,
            }
        )
    return features


def tombstones(modified_since):
    return [
        {"action_id": record.action_id, "deleted": True, "modified": iso(record.modified)}
        for record in SharedAction.objects.filter(
            shared=False, modified__gte=modified_since
        ).order_by("modified", "action_id")
    ]


def feed_document(request, language, modified_since=None):
    """The feed as synAthina's `FeatureCollection`; with `modified_since`, only what
    changed since then, followed by the tombstones of actions withdrawn since then."""
    sources = list(shared_upcoming_actions(modified_since))
    actions = serve_in_language(sources, language, prefetch=ACTION_PREFETCH)
    organisations = organisations_by_path(sources, language)
    features = []
    for action in actions:
        organisation = organisations[action.source.organisation_path]
        features.extend(action_features(request, action, organisation, len(features)))
    if modified_since is not None:
        features.extend(tombstones(modified_since))
    return {"type": "FeatureCollection", "features": features}
