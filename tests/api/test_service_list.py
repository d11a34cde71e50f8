"""GET /api/v1/services: live services, filtered in SQL, in the negotiated language."""

import datetime
import math
from unittest import mock

import pytest
from wagtail.models import PageViewRestriction

from pages.api import services
from pages.models import ServicePage
from tests.factories import (
    KOLONOS,
    PAGRATI,
    PATISIA,
    PIRAEUS,
    category,
    language,
    make_organisation,
    make_service,
    organisation_type,
    target_group,
    translate_page,
)

pytestmark = pytest.mark.django_db


def get(client, headers=None, **query):
    return client.get("/api/v1/services", query, headers=headers)


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def error_fields(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def organisation(site_tree):
    organisation = make_organisation(title="Πράξις")
    translate_page(organisation, "en", title="Praksis")
    return organisation


def test_a_list_item_is_compact_and_names_its_organisation(client, organisation):
    """Items carry the Greek page's id, text, terms as slugs, place, status and the
    organisation's id and title; the envelope counts and paginates."""
    service = make_service(
        organisation,
        title="Ιατρείο",
        summary="Γιατρός για όλους.",
        categories=[category("primary-care")],
        is_free=False,
        description="<p>Not in the list</p>",
    )

    response = get(client)

    body = response.json()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    assert (body["language"], body["fallback"], body["dir"]) == ("el", False, "ltr")
    (item,) = body["results"]
    assert item == {
        "id": service.pk,
        "title": "Ιατρείο",
        "slug": service.slug,
        "summary": "Γιατρός για όλους.",
        "organisation": {"id": organisation.pk, "title": "Πράξις"},
        "main_categories": [category("primary-care").parent.slug],
        "categories": ["primary-care"],
        "district": 1,
        "latitude": float(service.latitude),
        "longitude": float(service.longitude),
        "delivery": "in_person",
        "is_free": False,
        "status": "active",
        "updated": item["updated"],
        "language": "el",
    }
    updated = datetime.datetime.fromisoformat(item["updated"])
    assert abs(updated - service.last_published_at) < datetime.timedelta(milliseconds=1)


def test_category_matches_subcategories_of_a_main_category_and_any_of_a_list(client, organisation):
    """A subcategory slug matches its services, a main category slug the services of
    any of its subcategories, and `a,b` either."""
    primary = make_service(organisation, categories=[category("primary-care")])
    mental = make_service(organisation, categories=[category("mental-health")])
    shelter = make_service(organisation, categories=[category("emergency-shelter")])

    assert ids(get(client, category="primary-care")) == [primary.pk]
    assert sorted(ids(get(client, category="health"))) == sorted([primary.pk, mental.pk])
    assert sorted(ids(get(client, category="primary-care,housing"))) == sorted(
        [primary.pk, shelter.pk]
    )


def test_target_group_language_and_organisation_type(client, organisation):
    """Each taxonomy filter keeps the services linked to one of the given terms."""
    informal = make_organisation(organisation_type=organisation_type("informal-group"))
    for_women = make_service(
        organisation, target_groups=[target_group("women")], languages=[language("ar")]
    )
    in_farsi = make_service(informal, languages=[language("fa"), language("en")])

    assert ids(get(client, target_group="women")) == [for_women.pk]
    assert ids(get(client, language="fa")) == [in_farsi.pk]
    assert sorted(ids(get(client, language="ar,fa"))) == sorted([for_women.pk, in_farsi.pk])
    assert ids(get(client, organisation_type="informal-group")) == [in_farsi.pk]
    assert ids(get(client, organisation_type="ngo", language="fa")) == []


def test_unknown_slugs_are_named_in_one_400(client, organisation):
    """Every unknown slug is named under its field, with other malformed values."""
    response = get(
        client,
        category="primary-care,no-such-care",
        target_group="ghosts",
        language="ar,klingon",
        organisation_type="ngo",
        district="8",
    )

    errors = error_fields(response)
    assert set(errors) == {"category", "target_group", "language", "district"}
    assert "no-such-care" in errors["category"] and "primary-care" not in errors["category"]
    assert "klingon" in errors["language"]


def test_district_delivery_free_and_status(client, organisation):
    """District numbers (any of), delivery (in person and remote each include "both"),
    free of charge, and operating status."""
    in_pagrati = make_service(organisation, latitude=PAGRATI[0], longitude=PAGRATI[1])
    in_patisia = make_service(
        organisation,
        latitude=PATISIA[0],
        longitude=PATISIA[1],
        delivery="both",
        is_free=False,
        status="temporarily_closed",
    )
    remote = make_service(organisation, delivery="remote")

    assert ids(get(client, district="2")) == [in_pagrati.pk]
    assert sorted(ids(get(client, district="2,5"))) == sorted([in_pagrati.pk, in_patisia.pk])
    assert sorted(ids(get(client, delivery="in_person"))) == sorted([in_pagrati.pk, in_patisia.pk])
    assert sorted(ids(get(client, delivery="remote"))) == sorted([remote.pk, in_patisia.pk])
    assert ids(get(client, delivery="both")) == [in_patisia.pk]
    assert sorted(ids(get(client, free="true"))) == sorted([in_pagrati.pk, remote.pk])
    assert ids(get(client, free="false")) == [in_patisia.pk]
    assert ids(get(client, status="temporarily_closed")) == [in_patisia.pk]
    assert ids(get(client, status="inactive")) == []
    assert ids(get(client, district="5", free="true")) == []


MONDAY_MORNING = [
    (0, datetime.time(9), datetime.time(14)),
    (2, datetime.time(9), datetime.time(14)),
]


def _moment(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def timetable(organisation):
    """Services whose hours meet closing times, a closure, DST nights and a status."""
    return {
        "morning": make_service(organisation, opening_hours=MONDAY_MORNING),
        "afternoon": make_service(
            organisation, opening_hours=[(0, datetime.time(14), datetime.time(18))]
        ),
        "closed_30_march": make_service(
            organisation,
            opening_hours=MONDAY_MORNING,
            closures=[(datetime.date(2026, 3, 30), datetime.date(2026, 3, 31))],
        ),
        "sunday_night": make_service(
            organisation, opening_hours=[(6, datetime.time(2), datetime.time(5))]
        ),
        "not_active": make_service(
            organisation, opening_hours=MONDAY_MORNING, status="temporarily_closed"
        ),
    }


# (moment, services open then); Athens is UTC+2 in winter and UTC+3 from 29 March 2026
# 03:00 to 25 October 2026 04:00 (local).
OPEN_AT_CASES = [
    ("2026-03-30T06:00:00+00:00", {"morning"}),  # Monday 09:00 EEST: opening time counts
    ("2026-03-30T10:59:59+00:00", {"morning"}),  # 13:59:59
    ("2026-03-30T11:00:00+00:00", {"afternoon"}),  # 14:00: closing time does not count
    ("2026-03-23T07:00:00+00:00", {"morning", "closed_30_march"}),  # 09:00 EET, no closure
    ("2026-03-23T06:30:00+00:00", set()),  # 08:30 EET (09:30 if read as summer time)
    ("2026-03-25T08:00:00+00:00", {"morning", "closed_30_march"}),  # Wednesday 10:00
    ("2026-03-31T08:00:00+00:00", set()),  # Tuesday: no hours
    ("2026-03-29T00:30:00+00:00", {"sunday_night"}),  # 02:30 EET, before the jump
    ("2026-03-29T01:30:00+00:00", {"sunday_night"}),  # 04:30 EEST, after it
    ("2026-03-29T02:00:00+00:00", set()),  # 05:00 EEST
    ("2026-10-25T00:30:00+00:00", {"sunday_night"}),  # 03:30 EEST, first time
    ("2026-10-25T01:30:00+00:00", {"sunday_night"}),  # 03:30 EET, second time
    ("2026-10-25T03:00:00+00:00", set()),  # 05:00 EET
    ("2026-03-30T09:00", {"morning"}),  # no offset: Athens time
]


def test_open_at_agrees_with_is_open_at(client, timetable):
    """The SQL filter and `ServicePage.is_open_at` agree at closing times, on closure
    days, other weekdays, across both DST changes and for a non-active service."""
    names = {service.pk: name for name, service in timetable.items()}
    pages = {name: ServicePage.objects.get(pk=service.pk) for name, service in timetable.items()}
    for text, expected in OPEN_AT_CASES:
        moment = _moment(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=3)))
        open_in_python = {name for name, page in pages.items() if page.is_open_at(moment)}

        open_in_sql = {names[pk] for pk in ids(get(client, open_at=text))}

        assert open_in_sql == expected == open_in_python, text


