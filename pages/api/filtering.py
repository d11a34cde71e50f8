"""Building blocks of the list filters and orderings, done in SQL.

- `TermLookup`: taxonomy slugs given in filters, checked in one query for all of them
  (none when resolved before under the same content version); unknown slugs are named
  in the 400 with any other bad parameter.
- `Nearby`: a bounding box on the indexed coordinates, then the (planar) distance
  (Django's math functions, so it runs on SQLite too).
- `served_titles` / `title_in_served_language`: the title a page is served with (its
  live translation in the first language of the fallback chain, else the Greek title),
  as SQL, to sort by it and to read it without loading translations.
"""

import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, F, FloatField, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from cms.api.caching import RecentlyUsed
from cms.api.language import fallback_chain

# Mean Earth radius (IUGG), and so the length of one degree of latitude.
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
DEFAULT_RADIUS_KM = 5
MAX_RADIUS_KM = 50
MIN_RADIUS_KM = 0.05
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


# Taxonomy slugs resolved before, per content version (which any edit of a term changes).
RESOLVED_TERMS_KEPT = 4096
resolved_terms = RecentlyUsed(lambda: RESOLVED_TERMS_KEPT)


@dataclass
class TermLookup:
    """Taxonomy filters of one request, resolved to term ids in one query.

    `add(name, model, slugs)` registers the filter `name`; `resolve(params)` reads every
    registered slug at once, records unknown ones as errors of `params` and returns
    {name: set of term ids}. With `with_children`, a term also stands for its children
    (a main category matches its subcategories). Under a content version (the response
    cache's, `params.content_version`) a filter resolved before costs no query.
    """

    wanted: dict = field(default_factory=dict)

    def add(self, name, model, slugs, *, with_children=False):
        if slugs:
            self.wanted[name] = (model, slugs, with_children)

    def _query(self, name, model, slugs, with_children):
        # Only what could be a slug goes to the database (no NUL bytes, no odd text).
        slugs = [slug for slug in slugs if SLUG.fullmatch(slug)]
        match = Q(slug__in=slugs)
        requested_as = F("slug")
        if with_children:
            match |= Q(parent__slug__in=slugs)
            requested_as = Case(When(slug__in=slugs, then=F("slug")), default=F("parent__slug"))
        return (
            model.objects.filter(match, locale__language_code=settings.LANGUAGE_CODE)
            .annotate(filter_name=Value(name), requested_slug=requested_as, term_id=F("pk"))
            .values_list("filter_name", "requested_slug", "term_id")
            .order_by()
        )

    def _found(self, version):
        """{name: ((slug, term id), ...)}: kept ones, and the rest in one query."""
        keys = {
            name: (version, name, model._meta.label, tuple(slugs), with_children)
            for name, (model, slugs, with_children) in self.wanted.items()
        }
        found = {}
        if version is not None:
            for name, key in keys.items():
                kept = resolved_terms.get(key)
                if kept is not None:
                    found[name] = kept
        missing = [name for name in self.wanted if name not in found]
        if missing:
            queries = [self._query(name, *self.wanted[name]) for name in missing]
            rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
            fetched = {name: [] for name in missing}
            for name, slug, term_id in rows:
                fetched[name].append((slug, term_id))
            for name, pairs in fetched.items():
                found[name] = tuple(pairs)
                if version is not None:
                    resolved_terms.set(keys[name], found[name])
        return found

    def resolve(self, params):
        if not self.wanted:
            return {}
        found = self._found(params.content_version)
        ids = {name: {term_id for _slug, term_id in pairs} for name, pairs in found.items()}
        for name, (_model, slugs, _children) in self.wanted.items():
            known = {slug for slug, _term_id in found[name]}
            unknown = [slug for slug in slugs if slug not in known]
            if unknown:
                params.errors.append(
                    {
                        "field": name,
                        "message": _("Unknown: %(values)s.") % {"values": ", ".join(unknown)},
                    }
                )
        return ids


def districts(params, name="district"):
    """`district=N[,M…]`: Athens' municipal districts, numbered 1 to 7."""
    values = params.values(name)
    if values is None:
        return None
    numbers = []
    for value in values:
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 7:
            params.errors.append({"field": name, "message": _("Use numbers from 1 to 7.")})
            return None
        numbers.append(int(value))
    return numbers


