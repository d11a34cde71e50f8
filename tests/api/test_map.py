"""GET /api/v1/map: a GeoJSON FeatureCollection of the services and upcoming action
occurrences the lists would give."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.factories import (
    PAGRATI,
    SYNTAGMA,
    category,
    make_action,
    make_organisation,
    make_service,
    translate_page,
)

pytestmark = pytest.mark.django_db


def get(client, **query):
    return client.get("/api/v1/map", query)


def feature_ids(response):
    assert response.status_code == 200, response.content
    return [feature["properties"]["id"] for feature in response.json()["features"]]


@pytest.fixture
def organisation(site_tree):
    return make_organisation()


def test_a_feature_collection_with_longitude_first(client, organisation):
    """Standard GeoJSON: points `[lng, lat]`, compact properties, its media type."""
    service = make_service(
        organisation, title="Ιατρείο", categories=[category("mental-health"), category("food")]
    )

    response = get(client)

    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert (body["language"], body["fallback"], body["dir"]) == ("el", False, "ltr")
    assert body["features"] == [
        {
            "type": "Feature",
            "id": f"service-{service.pk}",
            "geometry": {"type": "Point", "coordinates": [float(SYNTAGMA[1]), float(SYNTAGMA[0])]},
            "properties": {
                "id": service.pk,
                "kind": "service",
                "title": "Ιατρείο",
                "main_category": "health",  # the first main category in the coordinators' order
                "district": 1,
            },
        }
    ]


def test_the_services_filters_apply_and_services_without_coordinates_are_left_out(
    client, organisation
):
    in_pagrati = make_service(
        organisation,
        latitude=PAGRATI[0],
        longitude=PAGRATI[1],
        categories=[category("emergency-shelter")],
    )
    at_syntagma = make_service(organisation)
    make_service(organisation, delivery="remote")

    assert sorted(feature_ids(get(client))) == sorted([in_pagrati.pk, at_syntagma.pk])
    assert feature_ids(get(client, category="housing")) == [in_pagrati.pk]
    assert feature_ids(get(client, district="1")) == [at_syntagma.pk]
    assert feature_ids(get(client, near="37.9755,23.7345", radius_km="0.5")) == [at_syntagma.pk]
    assert feature_ids(get(client, delivery="remote")) == []
    assert sorted(feature_ids(get(client, kind="service"))) == sorted(
        [in_pagrati.pk, at_syntagma.pk]
    )


def test_titles_in_the_served_language(client, organisation):
    translated = make_service(organisation, title="Ιατρείο")
    translate_page(organisation, "en")
    translate_page(translated, "en", title="Clinic")
    translate_page(translated, "ar", title="عيادة", publish=False)
    greek_only = make_service(organisation, title="Μαθήματα")

    body = get(client, lang="ar").json()

    titles = {
        feature["properties"]["id"]: feature["properties"]["title"] for feature in body["features"]
    }
    assert titles == {translated.pk: "Clinic", greek_only.pk: "Μαθήματα"}
    assert (body["language"], body["fallback"], body["dir"]) == ("ar", True, "rtl")


def test_only_live_public_services_of_approved_organisations(client, organisation):
    shown = make_service(organisation)
    make_service(organisation, publish=False)
    private = make_service(organisation)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    make_service(make_organisation(publish=False))

    assert feature_ids(get(client)) == [shown.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "action,planet"}, "kind"),
        ({"page": "1"}, "page"),
        ({"sort": "title"}, "sort"),
        ({"category": "nowhere"}, "category"),
        ({"near": "a,b"}, "near"),
        ({"open_at": "tomorrow"}, "open_at"),
    ],
)
def test_bad_parameters_are_400_problems(client, site_tree, query, field):
    response = get(client, **query)

    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize(("requested", "queries"), [("el", 2), ("en", 9)])
def test_the_same_queries_for_any_number_of_features(
    client, organisation, requested, queries, django_assert_num_queries
):
    """Greek: the request before built the whole city's map, so this one only checks
    what it was built under (the listings' generation, the content version). English:
    those, then the services' layer (the generation and the layer, the features joined
    again and stored), the actions' view restrictions and their occurrences with served
    titles, and the translations' restrictions: the same queries however many features."""
    translate_page(organisation, "en")
    for count in (2, 5):
        while len(feature_ids(get(client))) < 2 * count:
            translate_page(make_service(organisation), "en")
            translate_page(make_action(organisation), "en")
        with django_assert_num_queries(queries):
            assert len(feature_ids(get(client, lang=requested))) == 2 * count


