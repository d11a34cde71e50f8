"""POST /api/v1/registrations/organisations: what is stored, and what is refused.

Every refusal is an RFC 9457 problem (`application/problem+json`) and stores nothing.
"""

import json

import pytest

from cms.onboarding.api import MAX_BODY_BYTES
from cms.onboarding.models import OrganisationRegistration, RegistrationContact
from tests.factories import category, organisation_type

from .conftest import REGISTER_URL, application, make_registration, post_application

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_nothing_stored():
    assert OrganisationRegistration.objects.exists() is False
    assert RegistrationContact.objects.exists() is False


def problem(response, status):
    """The problem body of a refusal with `status`, after checking its media type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["instance"] == REGISTER_URL
    return body


def error_fields(body):
    return [error["field"] for error in body["errors"]]


# --- Accepted -------------------------------------------------------------------------


def test_a_valid_application_is_stored_as_pending(client):
    """201 with the new registration's id and status; every field is kept as given."""
    response = post_application(client, application())

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    registration = OrganisationRegistration.objects.get()
    assert response.json() == {"id": registration.pk, "status": "pending"}
    assert registration.name == "Δίκτυο Αλληλεγγύης Κυψέλης"
    assert registration.organisation_type == organisation_type("migrant-community")
    assert registration.description.startswith("Μαθήματα ελληνικών")
    assert registration.website == "https://www.solidarity-kypseli.example.org/about"
    assert registration.public_email == "info@solidarity-kypseli.example.org"
    assert registration.public_phone == "+30 210 123 4567"
    assert registration.address == "Φωκίωνος Νέγρη 12, 113 61 Αθήνα"
    assert set(registration.service_categories.all()) == {
        category("education"),
        category("legal-support"),
    }
    assert [(c.name, c.email, c.phone) for c in registration.contacts.all()] == [
        ("Μαρία Παπαδοπούλου", "maria@solidarity-kypseli.example.org", ""),
        ("Amir Rahimi", "amir@example.net", "6900000000"),
    ]
    assert registration.consented_at is not None
    assert registration.possible_duplicate is False
    assert registration.decided_at is None


def test_the_minimum_application_is_accepted(client):
    """Website, public contact details and address are optional; one contact suffices."""
    body = application(website=None, public_email=None, public_phone=None, address=None)
    body["contacts"] = body["contacts"][:1]

    response = post_application(client, body)

    assert response.status_code == 201
    assert OrganisationRegistration.objects.get().website == ""


def test_whitespace_around_values_is_trimmed(client):
    """Leading and trailing spaces go; spaces inside stay."""
    response = post_application(client, application(name="  Ένωση   Κυψέλης  "))

    assert response.status_code == 201
    assert OrganisationRegistration.objects.get().name == "Ένωση   Κυψέλης"


def test_the_applicants_language_is_kept_for_the_emails(client):
    """The Accept-Language of the request decides the language of the e-mails they get."""
    post_application(client, application(), headers={"Accept-Language": "en"})

    assert OrganisationRegistration.objects.get().language == "en"


def test_without_a_language_the_application_is_greek(client):
    """No Accept-Language: the source language, Greek."""
    post_application(client, application())

    assert OrganisationRegistration.objects.get().language == "el"


def test_the_endpoint_is_in_the_openapi_document(client):
    """Partners find the endpoint and its 201 answer in the OpenAPI document."""
    document = client.get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/registrations/organisations"]["post"]
    assert "201" in operation["responses"]


# --- Refused: fields --------------------------------------------------------------------

FOUR_CONTACTS = [{"name": f"Person {n}", "email": f"person{n}@example.org"} for n in range(4)]

