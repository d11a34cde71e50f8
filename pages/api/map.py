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
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from ninja import Router

from cms.api.language import LANG_PARAM, requested_language
from cms.api.listing import json_with_array, served_language_fields
from cms.api.query import QueryParams
from pages.models import ServiceListing, ServiceListingGeneration, ServiceMapLayer

from .actions import ACTION_FILTER_PARAMS, read_action_filters, upcoming_occurrences
from .filtering import choices, pick_served_title, served_titles
from .services import SERVICE_FILTERS, filter_services

router = Router(tags=["map"])

GEOJSON_CONTENT_TYPE = "application/geo+json"


@dataclass(frozen=True)
class Layer:
    kind: str
    filters: tuple
    # (params, requested language) -> a function of no argument giving (features, served
    # languages): features as JSON texts, each one or more comma-separated features;
    # reading the parameters records their errors in `params`.
    read: Callable


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
    return features, set(filter(None, layer.served_languages.split(",")))


def _service_features(params, requested):
    filtered = filter_services(params, requested)
    whole_city = not set(params.query) - {"kind", LANG_PARAM}

    def features():
        if whole_city:
            return services_map_layer(requested)
        # Serialised when the service's row was written (`pages.api.service_listing`).
        located = filtered.queryset.filter(latitude__isnull=False, longitude__isnull=False)
        rows = located.order_by("service_id").values_list("payload__feature", "served_language")
        return [feature for feature, _ in rows], {language for _, language in rows}

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
                "district__number",
                "page__title",
                *titles,
            )
        )
        features, languages = [], set()
        for occurrence_id, action_id, longitude, latitude, start, district, title, *rest in rows:
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
        return features, languages

    return features


LAYERS = (
    Layer("service", SERVICE_FILTERS, _service_features),
    Layer("action", ACTION_FILTER_PARAMS, _action_features),
)
KINDS = tuple(layer.kind for layer in LAYERS)


@router.get("", summary="Map of services and actions")
def map_features(request, response: HttpResponse):
    """A GeoJSON FeatureCollection (coordinates `[longitude, latitude]`) of every live
    item with coordinates matching the filters: services (the services list's filters)
    and upcoming action occurrences (the actions list's filters); a filter only one kind
    has leaves the other out; `kind` picks kinds (comma-separated). Not paginated."""
    requested = requested_language(request)
    all_filters = {name for layer in LAYERS for name in layer.filters}
    params = QueryParams(request, (*sorted(all_filters), "kind"))
    kinds = choices(params, "kind", KINDS) or KINDS
    readers = {layer.kind: layer.read(params, requested) for layer in LAYERS}
    params.check()

    given = set(request.GET) - {"kind", "lang"}
    features, languages = [], set()
    for layer in LAYERS:
        if layer.kind in kinds and given <= set(layer.filters):
            layer_features, layer_languages = readers[layer.kind]()
            features.extend(layer_features)
            languages |= layer_languages
    # As in lists (decision 37): the language every feature shares, else the requested one.
    fields = served_language_fields(requested, languages)
    response["Content-Type"] = GEOJSON_CONTENT_TYPE
    return json_with_array({"type": "FeatureCollection", **fields}, "features", features)
