"""Municipal districts follow from coordinates, unless an editor sets one by hand.

The places are neighbourhood centres, each checked to lie well inside its
district in `snippets/data/athens-municipal-districts.geojson` (at least
200 m from any border).
"""

import datetime
from decimal import Decimal

import pytest

from pages.models import ActionOccurrence, ServicePage
from snippets.geography import district_at, districts_read_once, geometry_contains
from snippets.models import MunicipalDistrict
from tests.factories import (
    AMPELOKIPOI,
    KOLONOS,
    KYPSELI,
    PAGRATI,
    PATISIA,
    PETRALONA,
    PIRAEUS,
    SYNTAGMA,
    THESSALONIKI,
    district,
    greek,
    make_action,
    make_occurrence,
    make_organisation,
    make_service,
)

PLACES = [
    pytest.param(SYNTAGMA, 1, id="Syntagma"),
    pytest.param(PAGRATI, 2, id="Pagrati"),
    pytest.param(PETRALONA, 3, id="Petralona"),
    pytest.param(KOLONOS, 4, id="Kolonos"),
    pytest.param(PATISIA, 5, id="Patisia"),
    pytest.param(KYPSELI, 6, id="Kypseli"),
    pytest.param(AMPELOKIPOI, 7, id="Ampelokipoi"),
]


# --- district_at ----------------------------------------------------------------------


@pytest.mark.django_db
def test_districts_read_once_gives_the_same_answers_from_one_query(django_assert_num_queries):
    places = [SYNTAGMA, PAGRATI, KYPSELI, THESSALONIKI, SYNTAGMA]
    expected = [district_at(*place) for place in places]
    with django_assert_num_queries(1), districts_read_once():
        assert [district_at(*place) for place in places] == expected
    # Outside it, boundaries are read again: a district's boundary may have changed.
    with django_assert_num_queries(1):
        district_at(*SYNTAGMA)


@pytest.mark.django_db
@pytest.mark.parametrize(("place", "number"), PLACES)
def test_district_at_known_places(place, number):
    """Each neighbourhood falls in its own municipal community, as a Greek term."""
    found = district_at(*place)

    assert found is not None
    assert found.number == number
    assert found.locale == greek()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "place", [pytest.param(PIRAEUS, id="Piraeus"), pytest.param(THESSALONIKI, id="Thessaloniki")]
)
def test_district_at_outside_athens_is_none(place):
    assert district_at(*place) is None


@pytest.mark.django_db
def test_district_at_accepts_floats_and_strings():
    """Coordinates may come as Decimal (model fields), float or text (API, forms)."""
    latitude, longitude = KYPSELI

    assert district_at(float(latitude), float(longitude)).number == 6
    assert district_at(str(latitude), str(longitude)).number == 6


@pytest.mark.django_db
def test_district_at_without_both_coordinates_is_none():
    latitude, longitude = SYNTAGMA

    assert district_at(None, longitude) is None
    assert district_at(latitude, None) is None
    assert district_at(None, None) is None


@pytest.mark.django_db
def test_district_at_does_not_swap_latitude_and_longitude():
    """Giving longitude first finds nothing (it is a point in the Sahara's latitudes)."""
    latitude, longitude = SYNTAGMA

    assert district_at(longitude, latitude) is None


@pytest.mark.django_db
def test_every_district_has_a_translation_but_lookup_returns_the_greek_one():
    """The English terms share the boundary; pages must still point at the Greek term."""
    english = MunicipalDistrict.objects.get(locale__language_code="en", number=1)
    assert english.boundary == district(1).boundary

    assert district_at(*SYNTAGMA) == district(1)


# --- Saving pages and occurrences --------------------------------------------------------


@pytest.fixture
def organisation(site_tree):
    return make_organisation(publish=False)


@pytest.mark.django_db
@pytest.mark.parametrize(("place", "number"), PLACES)
def test_saving_a_service_assigns_its_district(organisation, place, number):
    latitude, longitude = place
    service = make_service(organisation, latitude=latitude, longitude=longitude)

    service = ServicePage.objects.get(pk=service.pk)
    assert service.district == district(number)


@pytest.mark.django_db
def test_saving_an_organisation_assigns_its_district(site_tree):
    latitude, longitude = AMPELOKIPOI
    organisation = make_organisation(latitude=latitude, longitude=longitude)

    organisation.refresh_from_db()
    assert organisation.district == district(7)


@pytest.mark.django_db
def test_service_outside_athens_has_no_district(organisation):
    latitude, longitude = PIRAEUS
    service = make_service(organisation, latitude=latitude, longitude=longitude)

    service.refresh_from_db()
    assert service.district is None


@pytest.mark.django_db
def test_moving_a_service_moves_its_district(organisation):
    """A stored district is replaced when the coordinates change."""
    service = make_service(organisation)
    service.latitude, service.longitude = PATISIA
    service.save()

    service.refresh_from_db()
    assert service.district == district(5)


@pytest.mark.django_db
def test_removing_coordinates_clears_the_district(organisation):
    """A service that goes remote-only loses its place and its district."""
    service = make_service(organisation)
    assert service.district == district(1)

    service.delivery = ServicePage.Delivery.REMOTE
    service.address, service.latitude, service.longitude = "", None, None
    service.save()

    service.refresh_from_db()
    assert service.district is None


