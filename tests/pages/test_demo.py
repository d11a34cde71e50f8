"""What `load_demo` installs: enough demo content to try every filter, in Greek and English.

Saving the whole demo takes 40 s (SQLite) to 80 s (PostgreSQL): each of its pages is
published and translated through wagtail-localize. So its content is checked as built
in memory, and the command itself runs on a slice of it: two organisations and their pages.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Revision
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments
from wagtail_localize.strings import StringValue

from pages.demo import loader
from pages.demo.content import load
from pages.models import (
    ActionOccurrence,
    ActionPage,
    NewsIndexPage,
    NewsPage,
    OpenCallPage,
    OrganisationIndexPage,
    OrganisationPage,
    ServiceOpeningHours,
    ServicePage,
)
from pages.models.location import Location
from snippets.geography import geometry_contains
from snippets.models import OrganisationType, ServiceCategory

pytestmark = pytest.mark.django_db

GREEK_LETTERS = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
SLICE = {"iatriki-arogi", "alfavito"}


def build_demo():
    """Every demo page, built in memory and not saved, as (kind, page, texts) in order."""
    built = []
    for _parent, _slug, kind, build in loader.DemoLoader(timezone.localdate()).plan():
        page, texts = build()
        # As saving would: the district follows from the coordinates.
        if isinstance(page, Location):
            page.assign_district()
        if isinstance(page, ActionPage):
            for occurrence in page.occurrences.all():
                occurrence.assign_district()
        built.append((kind, page, texts))
    return built


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return build_demo()


def pages_of(demo, kind):
    return [page for page_kind, page, _texts in demo if page_kind == kind]


def test_organisations_are_of_every_type(demo):
    """At least 25 organisations, among them one of each organisation type."""
    organisations = pages_of(demo, "organisations")
    assert len(organisations) >= 25
    types = {organisation.organisation_type.slug for organisation in organisations}
    assert types == set(OrganisationType.objects.in_source_locale().values_list("slug", flat=True))


def test_services_cover_every_subcategory(demo):
    """At least 120 services, and each service subcategory has one."""
    services = pages_of(demo, "services")
    assert len(services) >= 120
    covered = {category.slug for service in services for category in service.categories.all()}
    subcategories = ServiceCategory.objects.in_source_locale().filter(parent__isnull=False)
    assert set(subcategories.values_list("slug", flat=True)) <= covered


def test_services_in_person_lie_in_their_district_in_all_seven(demo):
    """A service in person has an address and coordinates inside the district they give it."""
    in_person = [
        service
        for service in pages_of(demo, "services")
        if service.delivery != ServicePage.Delivery.REMOTE
    ]
    for service in in_person:
        assert service.address and service.district is not None, service.title
        assert geometry_contains(service.district.boundary, service.latitude, service.longitude)
    assert {service.district.number for service in in_person} == set(range(1, 8))


def test_some_services_are_remote_only_without_an_address(demo):
    """Remote-only services exist and have neither an address nor coordinates."""
    remote = [
        service
        for service in pages_of(demo, "services")
        if service.delivery == ServicePage.Delivery.REMOTE
    ]
    assert remote
    assert all(not service.address and not service.has_coordinates for service in remote)


def test_services_vary_as_the_directory_filters_them(demo):
    """Statuses, costs, review dates, hours, closures, languages and messaging apps vary."""
    services = pages_of(demo, "services")
    today = timezone.localdate()
    closed = [s for s in services if s.status == ServicePage.Status.TEMPORARILY_CLOSED]
    assert 0 < len(closed) < len(services) * 0.2
    assert any(not s.is_free and s.cost_description for s in services)
    overdue = [s for s in services if s.last_verified < today - datetime.timedelta(days=183)]
    assert overdue and all(s.last_verified > today - datetime.timedelta(days=430) for s in services)
    assert {s.delivery for s in services} == set(ServicePage.Delivery.values)
    assert {s.access for s in services} == set(ServicePage.Access.values)
    assert any(s.interpretation_available for s in services)
    assert all(s.opening_hours.all() for s in services)
    assert any(row.weekday == 5 for s in services for row in s.opening_hours.all())
    assert any(row.opens.hour >= 16 for s in services for row in s.opening_hours.all())
    assert any(s.closures.all() for s in closed) and any(s.closures.all() for s in services)
    assert any(s.messaging_channels.all() for s in services)
    assert len({language.slug for s in services for language in s.languages.all()}) > 10


def test_actions_come_up_over_the_next_months(demo):
    """At least 40 actions of 1 to 11 upcoming occurrences, placed in their district."""
    actions = pages_of(demo, "actions")
    now = timezone.now()
    assert len(actions) >= 40
    for action in actions:
        occurrences = action.occurrences.all()
        assert 1 <= len(occurrences) <= 11, action.title
        assert len(action.short_description) <= 250
        for occurrence in occurrences:
            assert now < occurrence.start < occurrence.end < now + datetime.timedelta(days=200)
            areas = {area.slug for area in occurrence.thematic_areas.all()}
            assert "refugees-immigrants" in areas and len(areas) > 1
            assert geometry_contains(
                occurrence.district.boundary, occurrence.latitude, occurrence.longitude
            )
    assert any(action.share_on_synathina for action in actions)
    assert any(not action.share_on_synathina for action in actions)
    assert any(action.support_requests.all() for action in actions)


def test_open_calls_of_every_kind_some_closed(demo):
    """Calls for volunteers, partners, staff and funding: open, closed and rolling ones."""
    calls = pages_of(demo, "open calls")
    now = timezone.now()
    assert len(calls) >= 8
    assert {call.call_type for call in calls} == set(OpenCallPage.CallType.values)
    assert any(call.deadline and call.deadline > now for call in calls)
    assert any(call.deadline and call.deadline < now for call in calls)
    assert any(call.deadline is None for call in calls)


def test_news_and_content_pages(demo):
    """News articles and ACCMR's about, user guide, networks and toolkit pages, with a body."""
    assert len(pages_of(demo, "news")) >= 6
    content = pages_of(demo, "content pages")
    assert {page.slug for page in content} == {"about", "user-guide", "networks", "toolkit"}
    assert all(page.body for page in pages_of(demo, "news") + content)


