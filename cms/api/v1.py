"""The API's assembly: one versioned NinjaAPI under /api/v1/, each app adding its router."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from cms.onboarding.api import router as registrations_router
from cms.supporters.api import needs_router, supporters_router
from integrations.synathina.api import router as synathina_router
from pages.api.actions import router as actions_router
from pages.api.calendar import router as calendar_router
from pages.api.editorial import router as pages_router
from pages.api.map import router as map_router
from pages.api.open_calls import router as open_calls_router
from pages.api.organisations import router as organisations_router
from pages.api.services import router as services_router
from snippets.api import router as taxonomies_router

from .listing import EncodedJSON, SerialisedJSON
from .problems import install_problem_handlers


class APIRenderer(JSONRenderer):
    """JSON, except for bodies the view serialised itself (`SerialisedJSON`, `EncodedJSON`)."""

    def render(self, request, data, *, response_status):
        if isinstance(data, SerialisedJSON):
            return str(data)
        if isinstance(data, EncodedJSON):
            return bytes(data)
        return super().render(request, data, response_status=response_status)


class PublicAPI(NinjaAPI):
    """Read requests (and their problems) may come from any origin: the API is public.

    A simple CORS header on GET and HEAD answers; writes (registrations) stay same-origin.
    """

    def create_response(self, request, *args, **kwargs):
        response = super().create_response(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = "*"
        return response


api = PublicAPI(
    title="ACCMR API",
    version="1",
    description=str(
        _(
            "The ACCMR platform's API: services, organisations and actions for migrants and "
            "refugees in Athens, and organisations' applications to join."
        )
    ),
    urls_namespace="api-v1",
    renderer=APIRenderer(),
)
install_problem_handlers(api)
api.add_router("/registrations/", registrations_router)
api.add_router("/taxonomies/", taxonomies_router)
api.add_router("/services", services_router)
api.add_router("/organisations", organisations_router)
api.add_router("/map", map_router)
api.add_router("/actions", actions_router)
api.add_router("/actions.ics", calendar_router)
api.add_router("/open-calls", open_calls_router)
api.add_router("/pages", pages_router)
api.add_router("/supporters", supporters_router)
api.add_router("/needs", needs_router)
api.add_router("/synathina/", synathina_router)