def test_open_now_and_its_negation(client, organisation):
    """`open_now=true` keeps the services open now, `false` the others."""
    all_week = [(day, datetime.time(0), datetime.time(23, 59, 59)) for day in range(7)]
    always = make_service(organisation, opening_hours=all_week)
    never = make_service(organisation)

    assert ids(get(client, open_now="true")) == [always.pk]
    assert ids(get(client, open_now="false")) == [never.pk]
    assert ServicePage.objects.get(pk=always.pk).is_open_at() is True


def test_near_keeps_services_within_the_radius_nearest_first(client, organisation):
    """`near` keeps services within `radius_km` (default 5), with `distance_km`,
    nearest first; services without coordinates are left out."""
    at_syntagma = make_service(organisation)
    in_kolonos = make_service(organisation, latitude=KOLONOS[0], longitude=KOLONOS[1])
    in_piraeus = make_service(organisation, latitude=PIRAEUS[0], longitude=PIRAEUS[1])
    make_service(organisation, delivery="remote")

    body = get(client, near="37.9755,23.7345").json()
    within_2km = ids(get(client, near="37.9755,23.7345", radius_km="2"))
    far = ids(get(client, near="37.9755,23.7345", radius_km="50", sort="-title"))

    assert [item["id"] for item in body["results"]] == [at_syntagma.pk, in_kolonos.pk]
    distances = [item["distance_km"] for item in body["results"]]
    assert distances[0] <= 0.01
    assert distances[1] == pytest.approx(2.77, abs=0.01)  # Syntagma to Kolonos, 2.77 km
    assert within_2km == [at_syntagma.pk]
    assert set(far) == {at_syntagma.pk, in_kolonos.pk, in_piraeus.pk}


