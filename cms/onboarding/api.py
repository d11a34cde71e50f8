"""POST /api/v1/registrations/organisations: an organisation applies to join.

Checks run cheapest first: the body's declared size (413), the client's rate (429),
the JSON itself (400), its shape (422), the honeypot (400), then the slugs (422).
"""

from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.decorators import decorate_view
from ninja.throttling import AnonRateThrottle

from cms.api.problems import Problem, problem_response

from .schemas import RegistrationCreated, RegistrationIn
from .submission import UnknownTerms, submit_registration

MAX_BODY_BYTES = 64 * 1024
VALIDATION_ERROR = "validation-error"

router = Router(tags=["registrations"])


class RegistrationRateThrottle(AnonRateThrottle):
    """Requests per client address, at `settings.REGISTRATION_RATE_LIMIT`.

    Every request counts, valid or not: a flood of bad requests is what it stops. The
    history lives in Django's cache, a database table shared by every process. The rate
    is read again on each request, so a changed setting applies (as in tests).
    """

    scope = "registrations"

    def get_rate(self):
        return settings.REGISTRATION_RATE_LIMIT

    def allow_request(self, request):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def refuse_bodies_over(limit):
    """A `decorate_view` decorator answering 413 before the body is read or parsed.

    The declared length is enough: the server never hands Django more than it (WSGI
    reads at most CONTENT_LENGTH bytes). It wraps the operation's bound `run`, whose
    operation knows the API that renders the problem.
    """

    def decorator(run):
        @wraps(run)
        def run_within_limit(request, *args, **kwargs):
            if declared_length(request) > limit:
                return problem_response(
                    run.__self__.api,
                    request,
                    status=413,
                    title=_("The request body is too large."),
                    detail=_("At most %(limit)d bytes are accepted.") % {"limit": limit},
                )
            return run(request, *args, **kwargs)

        return run_within_limit

    return decorator


def refuse_filled_honeypot(application):
    if application.website_confirmation:
        raise Problem(
            400,
            _("The application could not be accepted."),
            errors=[
                {"field": "website_confirmation", "message": _("This field must be left empty.")}
            ],
            problem_type=VALIDATION_ERROR,
        )


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
    refuse_filled_honeypot(payload)
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
