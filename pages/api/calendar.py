"""GET /api/v1/actions.ics: the actions' occurrences as an iCalendar (RFC 5545) feed.

The filters and language rules are those of /actions; one VEVENT per matching
occurrence, earliest first, at most `MAX_EVENTS`. An event's UID is its Greek
occurrence's translation key, the same in every language's feed, so a subscriber who
switches language sees the same events updated rather than doubled. Bad parameters are
JSON problems like every other API error.
"""

import datetime
import re

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router

from cms.api.language import requested_language
from cms.api.listing import serve_in_language
from cms.api.query import QueryParams
from pages.models import ActionPage

from .actions import (
    ACTION_FILTER_PARAMS,
    read_action_filters,
    translated_occurrence_text,
    upcoming_occurrences,
)
from .organisation_items import organisation_references

router = Router(tags=["actions"])

MAX_EVENTS = 1000
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//City of Athens//ACCMR platform//EN"
MAX_LINE_OCTETS = 75
# Control characters other than tab and newline are not allowed in TEXT values.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value):
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = CONTROL_CHARACTERS.sub("", value)
    for character in ("\\", ";", ","):
        value = value.replace(character, "\\" + character)
    return value.replace("\n", "\\n")


def fold(line):
    """A content line folded to at most 75 octets a line (RFC 5545 §3.1), never inside a
    UTF-8 character: continuation lines start with a space, which counts."""
    if len(line.encode()) <= MAX_LINE_OCTETS:
        return line
    lines, current, size = [], "", 0
    for character in line:
        width = len(character.encode())
        if size + width > MAX_LINE_OCTETS:
            lines.append(current)
            current, size = " ", 1
        current += character
        size += width
    lines.append(current)
    return "\r\n".join(lines)


def utc_stamp(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(occurrence, served, text, organisation, url):
    page = served.page
    summary = f"{page.title}: {text.subtitle}" if text.subtitle else page.title
    description = page.short_description
    if organisation:
        description = f"{description}\n\n{organisation['title']}"
    published = served.source.last_published_at or timezone.now()
    properties = [
        ("UID", f"{occurrence.translation_key}@accmr"),
        ("DTSTAMP", utc_stamp(published)),
        ("DTSTART", utc_stamp(occurrence.start)),
        ("DTEND", utc_stamp(occurrence.end)),
        ("SUMMARY", escape_text(summary)),
        ("DESCRIPTION", escape_text(description)),
    ]
    if text.address:
        properties.append(("LOCATION", escape_text(text.address)))
    if occurrence.has_coordinates:
        properties.append(("GEO", f"{float(occurrence.latitude)};{float(occurrence.longitude)}"))
    properties.append(("URL", url))
    return ["BEGIN:VEVENT", *(f"{name}:{value}" for name, value in properties), "END:VEVENT"]


def _action_url(request, served):
    """The partner's page for a synAthina action, else the action in this API."""
    if served.source.source_url:
        return served.source.source_url
    return request.build_absolute_uri(f"/api/v1/actions/{served.source.pk}?lang={served.language}")


def calendar_lines(request, occurrences, requested):
    """The feed's content lines, unfolded. A fixed number of queries."""
    action_ids = list(dict.fromkeys(occurrence.page_id for occurrence in occurrences))
    sources = {page.pk: page for page in ActionPage.objects.filter(pk__in=action_ids)}
    served = {
        item.source.pk: item
        for item in serve_in_language([sources[pk] for pk in action_ids], requested)
    }
    translated_text = translated_occurrence_text(served.values())
    organisations = organisation_references(sources.values(), requested)
    with translation.override(requested):
        name = _("Actions for migrants and refugees in Athens")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for occurrence in occurrences:
        item = served[occurrence.page_id]
        lines += _event(
            occurrence,
            item,
            translated_text.get(occurrence.translation_key, occurrence),
            organisations.get(occurrence.page_id),
            _action_url(request, item),
        )
    lines.append("END:VCALENDAR")
    return lines


@router.get("", summary="Actions as an iCalendar feed")
def actions_calendar(request):
    """The occurrences of the actions `/actions` would list, one event each (at most
    1,000, earliest first), in the requested language where translated. Takes the same
    filters as `/actions`, without pagination."""
    requested = requested_language(request)
    params = QueryParams(request, ACTION_FILTER_PARAMS)
    filters = read_action_filters(params)
    params.check()
    occurrences = list(upcoming_occurrences(filters).order_by("start", "pk")[:MAX_EVENTS])
    lines = calendar_lines(request, occurrences, requested)
    response = HttpResponse(
        "".join(fold(line) + "\r\n" for line in lines), content_type=CALENDAR_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'inline; filename="actions.ics"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