def test_distance_agrees_with_the_great_circle(client, organisation):
    """The planar distance (decision 82) gives the haversine's kilometres, to 10 m."""
    make_service(organisation, latitude=PIRAEUS[0], longitude=PIRAEUS[1])
    here = (37.9755, 23.7345)

    body = get(client, near="{},{}".format(*here), radius_km="20").json()

    latitudes = math.radians(here[0]), math.radians(float(PIRAEUS[0]))
    half_chord = (
        math.sin((latitudes[1] - latitudes[0]) / 2) ** 2
        + math.cos(latitudes[0])
        * math.cos(latitudes[1])
        * math.sin(math.radians(float(PIRAEUS[1]) - here[1]) / 2) ** 2
    )
    great_circle = 2 * 6371.0088 * math.asin(math.sqrt(half_chord))
    assert great_circle > 8
    assert body["results"][0]["distance_km"] == pytest.approx(great_circle, abs=0.01)


def test_near_radius_and_distance_sort_need_each_other(client, site_tree):
    errors = error_fields(get(client, radius_km="3", sort="distance"))

    assert set(errors) == {"radius_km", "sort"}


def test_sort_by_title_in_the_served_language_and_by_update(client, organisation):
    """Titles sort as they are served (a translation's title in that language); ties
    and other sorts are stable; `-` sorts descending."""
    alpha = make_service(organisation, title="Άλφα")
    beta = make_service(organisation, title="Βήτα")
    gamma = make_service(organisation, title="Γάμμα")
    translate_page(gamma, "en", title="Aardvark clinic")
    beta.save_revision().publish()  # the most recently updated

    assert ids(get(client)) == [alpha.pk, beta.pk, gamma.pk]
    assert ids(get(client, sort="-title")) == [gamma.pk, beta.pk, alpha.pk]
    assert ids(get(client, lang="en")) == [gamma.pk, alpha.pk, beta.pk]
    assert ids(get(client, sort="-updated"))[0] == beta.pk
    assert ids(get(client, sort="updated"))[-1] == beta.pk


