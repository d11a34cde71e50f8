"""POST /api/v1/registrations/organisations: an organisation applies to join.

Checks run cheapest first: the body's declared size (413), the client's rate (429),
the JSON itself (400), its shape (422), the honeypot (400), then the slugs (422).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.decorators import decorate_view

from cms.api.abuse import (
    VALIDATION_ERROR,
    SettingRateThrottle,
    refuse_bodies_over,
    refuse_filled_honeypot,
)
from cms.api.problems import Problem

from .schemas import RegistrationCreated, RegistrationIn
from .submission import UnknownTerms, submit_registration

MAX_BODY_BYTES = 64 * 1024

router = Router(tags=["registrations"])


class RegistrationRateThrottle(SettingRateThrottle):
    """Applications per client address, at `settings.REGISTRATION_RATE_LIMIT`."""

    scope = "registrations"
    rate_setting = "REGISTRATION_RATE_LIMIT"


@router.post(
    "/organisations",
    response={201: RegistrationCreated},
    throttle=[RegistrationRateThrottle()],
    url_name="register_organisation",
    summary="Apply to join as an organisation",
)
@decorate_view(refuse_bodies_over(MAX_BODY_BYTES))
def register_organisation(request, payload: RegistrationIn):
    """An organisation applies to join the platform; ACCMR's coordinators decide.

    The application waits, pending, until a coordinator approves it (its contact persons
    are then invited to edit the organisation's page) or rejects it (they are told why).
    Errors are RFC 9457 problem details, with `errors: [{field, message}]` for fields.
    """
    refuse_filled_honeypot(
        payload.website_confirmation,
        field="website_confirmation",
        title=_("The application could not be accepted."),
    )
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    try:
        registration = submit_registration(payload, language=language)
    except UnknownTerms as unknown:
        raise Problem(
            422,
            _("The request has invalid fields."),
            errors=[{"field": field, "message": message} for field, message in unknown.errors],
            problem_type=VALIDATION_ERROR,
        ) from None
    return Status(201, {"id": registration.pk, "status": registration.status})
