"""GET /api/v1/map: every matching point at once, as a GeoJSON FeatureCollection.

Each kind of item is a `Layer`: the filters it understands and a function giving its
features. A request's filters decide the layers: a filter that a kind does not have
leaves that kind out (filters combine with AND, and such an item cannot match it), and
`kind=` picks kinds by name. Features are read with one query per layer, as plain rows:
no pagination, nothing per row but building the feature.

Services are one point each, their features serialised in the services' read model
(`ServiceListing`); with no filter, the whole city's are one `ServiceMapLayer` row.
Actions are one point per upcoming occurrence with a place (the actions list's filters
apply: `from`, `to`, `district`, `near` ...).

The map with no filter, the one the public site opens with, is the same document for
everyone: each process keeps it, encoded, per language and kinds (`whole_city_maps`), and
serves it while the listings generation and the content version it was built under are
current and none of its occurrences has ended (decision 81).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router

from cms.api.caching import RecentlyUsed, body_etag, current_version
from cms.api.language import LANG_PARAM, requested_language
from cms.api.listing import EncodedJSON, json_with_array, served_language_fields
from cms.api.query import QueryParams
from pages.models import ServiceListing, ServiceListingGeneration, ServiceMapLayer

from .actions import ACTION_FILTER_PARAMS, read_action_filters, upcoming_occurrences
from .filtering import choices, pick_served_title, served_titles
from .services import SERVICE_FILTERS, filter_services

router = Router(tags=["map"])

GEOJSON_CONTENT_TYPE = "application/geo+json"
# Whole-city maps a process keeps (one per language and kinds asked for, each megabytes).
WHOLE_CITY_MAPS_KEPT = 8


@dataclass(frozen=True)
class Layer:
    kind: str
    filters: tuple
    # (params, requested language) -> a function of no argument giving its `Features`;
    # reading the parameters records their errors in `params`.
    read: Callable


@dataclass(frozen=True)
class Features:
    items: list  # JSON texts, each one or more comma-separated features
    languages: set  # the languages they are served in
    ends: datetime | None = None  # when the first of them stops being upcoming, if ever


def feature(kind, item_id, title, longitude, latitude, **properties):
    """A GeoJSON point feature, to serialise with `serialised_feature`."""
    return {
        "type": "Feature",
        "id": f"{kind}-{item_id}",
        "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
        "properties": {"id": item_id, "kind": kind, "title": title, **properties},
    }


def serialised_feature(item):
    """A feature as compact JSON: UTF-8 text, no spaces (decision 75). A map carries every
    point of the city, so its size counts."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def services_map_layer(language):
    """([features joined], served languages) of every located listed service answering
    `language`: the map with no filter. Kept in `ServiceMapLayer` until the listings
    change, so a map of the whole city reads one row; the first request after a change
    joins the features again (the generation is read before the rows, so a layer is never
    older than the generation it is stored under)."""
    generation = ServiceListingGeneration.current()
    layer = ServiceMapLayer.objects.filter(language=language, generation=generation).first()
    if layer is None:
        rows = list(
            ServiceListing.objects.answering(language)
            .filter(latitude__isnull=False, longitude__isnull=False)
            .order_by("service_id")
            .values_list("payload__feature", "served_language")
        )
        layer = ServiceMapLayer(
            language=language,
            generation=generation,
            features=",".join(feature for feature, _ in rows),
            served_languages=",".join(sorted({served for _, served in rows})),
        )
        ServiceMapLayer.objects.bulk_create(
            [layer],
            update_conflicts=True,
            unique_fields=["language"],
            update_fields=["generation", "features", "served_languages"],
        )
    features = [layer.features] if layer.features else []
    return Features(features, set(filter(None, layer.served_languages.split(","))))


def _service_features(params, requested):
    filtered = filter_services(params, requested)
    whole_city = not set(params.query) - {"kind", LANG_PARAM}

    def features():
        if whole_city:
            return services_map_layer(requested)
        # Serialised when the service's row was written (`pages.api.service_listing`).
        located = filtered.queryset.filter(latitude__isnull=False, longitude__isnull=False)
        rows = located.order_by("service_id").values_list("payload__feature", "served_language")
        return Features([feature for feature, _ in rows], {language for _, language in rows})

    return features


