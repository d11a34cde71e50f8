"""Pulling synAthina's actions (CONTRACT.md 2.B.1) from the stand-in, over real HTTP."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page

from integrations.synathina.models import ImportedAction, PullRun
from integrations.synathina.pull import PARTNER_SLUG, ensure_partner_organisation, pull
from pages.models import ActionPage
from tests.factories import KYPSELI, PAGRATI, english, make_action

from .standin import feed_feature

pytestmark = pytest.mark.django_db
WINTER = datetime.timezone(datetime.timedelta(hours=2))
SUMMER = datetime.timezone(datetime.timedelta(hours=3))


def _page(action_id):
    return ImportedAction.objects.get(synathina_id=action_id).page


def _revisions(page):
    return page.revisions.count()


def test_actions_in_area_12_are_imported_once_with_their_english_translation(feed):
    feed.action(9101, [{"coordinates": list(map(float, KYPSELI))}, {}], category_id=[12, 9])
    feed.action(9107, category_id=[2])  # culture: not ours
    report = pull()
    assert report.ok, report.error
    assert (report.created, report.outside_area, report.updated) == (1, 1, 0)
    page = _page(9101)
    assert page.live
    assert page.source == ActionPage.Source.SYNATHINA
    assert page.source_url == "https://www.synathina.gr/el/actions/action/9101.html"
    assert page.title == "Δράση 9101"
    assert page.get_parent().slug == PARTNER_SLUG
    assert page.get_parent().live
    occurrences = list(page.occurrences.order_by("sort_order"))
    assert len(occurrences) == 2
    assert {area.synathina_id for area in occurrences[0].thematic_areas.all()} == {9, 12}
    translation = page.get_translation(english())
    assert translation.live
    assert translation.title == "Action 9101"
    assert translation.short_description == "Greek lessons"
    assert translation.source == ActionPage.Source.SYNATHINA
    assert not ActionPage.objects.filter(title__contains="9107").exists()
    run = PullRun.objects.get()
    assert (run.outcome, run.created, run.problems) == (PullRun.Outcome.OK, 1, [])

    revisions = _revisions(page)
    pages = Page.objects.count()
    again = pull()
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 1, 0)
    assert Page.objects.count() == pages
    assert _revisions(page) == revisions


def test_a_changed_action_is_updated_in_both_languages(feed):
    feed.action(9101, [{}, {}])
    pull()
    page = _page(9101)
    revisions = _revisions(page)
    feed.action(
        9101,
        [{}, {"date": "2026-12-20 10:00:00", "date_end": "2026-12-20 12:00:00"}, {}],
        el={"title": "Νέος τίτλος"},
        en={"title": "New title"},
    )
    report = pull()
    assert (report.updated, report.created, report.unchanged) == (1, 0, 0)
    page.refresh_from_db()
    assert page.title == "Νέος τίτλος"
    assert page.occurrences.count() == 3
    assert _revisions(page) == revisions + 1
    assert page.get_translation(english()).title == "New title"


def test_an_action_that_leaves_the_feed_is_unpublished_and_comes_back(feed):
    feed.action(9101)
    feed.action(9102)
    pull()
    feed.drop(9101)
    report = pull()
    assert (report.removed, report.unchanged) == (1, 1)
    page = _page(9101)
    assert not page.live
    assert not page.get_translation(english()).live
    assert not ImportedAction.objects.get(synathina_id=9101).in_feed
    assert _page(9102).live
    feed.action(9101)
    report = pull()
    assert (report.updated, report.created) == (1, 0)
    page.refresh_from_db()
    assert page.live and page.get_translation(english()).live
    assert ActionPage.objects.filter(source=ActionPage.Source.SYNATHINA).count() == 4


def test_an_action_that_leaves_area_12_is_removed(feed):
    feed.action(9101)
    pull()
    feed.action(9101, category_id=[2])
    assert pull().removed == 1
    assert not _page(9101).live


def _state():
    """What a failed pull must leave as it was: every page's title, liveness, revisions."""
    return sorted(
        (page.pk, page.title, page.live, page.latest_revision_id) for page in Page.objects.all()
    )


