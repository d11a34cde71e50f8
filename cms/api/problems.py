"""RFC 9457 problem details for every API error, with field-level detail for 4xx."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
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


# Pydantic's messages are English only: its error types, as translatable messages.
# Placeholders are the error's `ctx` values (e.g. the maximum length). Types not listed
# keep pydantic's message; our own checks (PydanticCustomError) are translated already.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s characters."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("Enter a value in the expected format."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter a value of at least %(ge)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter a value of at most %(le)s."),
    "too_short": gettext_lazy("Give at least %(min_length)s items."),
    "too_long": gettext_lazy("Give at most %(max_length)s items."),
    "list_type": gettext_lazy("Enter a list."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
    "literal_error": gettext_lazy("Use one of: %(expected)s."),
    "enum": gettext_lazy("Use one of: %(expected)s."),
    "date_type": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "datetime_type": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "time_type": gettext_lazy("Enter a time (HH:MM)."),
    "time_parsing": gettext_lazy("Enter a time (HH:MM)."),
    "uuid_type": gettext_lazy("Enter a valid UUID."),
    "uuid_parsing": gettext_lazy("Enter a valid UUID."),
    "url_type": gettext_lazy("Enter a valid URL."),
    "url_parsing": gettext_lazy("Enter a valid URL."),
    "url_scheme": gettext_lazy("Enter a valid URL."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "json_type": gettext_lazy("The request body is not valid JSON."),
}


def validation_message(error):
    """The message of one pydantic error, in the active language when its type is known."""
    message = VALIDATION_MESSAGES.get(error.get("type"))
    if message is None:
        return error.get("msg", "")
    context = error.get("ctx") or {}
    try:
        return str(message) % {name: _context_text(value) for name, value in context.items()}
    except (KeyError, TypeError):
        # A context value missing from this error: pydantic's own message says more.
        return error.get("msg", "")


def _context_text(value):
    # pydantic gives `expected` as "'a', 'b' or 'c'": kept as it is.
    return value if isinstance(value, (int, float, str)) else str(value)


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
        errors.append({"field": ".".join(location) or "body", "message": validation_message(error)})
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


class FieldError(Schema):
    field: str
    message: str


class ProblemDetails(Schema):
    """An error's body (RFC 9457), for the OpenAPI document: what every 4xx and 5xx of
    the API carries, as `application/problem+json`."""

    type: str
    title: str
    status: int
    detail: str = ""
    instance: str
    errors: list[FieldError] = []
