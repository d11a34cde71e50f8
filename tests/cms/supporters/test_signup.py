"""POST /api/v1/supporters and the double opt-in: what is stored, refused and expired."""

import json
import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cms.supporters.api import MAX_BODY_BYTES
from cms.supporters.models import Supporter
from cms.supporters.signup import confirmation_token
from tests.factories import district, support_type

from .conftest import SIGN_UP_URL, make_supporter, post_sign_up, sign_up_body

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


def error_fields(body):
    return [error["field"] for error in body["errors"]]


def confirm_url_in(message):
    return re.search(r"https?://\S+/supporters/confirm/\S+", message.body).group(0)


def assert_nothing_stored():
    assert Supporter.objects.exists() is False
    assert mail.outbox == []


# --- The accepted path -----------------------------------------------------------------


def test_a_sign_up_is_stored_unconfirmed_and_a_link_is_emailed(client):
    """202; every field kept; the sign-up waits for its confirmation link."""
    response = post_sign_up(client, sign_up_body(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 202
    assert response.json() == {"status": "confirmation-sent"}
    supporter = Supporter.objects.get()
    assert (supporter.kind, supporter.name, supporter.email) == (
        "individual",
        "Ελένη Γεωργίου",
        "eleni@example.org",
    )
    assert set(supporter.support_types.all()) == {support_type(3), support_type(7)}
    assert set(supporter.districts.all()) == {district(1), district(6)}
    assert supporter.availability == "regular"
    assert supporter.contact_consent is True
    assert supporter.privacy_notice_version == "1"
    assert supporter.language == "en"
    assert supporter.is_confirmed is False
    [message] = mail.outbox
    assert message.to == ["eleni@example.org"]
    assert "confirm" in message.subject.lower()


def test_the_link_shows_a_button_and_only_the_button_confirms(client):
    """A GET (as a mail scanner would make) confirms nothing; the POST confirms."""
    post_sign_up(client, sign_up_body(), HTTP_ACCEPT_LANGUAGE="en")
    url = confirm_url_in(mail.outbox[0])

    shown = client.get(url)
    assert shown.status_code == 200
    assert b"<form" in shown.content
    assert Supporter.objects.get().is_confirmed is False

    confirmed = client.post(url)
    assert confirmed.status_code == 200
    assert "Thank you" in confirmed.content.decode()
    assert Supporter.objects.get().is_confirmed is True
    assert Supporter.objects.matchable().count() == 1


def test_the_confirmation_page_speaks_the_supporters_language(client):
    post_sign_up(client, sign_up_body(), HTTP_ACCEPT_LANGUAGE="el")

    page = client.get(confirm_url_in(mail.outbox[0]), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="el"' in page.content.decode()


def test_a_tampered_token_confirms_nothing(client):
    supporter = make_supporter(confirmed=False)
    token = confirmation_token(supporter)
    forged = f"{supporter.pk + 1}:{token.split(':', 1)[1]}"

    response = client.post(f"{SIGN_UP_URL}/confirm/{forged}")

    assert response.status_code == 404
    supporter.refresh_from_db()
    assert supporter.is_confirmed is False


def test_a_link_older_than_thirty_days_no_longer_works(client):
    supporter = make_supporter(confirmed=False)
    token = confirmation_token(supporter)
    later = timezone.now() + timedelta(days=31)

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(f"{SIGN_UP_URL}/confirm/{token}")

    assert response.status_code == 404
    supporter.refresh_from_db()
    assert supporter.is_confirmed is False


# --- Expiry of unconfirmed sign-ups ------------------------------------------------------


def test_unconfirmed_sign_ups_are_deleted_after_thirty_days():
    """The daily command deletes only sign-ups unconfirmed for 30 days."""
    now = timezone.now()
    expired = make_supporter(confirmed=False, signed_up_at=now - timedelta(days=30, minutes=1))
    recent = make_supporter(confirmed=False, signed_up_at=now - timedelta(days=29))
    confirmed_long_ago = make_supporter(signed_up_at=now - timedelta(days=400))

    call_command("delete_unconfirmed_supporters", stdout=StringIO())

    assert set(Supporter.objects.all()) == {recent, confirmed_long_ago}
    assert Supporter.objects.filter(pk=expired.pk).exists() is False


# --- Refusals: each stores nothing and sends nothing ------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"kind": "robot"}, "kind"),
        ({"email": "not-an-address"}, "email"),
        ({"email": None}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"support_types": []}, "support_types"),
        ({"support_types": ["books"]}, "support_types.0"),
        ({"districts": list(range(1, 9))}, "districts"),
        ({"availability": "never"}, "availability"),
        ({"message": "x" * 5001}, "message"),
        ({"contact_consent": False}, "contact_consent"),
        ({"contact_consent": "yes"}, "contact_consent"),
        ({"privacy_notice_version": ""}, "privacy_notice_version"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_invalid_fields_are_refused_field_by_field(client, changes, field):
    body = problem(post_sign_up(client, sign_up_body(**changes)), 422)

    assert field in error_fields(body)
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"support_types": [3, 9999]}, "support_types.1"),
        ({"districts": [1, 8]}, "districts.1"),
        ({"privacy_notice_version": "0.9"}, "privacy_notice_version"),
    ],
)
def test_unknown_terms_and_an_outdated_privacy_notice_are_refused(client, changes, field):
    body = problem(post_sign_up(client, sign_up_body(**changes)), 422)

    assert error_fields(body) == [field]
    assert_nothing_stored()


def test_a_filled_honeypot_is_refused(client):
    body = problem(post_sign_up(client, sign_up_body(website_confirmation="http://spam")), 400)

    assert error_fields(body) == ["website_confirmation"]
    assert_nothing_stored()


def test_broken_json_is_refused(client):
    response = client.post(SIGN_UP_URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert_nothing_stored()


def test_an_oversized_body_is_refused_before_it_is_read(client):
    body = sign_up_body(message="x" * MAX_BODY_BYTES)

    problem(client.post(SIGN_UP_URL, json.dumps(body), content_type="application/json"), 413)
    assert_nothing_stored()


def test_a_flood_of_sign_ups_is_refused(client, settings):
    """Past the limit a client gets 429; bad requests count too; registrations don't."""
    settings.SUPPORTER_SIGNUP_RATE_LIMIT = "2/h"
    statuses = [post_sign_up(client, {}).status_code for _request in range(2)]

    response = post_sign_up(client, sign_up_body())

    assert statuses == [422, 422]
    problem(response, 429)
    assert_nothing_stored()


def test_a_client_stays_counted_while_many_others_are(client, settings):
    """Hundreds of clients' histories in the shared cache do not make it forget one."""
    settings.SUPPORTER_SIGNUP_RATE_LIMIT = "2/h"
    first = {"REMOTE_ADDR": "10.0.0.1"}
    for _request in range(2):
        assert post_sign_up(client, {}, **first).status_code == 422
    for number in range(400):
        other = {"REMOTE_ADDR": f"10.0.{1 + number // 200}.{number % 200}"}
        assert post_sign_up(client, {}, **other).status_code == 422

    problem(post_sign_up(client, sign_up_body(), **first), 429)
    assert_nothing_stored()
