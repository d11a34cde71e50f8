"""The API's assembly: one versioned NinjaAPI under /api/v1/, each app adding its router."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from cms.onboarding.api import router as registrations_router

from .problems import install_problem_handlers

api = NinjaAPI(
    title="ACCMR API",
    version="1",
    description=str(
        _(
            "The ACCMR platform's API: services, organisations and actions for migrants and "
            "refugees in Athens, and organisations' applications to join."
        )
    ),
    urls_namespace="api-v1",
)
install_problem_handlers(api)
api.add_router("/registrations/", registrations_router)