def _action_features(params, requested):
    filters = read_action_filters(params)

    def features():
        # One query: the action's served title is read with each occurrence.
        titles = served_titles(requested, translation_key="page__translation_key")
        rows = (
            upcoming_occurrences(filters)
            .filter(latitude__isnull=False, longitude__isnull=False)
            .annotate(**titles)
            .order_by("start", "pk")
            .values_list(
                "pk",
                "page_id",
                "longitude",
                "latitude",
                "start",
                "end",
                "district__number",
                "page__title",
                *titles,
            )
        )
        features, languages, ends = [], set(), None
        for row in rows:
            occurrence_id, action_id, longitude, latitude, start, end, district, title, *rest = row
            ends = end if ends is None else min(ends, end)
            served_title, language = pick_served_title(rest, title, requested)
            item = feature(
                "action",
                action_id,
                served_title,
                longitude,
                latitude,
                start=start.isoformat(),
                district=district,
            )
            # An action has a point per occurrence: the feature's id names the occurrence.
            item["id"] = f"action-{action_id}-{occurrence_id}"
            features.append(serialised_feature(item))
            languages.add(language)
        return Features(features, languages, ends)

    return features


LAYERS = (
    Layer("service", SERVICE_FILTERS, _service_features),
    Layer("action", ACTION_FILTER_PARAMS, _action_features),
)
KINDS = tuple(layer.kind for layer in LAYERS)


@dataclass(frozen=True)
class WholeCityMap:
    built_under: tuple  # (listings generation, content version)
    ends: datetime | None  # when its first action occurrence ends
    body: bytes
    etag: str


def _current(whole_city_map, built_under):
    """Whether a kept map was built from what is current: the listings generation (read
    by every request, so a change to services shows at once) and the content version
    (other content, within its bound: decision 77), with no occurrence ended since."""
    if whole_city_map.built_under != built_under:
        return False
    return whole_city_map.ends is None or timezone.now() < whole_city_map.ends


# This process's maps with no filter, by language and kinds.
whole_city_maps = RecentlyUsed(lambda: WHOLE_CITY_MAPS_KEPT)


def _feature_collection(requested, readers, kinds, given):
    """The FeatureCollection's JSON text and when its first occurrence ends."""
    features, languages, ends = [], set(), []
    for layer in LAYERS:
        if layer.kind in kinds and given <= set(layer.filters):
            layer_features = readers[layer.kind]()
            features.extend(layer_features.items)
            languages |= layer_features.languages
            if layer_features.ends is not None:
                ends.append(layer_features.ends)
    # As in lists (decision 37): the language every feature shares, else the requested one.
    fields = served_language_fields(requested, languages)
    text = json_with_array({"type": "FeatureCollection", **fields}, "features", features)
    return text, min(ends, default=None)


def _whole_city_map(requested, readers, kinds):
    key = (requested, kinds)
    built_under = (ServiceListingGeneration.current(), current_version())
    found = whole_city_maps.get(key)
    if found is None or not _current(found, built_under):
        text, ends = _feature_collection(requested, readers, kinds, set())
        body = text.encode()
        found = WholeCityMap(built_under, ends, body, body_etag(body))
        whole_city_maps.set(key, found)
    return found


@router.get("", summary="Map of services and actions")
def map_features(request, response: HttpResponse):
    """A GeoJSON FeatureCollection (coordinates `[longitude, latitude]`) of every live
    item with coordinates matching the filters: services (the services list's filters)
    and upcoming action occurrences (the actions list's filters); a filter only one kind
    has leaves the other out; `kind` picks kinds (comma-separated). Not paginated."""
    requested = requested_language(request)
    all_filters = {name for layer in LAYERS for name in layer.filters}
    params = QueryParams(request, (*sorted(all_filters), "kind"))
    chosen = choices(params, "kind", KINDS) or KINDS
    kinds = tuple(kind for kind in KINDS if kind in chosen)
    readers = {layer.kind: layer.read(params, requested) for layer in LAYERS}
    params.check()

    response["Content-Type"] = GEOJSON_CONTENT_TYPE
    given = set(request.GET) - {"kind", LANG_PARAM}
    if not given:
        whole_city_map = _whole_city_map(requested, readers, kinds)
        # The body's hash, kept with it: the response cache need not hash megabytes again.
        response["ETag"] = whole_city_map.etag
        return EncodedJSON(whole_city_map.body)
    return _feature_collection(requested, readers, kinds, given)[0]