def test_pages_and_the_end_of_the_list(client, organisation):
    """`page`/`page_size` slice the list; a page past the end is empty, not a 404."""
    services = [make_service(organisation, title=f"Υπηρεσία {n}") for n in range(5)]
    expected = [service.pk for service in services]

    first = get(client, page_size="2").json()
    last = get(client, page_size="2", page="3").json()
    beyond = get(client, page_size="2", page="4")

    assert [item["id"] for item in first["results"]] == expected[:2]
    assert first["next"].endswith("page_size=2&page=2")
    assert [item["id"] for item in last["results"]] == expected[4:]
    assert last["next"] is None and last["previous"].endswith("page=2")
    assert beyond.status_code == 200
    assert beyond.json()["results"] == [] and beyond.json()["count"] == 5


@pytest.mark.parametrize("sort", ["title", "-title", "updated", "-updated", "distance"])
def test_pages_read_in_turn_give_the_whole_list_in_its_order(client, organisation, sort):
    """Each page is cut from the sorted matches and its items put back in that order
    (decision 91), ties (equal titles, equal distances) broken the same way on every
    page."""
    for number in range(7):
        make_service(organisation, title=f"Υπηρεσία {number % 3}", latitude=KOLONOS[0])
    query = {"sort": sort, "near": "37.9755,23.7345", "radius_km": "10"}

    whole = get(client, page_size="7", **query).json()["results"]
    pages = [get(client, page_size="2", page=str(page), **query) for page in (1, 2, 3, 4)]

    assert [item["id"] for item in whole] == [
        service_id for page in pages for service_id in ids(page)
    ]
    assert len(whole) == 7
    key = {"title": "title", "updated": "updated", "distance": "distance_km"}[sort.lstrip("-")]
    values = [item[key] for item in whole]
    assert values == sorted(values, reverse=sort.startswith("-"))


def test_language_and_fallback_per_item(client, organisation):
    """Each item is served in the first language of the chain that has it; the list says
    whether any item is a fallback."""
    translated = make_service(organisation, title="Ιατρείο", summary="Γιατρός.")
    translate_page(translated, "en", title="Clinic", summary="A doctor.")
    translate_page(translated, "ar", title="عيادة", summary="طبيب.")
    greek_only = make_service(organisation, title="Μαθήματα")

    arabic = get(client, lang="ar").json()
    english = get(client, headers={"Accept-Language": "en"}).json()

    by_id = {item["id"]: item for item in arabic["results"]}
    assert (by_id[translated.pk]["title"], by_id[translated.pk]["language"]) == ("عيادة", "ar")
    assert by_id[translated.pk]["summary"] == "طبيب."
    assert by_id[greek_only.pk]["language"] == "el"
    assert (arabic["language"], arabic["fallback"], arabic["dir"]) == ("ar", True, "rtl")
    assert by_id[translated.pk]["organisation"] == {"id": organisation.pk, "title": "Praksis"}
    assert {item["language"] for item in english["results"]} == {"en", "el"}


