"""RFC 9457 problem details for every API error, with field-level detail for 4xx."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(HttpError):
    """An API error with a stable type, a human title and optional field errors."""

    def __init__(self, status, title, *, detail="", errors=None, problem_type="about:blank"):
        super().__init__(status, title)
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.problem_type = problem_type


def problem_response(api, request, *, status, title, detail="", errors=None, problem_type=None):
    body = {
        "type": problem_type or "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _field_errors(validation_error):
    """Pydantic's error locations (`body`, `payload`, `field`, index) as dotted field names."""
    errors = []
    for error in validation_error.errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in {"body", "query", "path", "header", "form"}:
            location = location[1:]
        # ninja names a body schema after its parameter; the client knows it as the body.
        if location[:1] == ["payload"]:
            location = location[1:]
        errors.append({"field": ".".join(location) or "body", "message": error.get("msg", "")})
    return errors


def install_problem_handlers(api):
    @api.exception_handler(ValidationError)
    def invalid_input(request, exc):
        return problem_response(
            api,
            request,
            status=422,
            title=_("The request has invalid fields."),
            errors=_field_errors(exc),
            problem_type="validation-error",
        )

    @api.exception_handler(Problem)
    def known_problem(request, exc):
        return problem_response(
            api,
            request,
            status=exc.status_code,
            title=exc.title,
            detail=exc.detail,
            errors=exc.errors,
            problem_type=exc.problem_type,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return problem_response(api, request, status=exc.status_code, title=str(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return problem_response(api, request, status=401, title=_("Authentication required."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem_response(api, request, status=404, title=_("Not found."))
