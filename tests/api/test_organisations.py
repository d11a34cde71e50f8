"""GET /api/v1/organisations and /organisations/{id}: approved organisations, public
fields only, with their live services, upcoming actions and open calls."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from pages.models import OrganisationContactPerson
from tests.factories import (
    KYPSELI,
    category,
    make_action,
    make_open_call,
    make_organisation,
    make_service,
    organisation_type,
    translate_page,
)

pytestmark = pytest.mark.django_db


def get(client, path="", headers=None, **query):
    return client.get(f"/api/v1/organisations{path}", query, headers=headers)


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def error_fields(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def praksis(site_tree):
    organisation = make_organisation(
        title="Πράξις", slug="praksis", public_email="info@praksis.example"
    )
    translate_page(organisation, "en", title="Praksis")
    OrganisationContactPerson.objects.create(
        page=organisation, name="Secret Person", email="secret@praksis.example", phone="6999"
    )
    return organisation


def test_list_items_are_compact(client, praksis):
    body = get(client, lang="en").json()

    (item,) = body["results"]
    assert item["id"] == praksis.pk
    assert (item["title"], item["language"], item["type"], item["district"]) == (
        "Praksis",
        "en",
        "ngo",
        1,
    )
    assert set(item) == {
        "id",
        "title",
        "slug",
        "type",
        "district",
        "latitude",
        "longitude",
        "updated",
        "language",
    }
    assert (body["count"], body["language"], body["fallback"]) == (1, "en", False)


def test_filters_type_district_and_category(client, praksis):
    """`type` and `district` (any of a list) read the organisation; `category` keeps
    those with a live service in it (a main category: in one of its subcategories)."""
    community = make_organisation(
        title="Κοινότητα",
        organisation_type=organisation_type("migrant-community"),
        latitude=KYPSELI[0],
        longitude=KYPSELI[1],
    )
    make_service(praksis, categories=[category("mental-health")])
    make_service(community, categories=[category("emergency-shelter")], publish=False)

    assert ids(get(client, type="migrant-community")) == [community.pk]
    assert ids(get(client, type="ngo,migrant-community")) == [community.pk, praksis.pk]
    assert ids(get(client, district="6")) == [community.pk]
    assert ids(get(client, category="health")) == [praksis.pk]
    assert ids(get(client, category="mental-health", district="1")) == [praksis.pk]
    assert ids(get(client, category="housing")) == []  # only a draft service there
    assert ids(get(client, type="migrant-community", district="1")) == []


def test_sort_pages_and_the_end_of_the_list(client, site_tree):
    """Sorted by served title (or update), paginated; past the end is an empty page."""
    first = make_organisation(title="Άλφα")
    second = make_organisation(title="Βήτα")
    third = make_organisation(title="Γάμμα")

    assert ids(get(client)) == [first.pk, second.pk, third.pk]
    assert ids(get(client, sort="-title")) == [third.pk, second.pk, first.pk]
    assert ids(get(client, sort="-updated"))[0] == third.pk
    assert ids(get(client, page_size="2", page="2")) == [third.pk]
    assert ids(get(client, page_size="2", page="3")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"type": "charity"}, "type"),
        ({"type": "\x00"}, "type"),
        ({"category": "nothing"}, "category"),
        ({"district": "8"}, "district"),
        ({"district": "-1"}, "district"),
        ({"sort": "distance"}, "sort"),
        ({"page_size": "1000"}, "page_size"),
        ({"near": "37.9,23.7"}, "near"),
    ],
)
def test_bad_parameters_are_400_problems(client, site_tree, query, field):
    assert field in error_fields(get(client, **query))


def test_only_approved_public_organisations(client, praksis):
    """Drafts (organisations waiting for approval), withdrawn and private organisations
    are neither listed nor found."""
    waiting = make_organisation(publish=False)
    withdrawn = make_organisation()
    withdrawn.unpublish()
    private = make_organisation()
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    assert ids(get(client)) == [praksis.pk]
    for hidden in (waiting, withdrawn, private):
        response = get(client, f"/{hidden.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_the_detail_has_public_fields_and_never_contact_persons(client, praksis):
    body = get(client, f"/{praksis.pk}", lang="en").json()

    assert (body["id"], body["title"], body["language"], body["fallback"]) == (
        praksis.pk,
        "Praksis",
        "en",
        False,
    )
    assert body["public_email"] == "info@praksis.example"
    assert (body["type"], body["district"], body["logo"]) == ("ngo", 1, None)
    text = str(body)
    assert "Secret Person" not in text and "secret@praksis.example" not in text
    assert "contact_persons" not in body and "synathina_team_id" not in body


def test_the_detail_lists_live_services_upcoming_actions_and_open_calls(client, praksis):
    """Children are compact and live; actions come with their next start, open calls
    with their deadline (closed calls and past actions are left out)."""
    now = timezone.now().replace(microsecond=0)
    service = make_service(praksis, title="Ιατρείο")
    translate_page(service, "en", title="Clinic")
    make_service(praksis, publish=False)
    make_service(make_organisation(title="Άλλη οργάνωση"), title="Όχι δικό της")
    private = make_service(praksis)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    soon = make_action(
        praksis,
        [
            {"start": now - datetime.timedelta(days=7)},
            {"start": now + datetime.timedelta(days=2)},
            {"start": now + datetime.timedelta(days=9)},
        ],
    )
    make_action(praksis, [{"start": now - datetime.timedelta(days=3)}])
    make_action(praksis, publish=False)
    rolling = make_open_call(praksis)
    deadline = now + datetime.timedelta(days=5)
    closing = make_open_call(praksis, deadline=deadline)
    make_open_call(praksis, deadline=now - datetime.timedelta(days=1))

    body = get(client, f"/{praksis.pk}", lang="en").json()

    assert body["services"] == [{"id": service.pk, "title": "Clinic", "language": "en"}]
    (action,) = body["actions"]
    assert (action["id"], action["language"]) == (soon.pk, "el")
    assert datetime.datetime.fromisoformat(action["next_start"]) == now + datetime.timedelta(days=2)
    assert [call["id"] for call in body["open_calls"]] == [closing.pk, rolling.pk]
    assert datetime.datetime.fromisoformat(body["open_calls"][0]["deadline"]) == deadline
    assert body["open_calls"][1]["deadline"] is None


@pytest.mark.parametrize("organisation_id", ["0", "abc", "99999999999", "²"])
def test_unknown_ids_are_404_problems(client, site_tree, organisation_id):
    response = get(client, f"/{organisation_id}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_service_is_not_an_organisation(client, praksis):
    service = make_service(praksis)

    assert get(client, f"/{service.pk}").status_code == 404


@pytest.mark.parametrize(("requested", "queries"), [("el", 3), ("en", 6)])
def test_a_fixed_number_of_queries_whatever_the_page_size(
    client, site_tree, requested, queries, django_assert_num_queries
):
    for number in range(6):
        organisation = make_organisation()
        if number % 2:
            translate_page(organisation, "en")

    for size in (2, 6):
        with django_assert_num_queries(queries):
            response = get(client, lang=requested, page_size=str(size))
        assert len(ids(response)) == size


def test_the_stored_response_of_a_detail(client, praksis, contract):
    """One representative call, against tests/api/contracts/organisation-detail-en.json."""
    service = make_service(praksis, title="Ιατρείο", slug="clinic")
    translate_page(service, "en", title="Clinic")
    call = make_open_call(praksis, title="Εθελοντές", slug="volunteers")

    response = get(client, f"/{praksis.pk}", lang="en")

    assert response.status_code == 200
    contract(
        "organisation-detail-en",
        response.json(),
        {praksis.pk: "<organisation>", service.pk: "<service>", call.pk: "<open_call>"},
    )