def test_only_live_public_services_of_approved_organisations_are_listed(client, organisation):
    """Drafts, unpublished ones, view-restricted ones, those of a draft or restricted
    organisation never appear; a draft translation is not served."""
    listed = make_service(organisation, title="Ιατρείο")
    translate_page(listed, "en", title="Draft English title", publish=False)
    make_service(organisation, publish=False)
    unpublished = make_service(organisation)
    unpublished.unpublish()
    private = make_service(organisation)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    make_service(make_organisation(publish=False))
    restricted_organisation = make_organisation()
    make_service(restricted_organisation)
    PageViewRestriction.objects.create(page=restricted_organisation, restriction_type="login")

    body = get(client, lang="en").json()

    assert [item["id"] for item in body["results"]] == [listed.pk]
    assert body["count"] == 1
    assert body["results"][0]["title"] == "Ιατρείο"
    assert "Draft English title" not in str(body)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"district": "0"}, "district"),
        ({"district": "1;DROP TABLE pages"}, "district"),
        ({"district": "٣"}, "district"),
        ({"category": ""}, "category"),
        ({"category": ",".join(f"c{n}" for n in range(60))}, "category"),
        ({"category": "x" * 500}, "category"),
        ({"target_group": "' OR 1=1 --"}, "target_group"),
        ({"language": "\x00"}, "language"),
        ({"delivery": "car"}, "delivery"),
        ({"free": "maybe"}, "free"),
        ({"status": "active,open"}, "status"),
        ({"open_at": "yesterday"}, "open_at"),
        ({"open_at": "2026-02-30T10:00"}, "open_at"),
        ({"open_at": "9999-12-31T23:00-05:00"}, "open_at"),
        ({"open_at": "0001-01-01T00:30+14:00"}, "open_at"),
        ({"open_now": "true", "open_at": "2026-03-30T09:00"}, "open_now"),
        ({"near": "37.9"}, "near"),
        ({"near": "91,23"}, "near"),
        ({"near": "nan,inf"}, "near"),
        ({"near": "37.9,23.7", "radius_km": "1000"}, "radius_km"),
        ({"near": "37.9,23.7", "radius_km": "-1"}, "radius_km"),
        ({"sort": "price"}, "sort"),
        ({"sort": "distance"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"colour": "red"}, "colour"),
        ({"lang": "xx"}, "lang"),
    ],
)
def test_bad_parameters_are_400_problems_naming_the_field(client, site_tree, query, field):
    assert field in error_fields(get(client, **query))


def test_near_the_poles_and_the_antimeridian_is_not_an_error(client, organisation):
    """Extreme points give empty lists, not server errors."""
    make_service(organisation)

    for point in ("90,180", "-90,-180", "0,179.99", "89.999,0"):
        assert ids(get(client, near=point, radius_km="50")) == []


def test_filters_combine_with_and(client, organisation):
    """Every filter must hold: taxonomy, place, delivery and price together."""
    match = make_service(
        organisation,
        categories=[category("primary-care")],
        languages=[language("ar")],
        is_free=True,
    )
    make_service(organisation, categories=[category("primary-care")], languages=[language("fa")])
    make_service(organisation, languages=[language("ar")], is_free=False)

    query = {
        "category": "primary-care",
        "language": "ar",
        "free": "true",
        "district": "1",
        "delivery": "in_person",
        "near": "37.9755,23.7345",
        "status": "active",
    }
    assert ids(get(client, **query)) == [match.pk]


@pytest.mark.parametrize("requested", ["el", "en", "ar"])
def test_a_fixed_number_of_queries_whatever_the_page_size(
    client, organisation, requested, django_assert_num_queries
):
    """The terms named, then the page's rows counted with their pre-serialised items: two
    queries for 2 items as for 6, in any language."""
    for number in range(6):
        service = make_service(
            organisation, categories=[category("primary-care")], languages=[language("ar")]
        )
        if number % 2:
            translate_page(service, "en")

    for size in (2, 6):
        with django_assert_num_queries(2):
            response = get(client, lang=requested, page_size=str(size), language="ar")
        assert len(ids(response)) == size


def test_the_stored_response_of_a_filtered_list(client, organisation, contract):
    """One representative call, against tests/api/contracts/service-list-en.json."""
    service = make_service(
        organisation,
        title="Κοινωνικό ιατρείο",
        slug="social-clinic",
        summary="Δωρεάν ιατρική φροντίδα.",
        categories=[category("primary-care")],
        languages=[language("ar")],
    )
    translate_page(service, "en", title="Social clinic", summary="Free medical care.")

    response = get(client, lang="en", category="health", language="ar", near="37.98,23.73")

    assert response.status_code == 200
    contract(
        "service-list-en",
        response.json(),
        {service.pk: "<service>", organisation.pk: "<organisation>"},
    )