# name: (changes to a valid application, the field the error names)
INVALID_FIELDS = {
    "name missing": ({"name": None}, "name"),
    "name empty": ({"name": "   "}, "name"),
    "name not a string": ({"name": 42}, "name"),
    "name too long": ({"name": "α" * 256}, "name"),
    "description missing": ({"description": None}, "description"),
    "description too long": ({"description": "α" * 5001}, "description"),
    "address too long": ({"address": "α" * 256}, "address"),
    "type missing": ({"organisation_type": None}, "organisation_type"),
    "type unknown": ({"organisation_type": "secret-society"}, "organisation_type"),
    "categories missing": ({"service_categories": None}, "service_categories"),
    "categories empty": ({"service_categories": []}, "service_categories"),
    "category unknown": ({"service_categories": ["health", "astrology"]}, "service_categories.1"),
    "subcategory instead of category": (
        {"service_categories": ["mental-health"]},
        "service_categories.0",
    ),
    "public e-mail malformed": ({"public_email": "info-at-example.org"}, "public_email"),
    "website malformed": ({"website": "not a web address"}, "website"),
    "website not http": ({"website": "ftp://files.example.org"}, "website"),
    "website too long": ({"website": "https://example.org/" + "a" * 200}, "website"),
    "phone with letters": ({"public_phone": "call us maybe"}, "public_phone"),
    "phone too short": ({"public_phone": "123"}, "public_phone"),
    "no consent": ({"terms_accepted": False}, "terms_accepted"),
    "consent missing": ({"terms_accepted": None}, "terms_accepted"),
    "consent not a boolean": ({"terms_accepted": "yes"}, "terms_accepted"),
    "no contact persons": ({"contacts": []}, "contacts"),
    "contacts missing": ({"contacts": None}, "contacts"),
    "four contact persons": ({"contacts": FOUR_CONTACTS}, "contacts"),
    "contact e-mail missing": ({"contacts": [{"name": "Μαρία"}]}, "contacts.0.email"),
    "contact e-mail malformed": (
        {"contacts": [{"name": "Μαρία", "email": "maria@"}]},
        "contacts.0.email",
    ),
    "contact e-mail too long for a user name": (
        {"contacts": [{"name": "Μαρία", "email": "m" * 140 + "@example.org"}]},
        "contacts.0.email",
    ),
    "contact name missing": ({"contacts": [{"email": "maria@example.org"}]}, "contacts.0.name"),
    "contact phone malformed": (
        {"contacts": [{"name": "Μαρία", "email": "maria@example.org", "phone": "ring ring"}]},
        "contacts.0.phone",
    ),
    "two contacts with one e-mail": (
        {
            "contacts": [
                {"name": "Μαρία", "email": "maria@example.org"},
                {"name": "Maria", "email": "MARIA@example.org"},
            ]
        },
        "contacts",
    ),
    "unknown field": ({"twitter": "@kypseli"}, "twitter"),
}


@pytest.mark.parametrize(
    ("changes", "field"), INVALID_FIELDS.values(), ids=list(INVALID_FIELDS.keys())
)
def test_an_invalid_field_is_refused_with_its_name(client, changes, field):
    """422, naming the field at fault with a message; nothing is stored."""
    response = post_application(client, application(**changes))

    body = problem(response, 422)
    assert field in error_fields(body)
    assert all(error["message"] for error in body["errors"])
    assert_nothing_stored()


def test_every_invalid_field_is_reported_at_once(client):
    """All field errors come in one answer, not one per try."""
    response = post_application(
        client, application(name=None, public_email="nope", terms_accepted=False)
    )

    body = problem(response, 422)
    assert set(error_fields(body)) == {"name", "public_email", "terms_accepted"}


def test_unknown_slugs_are_all_reported(client):
    """Every unknown slug is named by its position in the list."""
    response = post_application(
        client, application(organisation_type="guild", service_categories=["x", "health", "y"])
    )

    body = problem(response, 422)
    assert error_fields(body) == [
        "organisation_type",
        "service_categories.0",
        "service_categories.2",
    ]


def test_a_subcategory_error_names_its_main_category(client):
    """A subcategory is refused with the main category to give instead."""
    response = post_application(client, application(service_categories=["asylum"]))

    message = problem(response, 422)["errors"][0]["message"]
    assert "legal-support" in message


