"""Query parameters: an unknown one is a 400 problem, not silently ignored.

ninja ignores query parameters an operation does not declare, so a misspelt filter
would quietly return everything; each public endpoint lists the ones it accepts.
"""

from django.utils.translation import gettext as _

from .language import LANG_PARAM
from .problems import Problem


def reject_unknown_params(request, allowed=()):
    """Raise a 400 problem naming each query parameter not in `allowed` (or `lang`)."""
    known = {LANG_PARAM, *allowed}
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise Problem(
            400,
            _("Unknown query parameters."),
            errors=[{"field": name, "message": _("Unknown query parameter.")} for name in unknown],
            problem_type="validation-error",
        )