def test_every_text_has_its_english(demo):
    """Each text wagtail-localize asks a translation for (as `translate` does) has one."""
    for kind, page, texts in demo:
        known = {StringValue.from_plaintext(text).data for text in texts.english}
        missing = [
            segment.path
            for segment in extract_segments(page)
            if isinstance(segment, StringSegmentValue) and segment.string.data not in known
        ]
        assert missing == [], (kind, page.slug)
        assert not GREEK_LETTERS.search(texts.english[page.title]), page.title


def test_the_demo_is_the_same_every_time(demo):
    """Places, addresses and dates come out the same when the demo is built again."""

    def fingerprint(page):
        occurrences = page.occurrences.all() if isinstance(page, ActionPage) else []
        return (
            page.slug,
            page.title,
            getattr(page, "address", None),
            getattr(page, "latitude", None),
            [(o.start, o.address, o.latitude) for o in occurrences],
        )

    assert [fingerprint(page) for _kind, page, _texts in build_demo()] == [
        fingerprint(page) for _kind, page, _texts in demo
    ]


def _slice(name):
    """The demo data restricted to the organisations in SLICE and one article and page."""
    data = load(name)
    if name == "organisations":
        return {**data, "organisations": [o for o in data["organisations"] if o["slug"] in SLICE]}
    if name == "calls":
        return {**data, "calls": [call for call in data["calls"] if call["org"] in SLICE]}
    if name == "actions":
        themes = [
            {**theme, "organisers": [o for o in theme["organisers"] if o["org"] in SLICE]}
            for theme in data["themes"]
        ]
        return {**data, "themes": [theme for theme in themes if theme["organisers"]]}
    if name == "editorial":
        return {**data, "news": data["news"][:1], "pages": data["pages"][:1]}
    return data


def load_demo_slice():
    """Run `load_demo` on the slice; returns what it printed."""
    output = StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "load", _slice)
        call_command("load_demo", stdout=output)
    return output.getvalue()


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """`load_demo` run once on the slice for this module's tests, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_slice()
        transaction.set_rollback(True)


def test_the_command_reports_what_it_added(first_run):
    """The summary counts the pages added, by kind, and their English translations."""
    assert first_run.startswith(
        "Demo content added: 2 organisations, 9 services, 2 open calls, 3 actions, 1 news, "
        "1 content pages, 18 English translations ("
    )


def test_every_page_is_live_in_greek_and_english(first_run):
    """Each demo page is live with a live revision, and so is its English translation."""
    demo_pages = Page.objects.filter(depth__gt=2).not_type(OrganisationIndexPage, NewsIndexPage)
    greek = demo_pages.filter(locale__language_code="el")
    english = demo_pages.filter(locale__language_code="en")
    assert greek.count() == english.count() == 18
    assert not greek.filter(live=False).exists() and not english.filter(live=False).exists()
    assert not greek.filter(live_revision__isnull=True).exists()
    assert not english.filter(live_revision__isnull=True).exists()
    assert set(greek.values_list("translation_key", flat=True)) == set(
        english.values_list("translation_key", flat=True)
    )
    for page in english:
        assert page.get_parent().locale.language_code == "en"
        assert not GREEK_LETTERS.search(page.title), page.title


def test_english_services_keep_the_terms_hours_and_place(first_run):
    """Translations refer to the same (Greek) terms, hours and district, in English words."""
    english = Locale.objects.get(language_code="en")
    service = ServicePage.objects.filter(
        locale__language_code="el", delivery=ServicePage.Delivery.IN_PERSON
    ).first()
    translation = service.get_translation(english)
    assert set(translation.categories.all()) == set(service.categories.all())
    assert translation.opening_hours.count() == service.opening_hours.count()
    assert translation.district_id == service.district_id
    assert translation.address.endswith("Athens") and service.address.endswith("Αθήνα")


def test_loading_again_changes_nothing(first_run):
    """A second run finds everything in place: no new pages, revisions or occurrences."""

    def counts():
        return (
            Page.objects.count(),
            Revision.objects.count(),
            ActionOccurrence.objects.count(),
            ServiceOpeningHours.objects.count(),
        )

    before = counts()
    output = load_demo_slice()
    assert counts() == before
    assert output.startswith("Demo content: already installed, nothing added")


def test_a_missing_translation_is_added_again(first_run):
    """A demo page whose English translation was deleted gets it back on the next run."""
    english = Locale.objects.get(language_code="en")
    news = NewsPage.objects.get(locale__language_code="el")
    news.get_translation(english).delete()
    output = load_demo_slice()
    assert output.startswith("Demo content added: 1 English translations")
    assert news.get_translation(english).live
    assert OrganisationPage.objects.filter(locale=english).count() == 2
