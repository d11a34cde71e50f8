"""GET /api/v1/needs: open, moderated needs of live organisations, with no personal data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pages.models import ActionSupportRequest
from tests.factories import (
    KYPSELI,
    make_action,
    make_organisation,
    make_service,
    support_type,
    translate_page,
)

from .conftest import NEEDS_URL, make_need, make_supporter

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_a_need_is_served_without_personal_data(client, organisation):
    """Only the need itself: no contact persons, no supporter."""
    need = make_need(organisation, needed_until=timezone.localdate() + timedelta(days=10))
    make_supporter(name="Secret Person", email="secret@example.org")

    response = client.get(NEEDS_URL)

    body = response.json()
    assert body["count"] == 1
    assert (body["next"], body["previous"], body["language"]) == (None, None, "el")
    [item] = body["results"]
    assert item["id"] == need.pk
    assert item["on"] == "organisation"
    assert item["organisation"] == {"id": organisation.pk, "title": "Δίκτυο Κυψέλης"}
    assert (item["service"], item["action"]) == (None, None)
    assert item["support_type"] == 3
    assert item["districts"] == [1]
    assert "secret" not in response.content.decode().lower()
    assert "@" not in response.content.decode()


def test_only_open_live_needs_of_live_pages_are_served(client, organisation):
    live = make_need(organisation)
    make_need(organisation, live=False)  # a draft, awaiting moderation
    make_need(organisation, needed_until=timezone.localdate() - timedelta(days=1))
    make_need(make_organisation(publish=False))
    draft_service = make_service(organisation, publish=False)
    make_need(organisation, service=draft_service)

    assert ids(client.get(NEEDS_URL)) == [live.pk]


def test_actions_requested_support_is_served_as_needs(client, organisation):
    """Publishing an action makes its support requests needs; unpublishing withdraws them."""
    action = make_action(
        organisation,
        support_requests=[
            ActionSupportRequest(support_type=support_type(7), message="Χειμερινά ρούχα")
        ],
    )

    [item] = client.get(NEEDS_URL).json()["results"]
    assert item["on"] == "action"
    assert item["action"]["id"] == action.pk
    assert (item["support_type"], item["description"]) == (7, "Χειμερινά ρούχα")

    action.unpublish()
    assert ids(client.get(NEEDS_URL)) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("support_type=3", {"books"}),
        ("support_type=17", {"legal"}),
        ("district=6", {"kypseli"}),
        ("district=1", {"books", "legal"}),
        ("support_type=3&district=6", set()),
    ],
)
def test_filters_combine_with_and(client, query, expected):
    organisation = make_organisation()
    service = make_service(organisation, latitude=KYPSELI[0], longitude=KYPSELI[1])
    needs = {
        "books": make_need(organisation, type_id=3),
        "legal": make_need(organisation, type_id=17),
        "kypseli": make_need(organisation, service=service, type_id=7),
    }
    found = set(ids(client.get(f"{NEEDS_URL}?{query}")))

    assert found == {needs[name].pk for name in expected}


def test_the_organisation_filter(client):
    first, second = make_organisation(), make_organisation()
    need = make_need(first)
    make_need(second)

    assert ids(client.get(f"{NEEDS_URL}?organisation={first.pk}")) == [need.pk]


def test_titles_follow_the_requested_language(client, organisation):
    make_need(organisation)
    translate_page(organisation, "en", title="Kypseli Network")

    [item] = client.get(NEEDS_URL, {"lang": "en"}).json()["results"]

    assert item["organisation"]["title"] == "Kypseli Network"


def test_pages_of_results(client, organisation):
    needs = [make_need(organisation) for _n in range(3)]

    first = client.get(NEEDS_URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 3
    assert [item["id"] for item in first["results"]] == [needs[2].pk, needs[1].pk]
    assert [item["id"] for item in second["results"]] == [needs[0].pk]
    assert second["next"] is None
    assert second["previous"].endswith("page=1")


@pytest.mark.parametrize(
    ("query", "field", "status"),
    [
        ("colour=red", "colour", 400),
        ("support_type=books", "support_type", 400),
        ("district=0", "district", 400),
        ("page_size=101", "page_size", 400),
        ("page=-1", "page", 400),
        ("lang=xx", "lang", 400),
    ],
)
def test_bad_parameters_are_problems(client, query, field, status):
    response = client.get(f"{NEEDS_URL}?{query}")

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_page_past_the_end_is_empty_like_every_list(client, organisation):
    make_need(organisation)

    response = client.get(NEEDS_URL, {"page": 2})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["results"], body["next"]) == (1, [], None)
    assert body["previous"].endswith("page=1")


def test_the_number_of_queries_does_not_grow_with_the_page(client, django_assert_max_num_queries):
    for _n in range(5):
        organisation = make_organisation()
        make_need(organisation)
        make_action(
            organisation,
            support_requests=[ActionSupportRequest(support_type=support_type(10), message="")],
        )

    with django_assert_max_num_queries(6):
        assert len(ids(client.get(NEEDS_URL))) == 10
