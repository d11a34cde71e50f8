"""pydantic's validation messages, translated: in the request's language, with the
limits they name."""

import pytest
from django.utils import translation
from ninja.errors import ValidationError
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticError

from cms.api.problems import _field_errors
from tests.cms.onboarding.conftest import application, post_application


class Sample(BaseModel):
    name: str = Field(max_length=5)
    count: int = Field(ge=1)
    tags: list[str] = Field(max_length=2)
    kind: str


def field_errors(data, language):
    try:
        Sample(**data)
    except PydanticError as error:
        errors = ValidationError(error.errors(include_url=False))
    with translation.override(language):
        return {error["field"]: error["message"] for error in _field_errors(errors)}


BAD = {"name": "too long", "count": "many", "tags": ["a", "b", "c"]}


def test_english_messages_keep_their_limits():
    assert field_errors(BAD, "en") == {
        "name": "Enter at most 5 characters.",
        "count": "Enter a whole number.",
        "tags": "Give at most 2 items.",
        "kind": "This field is required.",
    }
    assert field_errors({**BAD, "count": 0}, "en")["count"] == "Enter a value of at least 1."


def test_greek_messages_keep_their_limits():
    assert field_errors(BAD, "el") == {
        "name": "Γράψτε το πολύ 5 χαρακτήρες.",
        "count": "Γράψτε έναν ακέραιο αριθμό.",
        "tags": "Δώστε το πολύ 2 στοιχεία.",
        "kind": "Το πεδίο είναι υποχρεωτικό.",
    }
    assert field_errors({**BAD, "count": 0}, "el")["count"] == "Γράψτε τιμή τουλάχιστον 1."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("el", "Το πεδίο είναι υποχρεωτικό."), ("en", "This field is required.")],
)
def test_the_api_answers_in_the_requests_language(client, language, message):
    response = post_application(client, application(name=None), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 422
    assert {"field": "name", "message": message} in response.json()["errors"]


def test_messages_of_our_own_checks_are_kept():
    """A type the map does not know keeps pydantic's (or our validator's) message."""
    errors = ValidationError(
        [
            {
                "type": "invalid_email",
                "loc": ("body", "payload", "email"),
                "msg": "Δώστε έγκυρο e-mail.",
            }
        ]
    )
    assert _field_errors(errors) == [{"field": "email", "message": "Δώστε έγκυρο e-mail."}]
