"""GET /api/v1/actions and /api/v1/actions/{id}: live actions and their occurrences."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from pages.models import ActionOccurrence, ActionPage, ActionSupportRequest
from tests.factories import (
    KOLONOS,
    PAGRATI,
    PIRAEUS,
    SYNTAGMA,
    THESSALONIKI,
    make_action,
    make_occurrence,
    make_organisation,
    support_type,
    thematic_area,
    translate_page,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def days(number):
    return NOW + datetime.timedelta(days=number)


def listing(client, query=""):
    return client.get(f"/api/v1/actions{query}")


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def at(place):
    latitude, longitude = place
    return {"latitude": latitude, "longitude": longitude}


def dated(start_in_days, **fields):
    return {"start": days(start_in_days), **fields}


@pytest.fixture
def organisation(site_tree):
    organisation = make_organisation(title="Πράξις")
    translate_page(organisation, "en", title="Praksis")
    return organisation


# --- The list -------------------------------------------------------------------------


def test_upcoming_actions_are_listed_by_next_occurrence(client, organisation):
    later = make_action(organisation, [dated(10)], title="Αργότερα")
    sooner = make_action(organisation, [dated(-3), dated(2), dated(30)], title="Νωρίτερα")
    make_action(organisation, [dated(-5)], title="Παρελθόν")

    response = listing(client)

    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert (body["count"], body["language"], body["fallback"]) == (2, "el", False)
    assert ids(response) == [sooner.pk, later.pk]
    first = body["results"][0]
    assert first["title"] == "Νωρίτερα"
    assert first["organisation"] == {"id": organisation.pk, "title": "Πράξις"}
    assert (first["source"], first["source_url"]) == ("accmr", None)
    assert first["occurrences_in_range"] == 2
    next_occurrence = first["next_occurrence"]
    assert datetime.datetime.fromisoformat(next_occurrence["start"]) == days(2)
    assert next_occurrence["district"] == 1
    assert next_occurrence["latitude"] == float(SYNTAGMA[0])
    assert next_occurrence["start"].endswith(("+02:00", "+03:00"))  # Athens time


def test_an_occurrence_under_way_keeps_its_action_listed(client, organisation):
    action = make_action(
        organisation,
        [{"start": days(-1), "end": timezone.now() + datetime.timedelta(hours=1)}],
    )

    assert ids(listing(client)) == [action.pk]


def test_from_and_to_select_occurrences_in_the_window(client, organisation):
    inside = make_action(organisation, [dated(-20), dated(12)])
    make_action(organisation, [dated(40)])
    past = make_action(organisation, [dated(-10)])

    window = f"?from={days(5).date()}&to={days(20).date()}"
    assert ids(listing(client, window)) == [inside.pk]
    # From the past, past actions appear, ordered by their first occurrence in range.
    body = listing(client, f"?from={days(-15).date()}&to={days(-5).date()}").json()
    assert [item["id"] for item in body["results"]] == [past.pk]
    assert body["results"][0]["occurrences_in_range"] == 1


def test_a_naive_from_is_athens_time(client, organisation):
    # 10:30 Athens time on a winter day is 08:30 UTC; the occurrence lasts an hour.
    start = datetime.datetime(2030, 1, 15, 8, 30, tzinfo=datetime.UTC)
    action = make_action(
        organisation, [{"start": start, "end": start + datetime.timedelta(hours=1)}]
    )

    assert ids(listing(client, "?from=2030-01-15T10:00&to=2030-01-15T10:31")) == [action.pk]
    assert ids(listing(client, "?from=2030-01-15T10:00&to=2030-01-15T10:29")) == []
    assert ids(listing(client, "?from=2030-01-15T11:30")) == []
    assert ids(listing(client, "?from=2030-01-15T08:00Z&to=2030-01-15T08:31Z")) == [action.pk]


def test_district_thematic_area_and_near_must_hold_for_the_same_occurrence(client, organisation):
    culture, sport = thematic_area(1), thematic_area(2)
    both_at_once = make_action(organisation, [dated(3, thematic_areas=[culture], **at(KOLONOS))])
    split = make_action(
        organisation,
        [dated(4, thematic_areas=[culture]), dated(5, thematic_areas=[sport], **at(KOLONOS))],
    )

    assert ids(listing(client, "?district=4")) == [both_at_once.pk, split.pk]
    assert ids(listing(client, "?thematic_area=1")) == [both_at_once.pk, split.pk]
    assert ids(listing(client, "?district=4&thematic_area=1")) == [both_at_once.pk]
    assert ids(listing(client, "?district=4&thematic_area=1,2")) == [both_at_once.pk, split.pk]
    near_kolonos = "?near={},{}&radius_km=0.5".format(*KOLONOS)
    assert ids(listing(client, near_kolonos)) == [both_at_once.pk, split.pk]
    assert ids(listing(client, near_kolonos + "&thematic_area=2")) == [split.pk]
    body = listing(client, "?district=4&thematic_area=1,2").json()
    # The next occurrence shown is the first that matched, not the first of the action.
    assert body["results"][1]["next_occurrence"]["district"] == 4
    assert body["results"][1]["occurrences_in_range"] == 1
    assert body["results"][1]["thematic_areas"] == [1, 2]


def test_near_uses_the_radius(client, organisation):
    syntagma = make_action(organisation, [dated(3)])
    pagrati = make_action(organisation, [dated(4, **at(PAGRATI))])
    make_action(organisation, [dated(5, **at(PIRAEUS))])
    make_action(organisation, [dated(6, **at(THESSALONIKI))])

    near = "?near={},{}".format(*SYNTAGMA)
    assert ids(listing(client, near + "&radius_km=0.5")) == [syntagma.pk]
    assert ids(listing(client, near + "&radius_km=2")) == [syntagma.pk, pagrati.pk]
    assert len(ids(listing(client, near + "&radius_km=50"))) == 3
    assert ids(listing(client, near)) == [syntagma.pk, pagrati.pk]  # 5 km by default


def test_support_type_organisation_and_source_filter_actions(client, organisation):
    other = make_organisation()
    volunteers = make_action(organisation, [dated(3)])
    volunteers.support_requests = [
        ActionSupportRequest(support_type=support_type(1), message="Δύο άτομα")
    ]
    volunteers.save_revision().publish()
    elsewhere = make_action(other, [dated(4)])
    partner = make_action(other, [dated(5)])
    ActionPage.objects.filter(pk=partner.pk).update(
        source="synathina", source_url="https://www.synathina.gr/actions/1"
    )

    assert ids(listing(client, "?support_type=1")) == [volunteers.pk]
    assert ids(listing(client, "?support_type=999,1")) == [volunteers.pk]
    assert ids(listing(client, f"?organisation={organisation.pk}")) == [volunteers.pk]
    assert ids(listing(client, f"?organisation={other.pk}")) == [elsewhere.pk, partner.pk]
    assert ids(listing(client, f"?organisation={other.pk}&source=accmr")) == [elsewhere.pk]
    response = listing(client, "?source=synathina")
    assert ids(response) == [partner.pk]
    assert response.json()["results"][0]["source_url"] == "https://www.synathina.gr/actions/1"


def test_an_unknown_organisation_or_term_matches_nothing(client, organisation):
    make_action(organisation, [dated(3)])

    assert ids(listing(client, "?organisation=2147483647")) == []
    assert ids(listing(client, "?thematic_area=999")) == []


# --- Language -------------------------------------------------------------------------


def test_actions_are_served_in_their_translation_with_translated_occurrences(client, organisation):
    action = make_action(organisation, [dated(3, subtitle="Πρώτη μέρα")], title="Γιορτή")
    occurrence = action.occurrences.get()
    english = translate_page(action, "en", title="Festival", short_description="A party.")
    ActionOccurrence.objects.filter(page=english).update(
        subtitle="Day one", address="Syntagma Square"
    )

    body = listing(client, "?lang=en").json()
    item = body["results"][0]
    assert (body["language"], body["fallback"], item["language"]) == ("en", False, "en")
    assert (item["id"], item["title"], item["short_description"]) == (
        action.pk,
        "Festival",
        "A party.",
    )
    assert item["organisation"] == {"id": organisation.pk, "title": "Praksis"}
    assert item["next_occurrence"]["subtitle"] == "Day one"
    assert item["next_occurrence"]["address"] == "Syntagma Square"
    # Dates come from the Greek occurrence, the one the filters matched.
    assert datetime.datetime.fromisoformat(item["next_occurrence"]["start"]) == occurrence.start

    arabic = listing(client, "?lang=ar").json()
    assert (arabic["language"], arabic["fallback"], arabic["dir"]) == ("en", True, "ltr")
    assert (
        listing(
            client,
            "",
        ).json()["results"][0]["title"]
        == "Γιορτή"
    )


def test_a_draft_translation_is_not_served(client, organisation):
    action = make_action(organisation, [dated(3)], title="Γιορτή")
    translate_page(action, "en", title="Festival", publish=False)

    item = listing(client, "?lang=en").json()["results"][0]
    assert (item["title"], item["language"]) == ("Γιορτή", "el")


# --- Only live, public content ----------------------------------------------------------


def test_drafts_private_actions_and_unapproved_organisations_never_appear(client, organisation):
    listed = make_action(organisation, [dated(3)])
    draft = make_action(organisation, [dated(3)], publish=False)
    private = make_action(organisation, [dated(3)])
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    unapproved = make_organisation(publish=False)
    hidden = make_action(unapproved, [dated(3)])
    withdrawn = make_action(organisation, [dated(3)])
    withdrawn.unpublish()

    assert ids(listing(client)) == [listed.pk]
    for page in (draft, private, hidden, withdrawn):
        response = client.get(f"/api/v1/actions/{page.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_an_action_under_an_unpublished_organisation_is_withdrawn(client, organisation):
    action = make_action(organisation, [dated(3)])
    organisation.unpublish()

    assert ids(listing(client)) == []
    assert client.get(f"/api/v1/actions/{action.pk}").status_code == 404


# --- Pagination and queries -------------------------------------------------------------


def test_pagination_links_and_bounds(client, organisation):
    actions = [make_action(organisation, [dated(index + 1)]) for index in range(3)]

    body = listing(client, "?page_size=2").json()
    assert (body["count"], len(body["results"]), body["previous"]) == (3, 2, None)
    assert "page=2" in body["next"]
    second = listing(client, "?page_size=2&page=2").json()
    assert [item["id"] for item in second["results"]] == [actions[2].pk]
    assert second["next"] is None
    assert listing(client, "?page=50").json()["results"] == []
    assert listing(client, "?page_size=101").status_code == 400
    assert listing(client, "?page=0").status_code == 400


@pytest.mark.parametrize("lang", ["el", "en"])
def test_a_fixed_number_of_queries_whatever_the_page_size(client, organisation, lang):
    partner = make_organisation()
    translate_page(partner, "en", title="Partner")
    for index in range(6):
        action = make_action(
            organisation if index % 2 else partner,
            [dated(index + 1, thematic_areas=[thematic_area(1), thematic_area(2)]), dated(20)],
        )
        if index % 3 == 0:
            translate_page(action, "en", title=f"Action {index}")

    counts = []
    for size in (2, 6):
        with CaptureQueriesContext(connection) as captured:
            response = listing(client, f"?lang={lang}&page_size={size}&thematic_area=1")
        assert len(response.json()["results"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert 0 < counts[0] <= 12


# --- Bad parameters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("?from=yesterday", ["from"]),
        ("?from=2030-01-10&to=2030-01-01", ["to"]),
        ("?from=0001-01-01", ["from"]),  # Athens midnight is still year 0 in UTC
        ("?to=9999-12-31T23:59-23:00", ["to"]),
        ("?from=2030-02-30", ["from"]),
        ("?from=2030-01-01&from=2030-01-02", ["from"]),
        ("?district=8", ["district"]),
        ("?district=1,2", ["district"]),
        ("?thematic_area=culture", ["thematic_area"]),
        ("?thematic_area=1,,", []),
        ("?support_type=-1", ["support_type"]),
        ("?support_type=99999999999999999999", ["support_type"]),
        ("?organisation=0", ["organisation"]),
        ("?organisation=%00", ["organisation"]),
        ("?source=facebook", ["source"]),
        ("?near=91,23", ["near"]),
        ("?near=nan,nan", ["near"]),
        ("?radius_km=3", ["radius_km"]),
        ("?near=37.9,23.7&radius_km=500", ["radius_km"]),
        ("?categroy=1", ["categroy"]),
        ("?from=x&district=x&source=x", ["from", "district", "source"]),
        ("?lang=xx", ["lang"]),
    ],
)
def test_bad_parameters_are_one_400_naming_each_field(client, organisation, query, fields):
    response = listing(client, query)

    if not fields:  # empty items in a list are ignored
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == fields


# --- One action -------------------------------------------------------------------------


def test_an_action_in_full(client, organisation):
    partner = make_organisation(title="Συνεργάτης")
    translate_page(partner, "en", title="Partner")
    unapproved_partner = make_organisation(publish=False)
    action = make_action(
        organisation,
        [
            make_occurrence(
                start=days(-7), subtitle="Πριν", thematic_areas=[thematic_area(4)], **at(KOLONOS)
            ),
            make_occurrence(start=days(7), subtitle="Μετά"),
        ],
        title="Γιορτή",
        description='<p>Με <a linktype="page" id="3">σύνδεσμο</a></p>',
        partner_organisations=[partner, unapproved_partner],
        other_partners="Δήμος, Σύλλογος ",
    )
    action.support_requests = [
        ActionSupportRequest(support_type=support_type(2), message="Τρόφιμα")
    ]
    action.save_revision().publish()

    response = client.get(f"/api/v1/actions/{action.pk}?lang=en")

    assert response.status_code == 200
    body = response.json()
    assert (body["language"], body["fallback"]) == ("el", True)
    assert (body["id"], body["title"], body["source"]) == (action.pk, "Γιορτή", "accmr")
    assert body["organisation"] == {"id": organisation.pk, "title": "Praksis"}
    assert 'linktype="page"' not in body["description"]
    assert [row["subtitle"] for row in body["occurrences"]] == ["Πριν", "Μετά"]
    assert body["occurrences"][0]["district"] == 4
    assert body["occurrences"][0]["thematic_areas"] == [4]
    assert body["support_requests"] == [{"support_type": 2, "message": "Τρόφιμα"}]
    assert body["partner_organisations"] == [{"id": partner.pk, "title": "Partner"}]
    assert body["other_partners"] == ["Δήμος", "Σύλλογος"]
    assert body["image"] is None
    assert "public_email" not in str(body) and "contact" not in body


def test_an_actions_translation_is_served_under_the_greek_id(client, organisation):
    action = make_action(organisation, [dated(3)], title="Γιορτή")
    english = translate_page(action, "en", title="Festival")

    body = client.get(f"/api/v1/actions/{action.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["id"], body["title"], body["language"]) == (action.pk, "Festival", "en")
    # The translation's own id is not an action id.
    assert client.get(f"/api/v1/actions/{english.pk}").status_code == 404


def test_an_actions_image_is_a_rendition(client, organisation, tmp_path, settings):
    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = str(tmp_path)
    path = tmp_path / "photo.png"
    PillowImage.new("RGB", (2400, 1200), "red").save(path)
    with path.open("rb") as file:
        image = Image.objects.create(title="Φωτογραφία", file=ImageFile(file, name="photo.png"))
    action = make_action(organisation, [dated(3)], image=image)

    body = client.get(f"/api/v1/actions/{action.pk}").json()
    assert (body["image"]["width"], body["image"]["height"]) == (1200, 600)
    assert body["image"]["url"].startswith("http://testserver/media/images/")
    assert body["image"]["alt"] == "Φωτογραφία"
    # A lost original is no image, not a server error.
    image.renditions.all().delete()
    path.unlink()
    (tmp_path / image.file.name).unlink()
    assert client.get(f"/api/v1/actions/{action.pk}").json()["image"] is None


@pytest.mark.parametrize("action_id", ["abc", "99999999999999999999", "0", "-1", "١"])
def test_unknown_action_ids_are_404_problems(client, organisation, action_id):
    response = client.get(f"/api/v1/actions/{action_id}")

    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path in (
        "/api/v1/actions",
        "/api/v1/actions/{action_id}",
        "/api/v1/actions.ics",
        "/api/v1/open-calls",
        "/api/v1/open-calls/{call_id}",
        "/api/v1/pages/find",
    ):
        assert path in paths


def test_the_detail_takes_no_filters(client, organisation):
    action = make_action(organisation, [dated(3)])

    response = client.get(f"/api/v1/actions/{action.pk}?district=1")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "district"


def test_upcoming_occurrences_is_the_filter_other_endpoints_reuse(organisation):
    """The map builds `ActionFilters` and gets the matching Greek occurrences."""
    from pages.api.actions import ActionFilters, upcoming_occurrences

    action = make_action(organisation, [dated(-2), dated(3, **at(KOLONOS)), dated(4)])
    make_action(make_organisation(publish=False), [dated(3, **at(KOLONOS))])

    upcoming = upcoming_occurrences(ActionFilters(after=NOW))
    assert sorted(row.start for row in upcoming) == [days(3), days(4)]
    in_kolonos = upcoming_occurrences(ActionFilters(after=NOW, district=4))
    assert [(row.page_id, row.district.number) for row in in_kolonos] == [(action.pk, 4)]


def test_contract_of_the_list_and_the_detail(client, contract, organisation):
    """Stored responses (tests/api/contracts/): a fixed action, listed and in full."""
    start = datetime.datetime(2099, 3, 10, 8, 0, tzinfo=datetime.UTC)
    action = make_action(
        organisation,
        [
            make_occurrence(start=start, subtitle="Πρώτη μέρα", thematic_areas=[thematic_area(1)]),
            make_occurrence(start=start + datetime.timedelta(days=7), **at(KOLONOS)),
        ],
        title="Γιορτή της γειτονιάς",
        slug="festival",
        short_description="Μουσική και φαγητό για όλους.",
        description="<p>Ελάτε όλοι.</p>",
        other_partners="Σύλλογος Κολωνού",
    )
    action.support_requests = [ActionSupportRequest(support_type=support_type(1), message="")]
    action.save_revision().publish()
    translate_page(action, "en", title="Neighbourhood festival", short_description="Music.")
    placeholders = {action.pk: "<action>", organisation.pk: "<organisation>"}

    listed = listing(client, "?lang=en&thematic_area=1")
    assert listed.status_code == 200
    contract("actions-list-en", listed.json(), placeholders)
    detail = client.get(f"/api/v1/actions/{action.pk}?lang=ar")
    assert detail.status_code == 200
    contract("action-detail-ar-fallback", detail.json(), placeholders)