def test_a_filled_honeypot_is_refused(client):
    """Bots fill in every field: a value in the hidden one is a 400, and nothing is stored."""
    response = post_application(client, application(website_confirmation="https://spam.example"))

    body = problem(response, 400)
    assert error_fields(body) == ["website_confirmation"]
    assert_nothing_stored()


def test_an_empty_honeypot_is_fine(client):
    """An empty honeypot, as a person's form sends it, is accepted."""
    response = post_application(client, application(website_confirmation=""))

    assert response.status_code == 201


# --- Refused: the request itself ------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    ['{"name": "Κυψέλη",', "name=Κυψέλη&terms_accepted=true", "\x00\x01"],
    ids=["truncated JSON", "form data", "binary"],
)
def test_a_body_that_is_not_json_is_refused(client, content):
    """400 for a body that does not parse as JSON; nothing is stored."""
    response = client.post(REGISTER_URL, content, content_type="application/json")

    problem(response, 400)
    assert_nothing_stored()


@pytest.mark.parametrize("content", ["[]", '"an organisation"', "null"])
def test_json_that_is_not_an_object_is_refused(client, content):
    """Valid JSON that is not an object is a 422 field error."""
    response = client.post(REGISTER_URL, content, content_type="application/json")

    problem(response, 422)
    assert_nothing_stored()


def padded_application(size):
    """A valid application, as JSON padded with spaces to `size` bytes."""
    content = json.dumps(application())
    return content + " " * (size - len(content.encode()))


def test_an_oversized_body_is_refused_before_it_is_read(client):
    """413 for a body over the limit, however valid it would otherwise be."""
    content = padded_application(MAX_BODY_BYTES + 1)

    response = client.post(REGISTER_URL, content, content_type="application/json")

    assert problem(response, 413)["detail"]
    assert_nothing_stored()


def test_a_body_just_within_the_limit_is_read(client):
    """Exactly the limit is accepted."""
    content = padded_application(MAX_BODY_BYTES)

    response = client.post(REGISTER_URL, content, content_type="application/json")

    assert response.status_code == 201


def test_other_methods_are_not_allowed(client):
    """The endpoint only accepts POST."""
    assert client.get(REGISTER_URL).status_code == 405
    assert_nothing_stored()


# --- Rate limit -------------------------------------------------------------------------------


@pytest.fixture
def three_per_hour(settings):
    settings.REGISTRATION_RATE_LIMIT = "3/h"


def test_a_flood_of_requests_is_refused(client, three_per_hour):
    """Past the limit a client gets 429 with Retry-After; bad requests count too."""
    statuses = [post_application(client, {}).status_code for _request in range(3)]
    response = post_application(client, application())

    assert statuses == [422, 422, 422]
    problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert_nothing_stored()


def test_the_limit_is_per_client(client, three_per_hour):
    """Another client address has its own allowance."""
    for _request in range(3):
        post_application(client, {}, REMOTE_ADDR="192.0.2.1")

    response = post_application(client, application(), REMOTE_ADDR="192.0.2.2")

    assert response.status_code == 201


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, three_per_hour):
    """With no proxy configured (NUM_PROXIES=0), X-Forwarded-For is not the client."""
    for n in range(3):
        post_application(client, {}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = post_application(client, application(), HTTP_X_FORWARDED_FOR="198.51.100.99")

    problem(response, 429)


# --- Duplicates -------------------------------------------------------------------------------


def test_a_likely_duplicate_is_accepted_and_flagged(client):
    """Deciding stays with the coordinators: the application is stored, with its reasons."""
    earlier = make_registration()

    response = post_application(client, application())

    assert response.status_code == 201
    registration = OrganisationRegistration.objects.get(pk=response.json()["id"])
    assert registration.possible_duplicate is True
    assert {reason["existing_id"] for reason in registration.duplicate_reasons} == {earlier.pk}
