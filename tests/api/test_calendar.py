"""GET /api/v1/actions.ics: the actions' occurrences as an iCalendar feed."""

import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.api.calendar import escape_text, fold
from pages.models import ActionOccurrence, ActionPage
from tests.factories import (
    KOLONOS,
    make_action,
    make_organisation,
    translate_page,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
HOSTILE_TEXT = 'Πρώτη, δεύτερη; τρίτη\\τέταρτη\nπέμπτη "έκτη" \x07'


def days(number):
    return NOW + datetime.timedelta(days=number)


def utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed(client, query="", **headers):
    return client.get(f"/api/v1/actions.ics{query}", **headers)


def events(response):
    assert response.status_code == 200, response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def organisation(site_tree):
    organisation = make_organisation(title="Πράξις")
    translate_page(organisation, "en", title="Praksis")
    return organisation


def test_one_event_per_upcoming_occurrence_in_utc(client, organisation):
    action = make_action(
        organisation,
        [{"start": days(-3)}, {"start": days(2), "subtitle": "Πρώτη"}, {"start": days(9)}],
        title="Γιορτή",
        short_description="Μουσική, χορός; φαγητό.",
    )
    make_action(organisation, [{"start": days(-5)}])
    occurrence = action.occurrences.get(subtitle="Πρώτη")

    response = feed(client)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    found = events(response)
    assert len(found) == 2
    first = found[0]
    assert str(first["UID"]) == f"{occurrence.translation_key}@accmr"
    assert str(first["SUMMARY"]) == "Γιορτή: Πρώτη"
    assert str(first["DESCRIPTION"]) == "Μουσική, χορός; φαγητό.\n\nΠράξις"
    assert first.decoded("DTSTART") == days(2)
    assert first.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert first.decoded("DTEND") == days(2) + datetime.timedelta(hours=2)
    assert "DTSTAMP" in first
    assert str(first["LOCATION"]).startswith("Πλατεία Συντάγματος, 105 63")
    assert (first["GEO"].latitude, first["GEO"].longitude) == (37.975527, 23.734547)
    assert str(first["URL"]) == f"http://testserver/api/v1/actions/{action.pk}?lang=el"
    assert b"\r\nDTSTART:" in response.content and b"Z\r\n" in response.content


def test_lines_end_in_crlf_and_fold_at_75_octets_on_character_boundaries(client, organisation):
    make_action(
        organisation,
        [{"start": days(2), "address": "شارع " * 40}],
        title="Μια πολύ μεγάλη δράση " * 10,
    )

    content = feed(client).content
    assert content.endswith(b"END:VCALENDAR\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # each physical line is whole characters
    assert any(line.startswith(b" ") for line in lines)
    (event,) = events(feed(client))
    assert str(event["SUMMARY"]) == "Μια πολύ μεγάλη δράση " * 10
    assert str(event["LOCATION"]) == "شارع " * 40


def test_text_escaping_round_trips(client, organisation):
    make_action(organisation, [{"start": days(2), "address": HOSTILE_TEXT}], title=HOSTILE_TEXT)

    (event,) = events(feed(client))
    # The bell character is not allowed in iCalendar text and is dropped; the rest survives.
    expected = HOSTILE_TEXT.replace("\x07", "")
    assert str(event["SUMMARY"]) == expected
    assert str(event["LOCATION"]) == expected


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("one\r\ntwo\rthree\nfour", "one\\ntwo\\nthree\\nfour"),
        ("tab\tkept\x00\x1f\x7f", "tab\tkept"),
    ],
)
def test_escape_text(text, escaped):
    assert escape_text(text) == escaped


def test_fold_keeps_short_lines_and_splits_long_ones_on_utf8_boundaries():
    assert fold("SUMMARY:short") == "SUMMARY:short"
    line = "SUMMARY:" + "α" * 100  # 8 + 200 octets
    folded = fold(line).split("\r\n")
    assert [len(part.encode()) <= 75 for part in folded] == [True] * len(folded)
    assert all(part.startswith(" ") for part in folded[1:])
    assert "".join(part.removeprefix(" ") if i else part for i, part in enumerate(folded)) == line


def test_the_same_filters_as_the_list(client, organisation):
    other = make_organisation()
    make_action(
        organisation,
        [{"start": days(2)}, {"start": days(3), "latitude": KOLONOS[0], "longitude": KOLONOS[1]}],
    )
    make_action(other, [{"start": days(4)}])

    assert len(events(feed(client))) == 3
    assert len(events(feed(client, f"?organisation={organisation.pk}"))) == 2
    assert len(events(feed(client, f"?organisation={organisation.pk}&district=4"))) == 1
    hour = datetime.timedelta(hours=1)
    window = f"?from={utc(days(3) - hour)}&to={utc(days(3) + hour)}"
    assert len(events(feed(client, window))) == 1


def test_the_feed_is_in_the_negotiated_language(client, organisation):
    action = make_action(organisation, [{"start": days(2)}], title="Γιορτή")
    english = translate_page(action, "en", title="Festival")
    ActionOccurrence.objects.filter(page=english).update(address="Syntagma Square")

    (event,) = events(feed(client, HTTP_ACCEPT_LANGUAGE="en-GB"))
    assert str(event["SUMMARY"]) == "Festival"
    assert str(event["LOCATION"]) == "Syntagma Square"
    assert str(event["DESCRIPTION"]).endswith("Praksis")
    (greek_event,) = events(feed(client, "?lang=el"))
    assert greek_event["UID"] == event["UID"]


def test_a_partner_actions_url_is_its_original(client, organisation):
    action = make_action(organisation, [{"start": days(2)}])
    ActionPage.objects.filter(pk=action.pk).update(
        source="synathina", source_url="https://www.synathina.gr/actions/7"
    )

    (event,) = events(feed(client, "?source=synathina"))
    assert str(event["URL"]) == "https://www.synathina.gr/actions/7"


def test_drafts_and_unapproved_organisations_are_not_in_the_feed(client, organisation):
    make_action(organisation, [{"start": days(2)}], publish=False)
    make_action(make_organisation(publish=False), [{"start": days(2)}])
    action = make_action(organisation, [{"start": days(2)}], title="Δημόσια")
    translate_page(action, "en", title="Draft title", publish=False)

    found = events(feed(client, "?lang=en"))
    assert [str(event["SUMMARY"]) for event in found] == ["Δημόσια"]


def test_an_empty_feed_is_still_a_calendar(client, organisation):
    response = feed(client)

    assert events(response) == []
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=tomorrow", "from"),
        ("?district=0", "district"),
        ("?page=2", "page"),
        ("?lang=gr", "lang"),
        ("?organisation=%00", "organisation"),
    ],
)
def test_bad_parameters_are_json_problems(client, organisation, query, field):
    response = feed(client, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("lang", ["el", "en"])
def test_a_fixed_number_of_queries_whatever_the_number_of_events(client, organisation, lang):
    counts = []
    for index in range(2):
        action = make_action(organisation, 3 * (index + 1))
        translate_page(action, "en", title=f"Action {index}")
        with CaptureQueriesContext(connection) as captured:
            assert len(events(feed(client, f"?lang={lang}"))) == 3 + 6 * index
        counts.append(len(captured))
    assert counts[0] == counts[1] > 0


def test_both_the_feed_and_an_action_id_route(client, organisation):
    action = make_action(organisation, [{"start": days(2)}])

    assert feed(client).status_code == 200
    assert client.get(f"/api/v1/actions/{action.pk}").status_code == 200
    assert client.get("/api/v1/actions/actions.ics").status_code == 404
