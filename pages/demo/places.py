"""Where demo content is: neighbourhood addresses and points inside a municipal district."""

import random
from dataclasses import dataclass
from decimal import Decimal

from snippets.geography import geometry_contains

from .content import Text, load

# A point is drawn at random in the district's bounding box until it falls inside the
# district; districts fill enough of their box that this takes a few tries.
MAX_TRIES = 1000


@dataclass(frozen=True)
class Neighbourhood:
    slug: str
    district: int
    name: Text
    at: Text
    postcode: str
    streets: list[Text]

    def address(self, rng):
        """A street address in this neighbourhood, in Greek and English."""
        street, number = rng.choice(self.streets), rng.randint(1, 120)
        return Text(
            f"{street.el} {number}, {self.postcode} Αθήνα",
            f"{street.en} {number}, {self.postcode} Athens",
        )


def neighbourhoods():
    """Every neighbourhood of `places.toml`, by slug."""
    return {place["slug"]: Neighbourhood(**place) for place in load("places")["neighbourhoods"]}


class DistrictMap:
    """Reproducible points inside the municipal districts' boundaries."""

    def __init__(self, districts):
        self.boundaries = {district.number: district.boundary for district in districts}

    def point(self, number, seed):
        """A (latitude, longitude) in district `number` and no other, the same for the same seed.

        Rounded as the pages store coordinates (six decimals), so that the stored point is
        the one tested, and the district looked up from it on save is `number`.
        """
        rng = random.Random(seed)
        west, south, east, north = _bounding_box(self.boundaries[number])
        for _try in range(MAX_TRIES):
            latitude = Decimal(f"{rng.uniform(south, north):.6f}")
            longitude = Decimal(f"{rng.uniform(west, east):.6f}")
            containing = [
                other
                for other, boundary in self.boundaries.items()
                if geometry_contains(boundary, latitude, longitude)
            ]
            if containing == [number]:
                return latitude, longitude
        raise ValueError(f"No point found inside district {number} for {seed!r}.")


def _bounding_box(geometry):
    polygons = [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    points = [point for polygon in polygons for ring in polygon for point in ring]
    longitudes = [point[0] for point in points]
    latitudes = [point[1] for point in points]
    return min(longitudes), min(latitudes), max(longitudes), max(latitudes)