@pytest.mark.parametrize(
    ("language", "fault", "status"),
    [
        ("el", "fail", 500),
        ("el", "fail", 503),
        ("en", "fail", 503),
        ("el", "hang", None),
        ("en", "reset", None),
        ("el", "reset", None),
        ("el", "truncated", None),
        ("en", "truncated", None),
        ("el", "malformed", None),
        ("en", "malformed", None),
    ],
)
def test_a_failed_pull_changes_nothing_and_is_recorded(feed, language, fault, status):
    feed.action(9101)
    feed.action(9102)
    pull()
    before = _state()
    # What a successful pull would apply: one action changed, one gone, one new.
    feed.action(9101, el={"title": "Αλλαγμένο"})
    feed.drop(9102)
    feed.action(9103)
    feed.stand_in.feed_fault(fault, status=status, language=language)
    report = pull()
    assert not report.ok
    assert _state() == before
    assert ImportedAction.objects.filter(in_feed=True).count() == 2
    run = PullRun.objects.first()
    assert run.outcome == PullRun.Outcome.FAILED
    assert run.error and (run.created, run.updated, run.removed) == (0, 0, 0)
    assert pull().ok  # the next pull, without a fault, works
    assert (_page(9101).title, _page(9102).live) == ("Αλλαγμένο", False)


def test_a_slow_answer_within_the_timeout_is_fine(feed):
    feed.action(9101)
    feed.stand_in.feed_fault("slow", seconds=0.2)
    assert pull().created == 1


def test_an_empty_greek_feed_is_not_believed(feed):
    feed.action(9101)
    pull()
    feed.drop(9101)
    report = pull()
    assert not report.ok
    assert "no actions at all" in report.error
    assert _page(9101).live


def test_an_english_feed_disagreeing_badly_fails_the_pull(feed):
    for action_id in range(9101, 9106):
        feed.action(action_id)
    feed.stand_in.serve_feed("en", [feed_feature(8000 + n, language="en") for n in range(5)])
    report = pull()
    assert not report.ok
    assert "disagrees" in report.error
    assert not ImportedAction.objects.exists()


def test_a_bad_feature_leaves_only_its_action_untouched(feed):
    feed.action(9101)
    feed.action(9102)
    pull()
    feed.action(9101, [{}, {"date": "next Tuesday"}], el={"title": "Αλλαγμένο"})
    feed.action(9102, el={"title": "Άλλο"})
    feed.action(9103, en={"coordinates": [23.734547, 37.975527]})  # longitude first: bad
    feed.action(9104, category_id=[3], date_end="2026-12-01 00:00:00")  # bad, not ours
    report = pull()
    assert report.ok
    assert (report.updated, report.skipped, report.created) == (1, 2, 0)
    assert (_page(9101).title, _page(9101).live) == ("Δράση 9101", True)
    assert _page(9102).title == "Άλλο"
    assert not ImportedAction.objects.filter(synathina_id=9103).exists()
    problems = {(p["language"], p["action_id"]): p["message"] for p in report.problems}
    assert problems[("el", 9101)] == "date: 'next Tuesday' is not YYYY-MM-DD HH:MM:SS"
    assert "outside Greece" in problems[("en", 9103)]
    assert ("el", 9104) not in problems
    assert PullRun.objects.first().problems == report.problems


def test_a_missing_field_spoils_its_action_and_an_orphan_feature_stops_removals(feed):
    feed.action(9101)
    feed.action(9102)
    pull()
    del feed.actions[9101]["el"][0]["title"]
    feed.drop(9102)
    feed.stand_in.feeds["el"].append({"title": "no action id"})
    report = pull()
    assert report.ok
    assert (report.skipped, report.removed) == (1, 0)
    assert _page(9101).live and _page(9102).live
    messages = [problem["message"] for problem in report.problems]
    assert "title: missing or not text" in messages
    assert "action_id: missing or not a whole number" in messages


def test_english_occurrences_not_matching_the_greek_skip_the_action(feed):
    feed.action(9101, en={"date": "2026-12-05 17:00:00"})
    report = pull()
    assert (report.skipped, report.created) == (1, 0)
    assert report.problems[0]["message"] == "its occurrences differ from the Greek feed's"