class PlanarDistance(Func):
    """The distance in km from a point to (latitude, longitude) columns, measured on the
    plane that touches the Earth at their mean latitude (decision 82): within 0.001 % of
    the great-circle distance for radii up to 50 km below 60° of latitude, for a
    fraction of haversine's trigonometry per row. One SQL expression written out here
    rather than a tree of Django's math functions, which cost more to build and compile
    per request than the database spends computing it."""

    arity = 2
    output_field = FloatField()

    def __init__(self, latitude, longitude, point):
        super().__init__(latitude, longitude)
        self.point = point

    def as_sql(self, compiler, connection, **extra_context):
        (latitude, latitude_params), (longitude, longitude_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        north = f"({latitude} - %s)"
        east = f"(({longitude} - %s) * COS(RADIANS(({latitude} + %s) / 2)))"
        here = [self.point.latitude]
        north_params = [*latitude_params, *here]
        east_params = [*longitude_params, self.point.longitude, *latitude_params, *here]
        sql = f"(%s * SQRT({north} * {north} + {east} * {east}))"
        return sql, [KM_PER_DEGREE, *north_params, *north_params, *east_params, *east_params]


@dataclass(frozen=True)
class Nearby:
    """Within `radius_km` of (`latitude`, `longitude`), on a model with coordinates."""

    latitude: float
    longitude: float
    radius_km: float

    @classmethod
    def from_params(cls, params):
        point = params.point("near")
        radius = params.number("radius_km", minimum=MIN_RADIUS_KM, maximum=MAX_RADIUS_KM)
        if radius is not None and point is None and "near" not in params.query:
            params.errors.append({"field": "radius_km", "message": _("Give it with near.")})
        if point is None:
            return None
        return cls(*point, radius_km=DEFAULT_RADIUS_KM if radius is None else radius)

    def bounding_box(self):
        """Coordinate ranges that contain the circle, for an index scan before the
        exact distance; no longitude range near the poles or across 180°."""
        spread = self.radius_km / KM_PER_DEGREE
        box = Q(
            latitude__gte=max(-90, self.latitude - spread),
            latitude__lte=min(90, self.latitude + spread),
        )
        cosine = math.cos(math.radians(self.latitude))
        if cosine > 0.01:
            longitude_spread = spread / cosine
            west, east = self.longitude - longitude_spread, self.longitude + longitude_spread
            if west >= -180 and east <= 180:
                box &= Q(longitude__gte=west, longitude__lte=east)
        return box

    def distance(self):
        """The distance in km from the point to the row's coordinates (`PlanarDistance`)."""
        return PlanarDistance(Cast("latitude", FloatField()), Cast("longitude", FloatField()), self)

    def apply(self, queryset):
        """Rows within the radius, annotated with `distance_km`."""
        return (
            queryset.filter(self.bounding_box())
            .annotate(distance_km=self.distance())
            .filter(distance_km__lte=self.radius_km)
        )


def translated_languages(requested):
    """The languages tried before Greek for `requested`: each may hold a translation."""
    chain = fallback_chain(requested)
    return chain[: chain.index(settings.LANGUAGE_CODE)]


def served_titles(requested, translation_key="translation_key"):
    """Annotations `title_<code>`: the live, public translation's title in each language
    tried before Greek (null where there is none) of the page whose translation key is
    the row's field `translation_key`. Alias pages are not translations.

    Read from `Page` by (translation_key, locale), one unique-index lookup a row; the
    locale's id is looked up once per statement.
    """
    codes = translated_languages(requested)
    if not codes:
        return {}
    translations = (
        Page.objects.live()
        .public()
        .filter(translation_key=OuterRef(translation_key), alias_of__isnull=True)
        .order_by()
    )
    return {
        f"title_{code}": Subquery(
            translations.filter(
                locale=Subquery(Locale.objects.filter(language_code=code).values("pk")[:1])
            ).values("title")[:1]
        )
        for code in codes
    }


def title_in_served_language(titles):
    """An expression of the served title, from the `served_titles` annotations."""
    return Coalesce(*[F(name) for name in titles], F("title")) if titles else F("title")


def pick_served_title(row_titles, greek_title, requested):
    """(title, language) from a row's `title_<code>` values, in the chain's order."""
    for code, title in zip(translated_languages(requested), row_titles, strict=True):
        if title is not None:
            return title, code
    return greek_title, settings.LANGUAGE_CODE


def choices(params, name, allowed):
    """A comma-separated list of values from `allowed` (any of them matches)."""
    values = params.values(name)
    if values is None:
        return None
    allowed = list(allowed)
    if any(value not in allowed for value in values):
        params.errors.append(
            {
                "field": name,
                "message": _("Use one of: %(choices)s.") % {"choices": ", ".join(allowed)},
            }
        )
        return None
    return values


def order_by_served_title(queryset, requested, *, descending=False):
    """`queryset` ordered by the title each page is served with, then by id."""
    titles = served_titles(requested)
    title = title_in_served_language(titles)
    return queryset.annotate(**titles).order_by(title.desc() if descending else title.asc(), "pk")
