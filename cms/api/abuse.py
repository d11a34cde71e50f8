"""Protection of the public write endpoints (registrations, supporters' sign-ups).

Each protection is cheap and runs before any work: the body's declared size (413), the
client's rate (429), and a honeypot field that people never see and bots fill in (400).
"""

from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.throttling import AnonRateThrottle

from .problems import Problem, problem_response

VALIDATION_ERROR = "validation-error"


class SettingRateThrottle(AnonRateThrottle):
    """Requests per client address, at the rate the setting `rate_setting` holds.

    Every request counts, valid or not: a flood of bad requests is what it stops. The
    history lives in Django's cache, a database table shared by every process. The rate
    is read again on each request, so a changed setting applies (as in tests). Subclasses
    set `scope` (each scope counts on its own) and `rate_setting`.
    """

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

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


def refuse_filled_honeypot(value, *, field, title):
    """A 400 problem (titled `title`) when the honeypot `field` holds anything."""
    if value:
        raise Problem(
            400,
            title,
            errors=[{"field": field, "message": _("This field must be left empty.")}],
            problem_type=VALIDATION_ERROR,
        )