def test_places_texts_and_times_are_read_as_synathina_means_them(feed):
    feed.action(
        9101,
        [
            {"coordinates": [float(KYPSELI[0]), float(KYPSELI[1])]},
            {"coordinates": [0, 0], "address": ""},
            {"coordinates": ["37.968000", "23.747000"], "title": "Δεύτερη"},  # Pagrati
            {"date": "2026-10-25 03:30:00", "date_end": "2026-10-25 04:30:00"},
            {"date": "2027-03-28 01:30:00", "date_end": "2027-03-28 04:30:00"},
        ],
    )
    raw = feed.actions[9101]["el"][0]
    raw["title"] = "Ομάδα &quot;Γειτονιά&quot; &amp; φίλοι &#039;μαζί&#039;"
    for feature in feed.actions[9101]["el"]:
        if feature["title"] != "Δεύτερη":
            feature["title"] = raw["title"]
        feature["team_name"] = "Σύλλογος &laquo;Ελπίδα&raquo;"
    feed.publish()
    assert pull().created == 1
    page = _page(9101)
    assert page.title == "Ομάδα \"Γειτονιά\" & φίλοι 'μαζί'"
    assert "Σύλλογος «Ελπίδα»" in page.description
    rows = list(page.occurrences.order_by("start"))
    by_start = {
        row.start.astimezone(timezone.get_default_timezone()).isoformat(): row for row in rows
    }
    kypseli, no_place, pagrati = (
        by_start["2026-12-05T18:00:00+02:00"],
        by_start["2026-12-06T18:00:00+02:00"],
        by_start["2026-12-07T18:00:00+02:00"],
    )
    assert (kypseli.latitude, kypseli.longitude, kypseli.district.number) == (*KYPSELI, 6)
    assert (no_place.latitude, no_place.longitude, no_place.district) == (None, None, None)
    assert (pagrati.latitude, pagrati.longitude, pagrati.district.number) == (*PAGRATI, 2)
    assert pagrati.subtitle == "Δεύτερη" and kypseli.subtitle == ""
    assert kypseli.start == datetime.datetime(2026, 12, 5, 18, tzinfo=WINTER)
    # Summer time ends on 25 October 2026 at 04:00: 03:30 comes twice, the first is meant.
    autumn = next(row for row in rows if row.start.month == 10)
    assert autumn.start == datetime.datetime(2026, 10, 25, 3, 30, tzinfo=SUMMER)
    assert autumn.end == datetime.datetime(2026, 10, 25, 4, 30, tzinfo=WINTER)
    assert autumn.end - autumn.start == datetime.timedelta(hours=2)
    # ... and starts on 28 March 2027 at 03:00.
    spring = next(row for row in rows if row.start.year == 2027)
    assert spring.start == datetime.datetime(2027, 3, 28, 1, 30, tzinfo=WINTER)
    assert spring.end == datetime.datetime(2027, 3, 28, 4, 30, tzinfo=SUMMER)
    assert spring.end - spring.start == datetime.timedelta(hours=2)


def test_a_dry_run_changes_and_records_nothing(feed):
    feed.action(9101)
    pages = Page.objects.count()
    report = pull(dry_run=True)
    assert (report.ok, report.created) == (True, 1)
    assert Page.objects.count() == pages
    assert not PullRun.objects.exists() and not ImportedAction.objects.exists()


def test_partner_actions_are_served_by_the_api_with_their_link_back(feed, client):
    feed.action(9101, date="2027-01-10 10:00:00", date_end="2027-01-10 12:00:00")
    pull()
    page = _page(9101)
    listing = client.get("/api/v1/actions", {"source": "synathina"}).json()
    (item,) = listing["results"]
    assert (item["id"], item["source"]) == (page.pk, "synathina")
    assert item["source_url"] == "https://www.synathina.gr/el/actions/action/9101.html"
    assert item["organisation"]["title"] == "synAthina"
    detail = client.get(f"/api/v1/actions/{page.pk}", {"lang": "en"}).json()
    assert (detail["title"], detail["language"], detail["source"]) == (
        "Action 9101",
        "en",
        "synathina",
    )
    assert detail["occurrences"][0]["start"] == "2027-01-10T10:00:00+02:00"
    assert client.get("/api/v1/actions", {"source": "accmr"}).json()["count"] == 0


def test_long_texts_are_cut_to_their_fields_and_a_long_link_is_a_problem(feed):
    feed.action(9101, [{}, {"title": "Υπότιτλος " * 40}], address="Οδός " * 80)
    feed.action(9102, url="https://www.synathina.gr/el/" + "δράση-" * 40)
    report = pull()
    assert (report.created, report.skipped) == (1, 1)
    page = _page(9101)
    subtitles = [row.subtitle for row in page.occurrences.all()]
    assert max(len(subtitle) for subtitle in subtitles) == 200
    assert all(len(row.address) == 255 for row in page.occurrences.all())
    assert report.problems[0]["message"] == "url: longer than 200 characters"


def test_an_action_the_page_refuses_is_skipped_and_the_others_written(feed):
    # A page already holding the slug the import would give (made by hand, not by the pull).
    make_action(ensure_partner_organisation(), slug="9101-action-9101")
    feed.action(9101)
    feed.action(9102)
    report = pull()
    assert report.ok
    assert (report.created, report.skipped) == (1, 1)
    assert report.problems[0]["action_id"] == 9101
    assert report.problems[0]["message"].startswith("not written: ValidationError")
    assert not ImportedAction.objects.filter(synathina_id=9101).exists()
    assert _page(9102).live
