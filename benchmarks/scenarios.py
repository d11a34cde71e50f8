"""The requests each scenario sends, drawn from the generated data.

(a) to (e) send `Cache-Control: no-cache` so the API renders every answer (the response
cache would otherwise serve most of them after a few seconds) and vary their requests
(filters, pages, points, words, ids, languages). (f) repeats one request and is served
from the response cache; (f2) sends its `If-None-Match` and gets 304s.
"""

import random
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings

from pages.models import ServicePage
from snippets.models import MunicipalDistrict, ServiceCategory

from .dataset import LATITUDES, LONGITUDES, SERVICE_KINDS
from .urls import SERVICE_FIELDS

RENDER = {"Cache-Control": "no-cache"}
LIST_PAGE_SIZE = 20


@dataclass
class Scenario:
    key: str
    name: str
    paths: list
    headers: dict = field(default_factory=dict)


def _languages(paths, rng):
    """Half the requests in English: each language is rendered and cached on its own."""
    return [
        f"{path}{'&' if '?' in path else '?'}lang=en" if rng.random() < 0.5 else path
        for path in paths
    ]


def build_scenarios(seed=2026):
    rng = random.Random(seed)
    greek = {"locale__language_code": settings.LANGUAGE_CODE}
    service_ids = list(ServicePage.objects.filter(**greek).values_list("pk", flat=True))
    main_categories = list(
        ServiceCategory.objects.filter(parent__isnull=True, **greek).values_list("slug", flat=True)
    )
    districts = list(MunicipalDistrict.objects.filter(**greek).values_list("number", flat=True))

    filtered = [
        f"/api/v1/services?category={category}&district={district}&page={page}"
        for category in main_categories
        for district in districts
        for page in (1, 2)
    ]
    near = [
        f"/api/v1/services?near={rng.uniform(*LATITUDES):.4f},{rng.uniform(*LONGITUDES):.4f}"
        "&radius_km=2"
        for _ in range(500)
    ]
    words = [
        (word, language)
        for kind in SERVICE_KINDS
        for language, text in zip(("el", "en"), kind, strict=True)
        for word in text.lower().split()
        if len(word) > 3
    ]
    search = [f"/api/v1/services?q={quote(word)}&lang={language}" for word, language in words]
    details = [
        f"/api/v1/services/{pk}" for pk in rng.sample(service_ids, min(2000, len(service_ids)))
    ]
    wagtail_fields = ",".join(SERVICE_FIELDS)
    wagtail_list = [
        f"/api/v2/services/?locale={settings.LANGUAGE_CODE}&fields={wagtail_fields}"
        f"&offset={page * LIST_PAGE_SIZE}&limit={LIST_PAGE_SIZE}"
        for page in range(50)
    ]
    for paths in (filtered, near, search, details, wagtail_list):
        rng.shuffle(paths)
    return [
        Scenario("a", "services list, two filters", _languages(filtered, rng), RENDER),
        Scenario("b", "services near a point, 2 km", _languages(near, rng), RENDER),
        Scenario("c", "text search", search, RENDER),
        Scenario("d", "map (GeoJSON)", ["/api/v1/map", "/api/v1/map?lang=en"], RENDER),
        Scenario("e", "service detail", _languages(details, rng), RENDER),
        Scenario("f", "repeated request, cached", []),
        Scenario("f2", "repeated request, If-None-Match → 304", []),
        Scenario("g", "Wagtail API v2, same services", wagtail_list),
        Scenario("h", "floor: fixed bytes", ["/bench/floor"]),
    ]
