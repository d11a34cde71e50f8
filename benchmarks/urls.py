"""The site's URLs plus what the benchmark compares the API with (bench settings only).

- `/api/v2/services/`: Wagtail's own API v2 listing the same live services with the
  fields `/api/v1/services` serves, scenario (g).
- `/bench/floor`: fixed bytes through the same middleware, the floor of any answer (h).
"""

from django.http import HttpResponse
from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.urls import urlpatterns as site_urlpatterns
from pages.models import ServicePage

FLOOR_BODY = b'{"floor": true}'
SERVICE_FIELDS = [
    "summary",
    "description",
    "categories",
    "target_groups",
    "eligibility",
    "access",
    "how_to_access",
    "is_free",
    "cost_description",
    "languages",
    "interpretation_available",
    "delivery",
    "address",
    "latitude",
    "longitude",
    "district",
    "accessibility",
    "phone",
    "email",
    "website",
    "status",
    "last_verified",
]


class ServicesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, for services only, exposing their fields."""

    model = ServicePage

    @classmethod
    def get_body_fields(cls, model):
        return cls._convert_api_fields([*cls.body_fields, *SERVICE_FIELDS])


def floor(request):
    return HttpResponse(FLOOR_BODY, content_type="application/json")


wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("services", ServicesAPIViewSet)

urlpatterns = [
    path("api/v2/", wagtail_api.urls),
    path("bench/floor", floor, name="bench-floor"),
    *site_urlpatterns,
]