def test_the_whole_city_map_is_rebuilt_when_content_changes(client, organisation):
    """The map with no filter is kept between requests, under a strong ETag of its body;
    a new service or action gives a new map and a new ETag."""
    make_service(organisation)
    first = get(client)
    again = get(client)
    make_action(organisation)
    with_action = get(client)

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert len(feature_ids(with_action)) == len(feature_ids(first)) + 1
    assert with_action["ETag"] != first["ETag"]


def test_the_whole_city_map_drops_an_occurrence_once_it_has_ended(client, organisation):
    now = timezone.now()
    make_action(
        organisation,
        occurrences=[
            {"start": now - datetime.timedelta(hours=1), "end": now + datetime.timedelta(hours=1)},
            {"start": now + datetime.timedelta(days=2)},
        ],
    )
    during = get(client)
    with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(hours=2)):
        after = get(client)

    assert len(feature_ids(during)) == 2
    assert len(feature_ids(after)) == 1


def test_the_kinds_in_any_order_are_the_same_map(client, organisation):
    make_service(organisation)
    make_action(organisation)

    both = get(client, kind="action,service")

    assert both.content == get(client, kind="service,action").content == get(client).content


def test_the_stored_response_of_the_map(client, organisation, contract):
    """One representative call, against tests/api/contracts/map-el.json."""
    service = make_service(organisation, title="Ιατρείο", categories=[category("food")])

    response = get(client, category="basic-needs")

    assert response.status_code == 200
    body = response.json()
    assert body["features"][0].pop("id") == f"service-{service.pk}"
    contract("map-el", body, {service.pk: "<service>"})


def test_actions_have_a_point_per_upcoming_occurrence_with_a_place(client, organisation):
    """Past occurrences and occurrences without a place are left out; each point names
    its occurrence, and the actions list's filters apply to actions."""
    now = timezone.now()
    action = make_action(
        organisation,
        occurrences=[
            {"start": now + datetime.timedelta(days=2)},
            {"start": now + datetime.timedelta(days=9)},
            {"start": now - datetime.timedelta(days=9)},
            {"start": now + datetime.timedelta(days=3), "latitude": None, "longitude": None},
        ],
        title="Γιορτή",
    )
    service = make_service(organisation)

    body = get(client).json()
    actions = [item for item in body["features"] if item["properties"]["kind"] == "action"]
    later = get(client, **{"from": (now + datetime.timedelta(days=5)).isoformat()})
    free_only = get(client, free="true")

    assert [item["properties"]["id"] for item in actions] == [action.pk, action.pk]
    assert len({item["id"] for item in actions}) == 2
    assert actions[0]["properties"]["title"] == "Γιορτή"
    assert actions[0]["geometry"]["coordinates"] == [float(SYNTAGMA[1]), float(SYNTAGMA[0])]
    assert feature_ids(later) == [action.pk]  # `from` is an action filter: services out
    # `free` is a service filter: actions out.
    assert {item["properties"]["kind"] for item in free_only.json()["features"]} == {"service"}
    assert service.pk in [item["properties"]["id"] for item in body["features"]]


def test_a_bad_shared_filter_is_reported_once(client, organisation):
    response = get(client, district="9")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["district"]