@pytest.mark.django_db
def test_publishing_a_revision_assigns_the_district(organisation):
    """The district is right on the live page when the change goes through a revision."""
    service = make_service(organisation)
    service.latitude, service.longitude = PETRALONA
    service.save_revision().publish()

    assert ServicePage.objects.get(pk=service.pk).district == district(3)


@pytest.mark.django_db
def test_editor_override_is_kept(organisation):
    """With "set district by hand" ticked, the editor's district survives a save."""
    latitude, longitude = SYNTAGMA
    service = make_service(
        organisation,
        latitude=latitude,
        longitude=longitude,
        district=district(7),
        district_set_by_hand=True,
    )
    service.title = "Νέος τίτλος"
    service.save()

    service.refresh_from_db()
    assert service.district == district(7)
    assert service.district_set_by_hand is True


@pytest.mark.django_db
def test_editor_override_survives_moving_the_point(organisation):
    service = make_service(organisation, district=district(4), district_set_by_hand=True)
    service.latitude, service.longitude = KYPSELI
    service.save()

    service.refresh_from_db()
    assert service.district == district(4)


@pytest.mark.django_db
def test_unticking_the_override_restores_the_automatic_district(organisation):
    service = make_service(organisation, district=district(4), district_set_by_hand=True)
    service.district_set_by_hand = False
    service.save()

    service.refresh_from_db()
    assert service.district == district(1)


@pytest.mark.django_db
def test_automatic_district_ignores_a_district_chosen_without_the_override(organisation):
    """Picking a district without ticking the box does not stick: the coordinates win."""
    service = make_service(organisation, district=district(4))

    service.refresh_from_db()
    assert service.district == district(1)


@pytest.mark.django_db
def test_saving_an_action_assigns_each_occurrence_its_district(organisation):
    """Occurrences of one action can be in different districts, or outside Athens."""
    start = datetime.datetime(2030, 5, 1, 10, tzinfo=datetime.UTC)
    places = [KOLONOS, PAGRATI, PIRAEUS]
    action = make_action(
        organisation,
        occurrences=[{"start": start, "latitude": lat, "longitude": lng} for lat, lng in places],
    )

    occurrences = ActionOccurrence.objects.filter(page=action).order_by("sort_order")
    assert [o.district for o in occurrences] == [district(4), district(2), None]


@pytest.mark.django_db
def test_saving_an_occurrence_on_its_own_assigns_and_clears_the_district(organisation):
    action = make_action(organisation)
    occurrence = action.occurrences.get()

    occurrence.latitude, occurrence.longitude = AMPELOKIPOI
    occurrence.save()
    occurrence.refresh_from_db()
    assert occurrence.district == district(7)

    occurrence.latitude = occurrence.longitude = None
    occurrence.save()
    occurrence.refresh_from_db()
    assert occurrence.district is None


@pytest.mark.django_db
def test_occurrence_override_is_kept(organisation):
    occurrence = make_occurrence(district=district(5), district_set_by_hand=True)
    action = make_action(organisation, occurrences=[occurrence])

    assert ActionOccurrence.objects.get(page=action).district == district(5)


@pytest.mark.django_db
def test_clean_assigns_the_district_before_saving():
    """The admin form shows the district as soon as the data is cleaned."""
    latitude, longitude = KOLONOS
    occurrence = make_occurrence(latitude=latitude, longitude=longitude)
    occurrence.clean()

    assert occurrence.district == district(4)


# --- geometry_contains, without a database ----------------------------------------------

# A 10 by 5 degree rectangle (longitude 20 to 30, latitude 35 to 40) with a hole in the middle.
OUTER = [[20, 35], [30, 35], [30, 40], [20, 40], [20, 35]]
HOLE = [[24, 37], [26, 37], [26, 38], [24, 38], [24, 37]]
POLYGON_WITH_HOLE = {"type": "Polygon", "coordinates": [OUTER, HOLE]}
# Two islands far apart: a plain square and a square with its own hole.
MULTI = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]],
        [
            [[10, 10], [14, 10], [14, 14], [10, 14], [10, 10]],
            [[11, 11], [13, 11], [13, 13], [11, 13], [11, 11]],
        ],
    ],
}


@pytest.mark.parametrize(
    ("latitude", "longitude", "inside"),
    [
        (36, 21, True),  # in the ring
        (39.5, 29.5, True),  # near a corner
        (37.5, 25, False),  # in the hole
        (34, 25, False),  # south of it
        (37, 31, False),  # east of it
        (25, 37, False),  # the inside point with its coordinates swapped
    ],
)
def test_polygon_with_a_hole(latitude, longitude, inside):
    """Latitude is y, longitude is x; a point in the hole is outside the polygon."""
    assert geometry_contains(POLYGON_WITH_HOLE, latitude, longitude) is inside


@pytest.mark.parametrize(
    ("latitude", "longitude", "inside"),
    [
        (1, 1, True),  # first polygon
        (10.5, 13.5, True),  # second polygon's ring
        (12, 12, False),  # second polygon's hole
        (5, 5, False),  # between the polygons
    ],
)
def test_multipolygon(latitude, longitude, inside):
    assert geometry_contains(MULTI, latitude, longitude) is inside


def test_geometry_accepts_decimals():
    assert geometry_contains(POLYGON_WITH_HOLE, Decimal("36.5"), Decimal("21.25")) is True


def test_other_geometry_types_contain_nothing():
    """A Point or LineString boundary (a data mistake) never matches."""
    assert geometry_contains({"type": "Point", "coordinates": [25, 37]}, 37, 25) is False
