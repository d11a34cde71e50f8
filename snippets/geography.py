"""Where a point lies: Greece's bounds and Athens' municipal districts.

Boundaries are GeoJSON geometries (`[lng, lat]` rings) stored on the district
terms; a plain ray-casting test is exact enough for district polygons and needs
no GIS stack, so the embedded SQLite default keeps working.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# A generous box around Greece, islands included.
GREECE_LATITUDE = (Decimal("34.50"), Decimal("42.00"))
GREECE_LONGITUDE = (Decimal("19.00"), Decimal("30.00"))

_OUTSIDE_GREECE = _(
    "This point is outside Greece. Check the coordinates "
    "(latitude about 38, longitude about 23 for Athens)."
)

latitude_validators = [
    MinValueValidator(GREECE_LATITUDE[0], message=_OUTSIDE_GREECE),
    MaxValueValidator(GREECE_LATITUDE[1], message=_OUTSIDE_GREECE),
]
longitude_validators = [
    MinValueValidator(GREECE_LONGITUDE[0], message=_OUTSIDE_GREECE),
    MaxValueValidator(GREECE_LONGITUDE[1], message=_OUTSIDE_GREECE),
]


def _ring_contains(ring, x, y):
    inside = False
    previous_x, previous_y = ring[-1][0], ring[-1][1]
    for point in ring:
        current_x, current_y = point[0], point[1]
        if (current_y > y) != (previous_y > y):
            crossing_x = (previous_x - current_x) * (y - current_y) / (
                previous_y - current_y
            ) + current_x
            if x < crossing_x:
                inside = not inside
        previous_x, previous_y = current_x, current_y
    return inside


def _polygon_contains(rings, x, y):
    outer, *holes = rings
    return _ring_contains(outer, x, y) and not any(_ring_contains(h, x, y) for h in holes)


def geometry_contains(geometry, latitude, longitude):
    """Whether a GeoJSON Polygon or MultiPolygon contains the point."""
    x, y = float(longitude), float(latitude)
    if geometry["type"] == "Polygon":
        return _polygon_contains(geometry["coordinates"], x, y)
    if geometry["type"] == "MultiPolygon":
        return any(_polygon_contains(rings, x, y) for rings in geometry["coordinates"])
    return False


def district_at(latitude, longitude):
    """The municipal district (a source-locale term) containing the point, or None."""
    from snippets.models import MunicipalDistrict

    if latitude is None or longitude is None:
        return None
    read = _districts_read.get()
    if read is None:
        districts = MunicipalDistrict.objects.in_source_locale().only("id", "boundary")
        return _containing(districts, latitude, longitude)
    if read.districts is None:
        read.districts = list(MunicipalDistrict.objects.in_source_locale().only("id", "boundary"))
    point = (str(latitude), str(longitude))
    if point not in read.found:
        read.found[point] = _containing(read.districts, latitude, longitude)
    return read.found[point]


def _containing(districts, latitude, longitude):
    for district in districts:
        if district.boundary and geometry_contains(district.boundary, latitude, longitude):
            return district
    return None


class _DistrictsRead:
    def __init__(self):
        self.districts = None  # read on the first lookup
        self.found = {}  # (latitude, longitude) → district or None


_districts_read = ContextVar("districts_read", default=None)


@contextmanager
def districts_read_once():
    """Within it, `district_at` reads the districts' boundaries once and remembers each
    point's answer: for bulk writes (a pull saves each occurrence several times), during
    which the boundaries do not change."""
    token = _districts_read.set(_DistrictsRead())
    try:
        yield
    finally:
        _districts_read.reset(token)