# --- Text search (q) ---------------------------------------------------------------


def test_q_searches_the_served_language_and_ranks_by_relevance(client, site_tree):
    """A title match ranks above a summary match; English searches the English text."""
    organisation = make_organisation()
    translate_page(organisation, "en")
    in_title = make_service(organisation, title="Παιδικός σταθμός", summary="Για όλους.")
    in_summary = make_service(organisation, title="Κέντρο ημέρας", summary="Δίπλα στον σταθμό.")
    make_service(organisation, title="Νομική βοήθεια", summary="Άσυλο.")
    translate_page(in_title, "en", title="Day nursery", summary="For everyone.")

    greek = client.get("/api/v1/services?q=σταθμος").json()
    english = client.get("/api/v1/services?q=nursery&lang=en").json()

    assert [item["id"] for item in greek["results"]] == [in_title.pk, in_summary.pk]
    assert [item["id"] for item in english["results"]] == [in_title.pk]


def test_q_combines_with_filters_and_a_blank_q_filters_nothing(client, site_tree):
    organisation = make_organisation()
    make_service(organisation, title="Κέντρο υγείας", is_free=True)
    make_service(organisation, title="Ιδιωτική υγεία", is_free=False)

    free = client.get("/api/v1/services?q=υγεια&free=true").json()
    blank = client.get("/api/v1/services?q=%20").json()

    assert [item["title"] for item in free["results"]] == ["Κέντρο υγείας"]
    assert blank["count"] == 2


def test_q_finds_organisations(client, site_tree):
    make_organisation(title="Γιατροί του Κόσμου")
    make_organisation(title="Πράξις")

    body = client.get("/api/v1/organisations?q=γιατροι").json()
    blank = client.get("/api/v1/organisations?q=%20").json()

    assert [item["title"] for item in body["results"]] == ["Γιατροί του Κόσμου"]
    assert blank["count"] == 2


@pytest.mark.parametrize("requested", ["el", "en", "fa"])
def test_one_word_alone_answers_as_the_full_search(client, organisation, requested):
    """`q` alone, one word: read from the search terms (decision 87), with the order and
    count the full search gives when another filter is added."""
    titles = ["Υγεία", "Κέντρο υγείας", "Νομική βοήθεια", "Υγεία και υγεία", "Στέγαση"]
    for number, title in enumerate(titles):
        service = make_service(organisation, title=title, summary="Δωρεάν υγεία για όλους.")
        if number % 2:
            translate_page(service, "en", title=f"Health {number}", summary="Free.")
    hidden = make_organisation(title="Αδημοσίευτος φορέας")
    make_service(hidden, title="Υγεία παντού")
    hidden.unpublish()
    every_status = ",".join(ServicePage.Status.values)

    for page_size, page in [(2, 1), (2, 2), (2, 3), (10, 1)]:
        with mock.patch.object(services, "best_matches", wraps=services.best_matches) as best:
            one_word = get(client, q="υγεία", lang=requested, page_size=page_size, page=page)
            full = get(
                client,
                q="υγεία",
                lang=requested,
                page_size=page_size,
                page=page,
                status=every_status,
            )
        assert best.call_count == 1  # the first request only
        assert ids(one_word) == ids(full)
        assert one_word.json()["count"] == full.json()["count"] > 0


def test_one_word_alone_takes_a_fixed_number_of_queries(
    client, organisation, django_assert_num_queries
):
    """The best matches with their count, then their rows and items; the word is parsed
    once per process."""
    for number in range(6):
        make_service(organisation, title=f"Υγεία {number}")
    get(client, q="υγεία", page_size="1")
    for size in (2, 6):
        with django_assert_num_queries(2):
            response = get(client, q="υγεία", page_size=str(size))
        assert len(ids(response)) == size
