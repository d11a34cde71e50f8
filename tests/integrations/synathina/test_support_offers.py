"""POST /api/v1/synathina/support-offers: synAthina forwards supporters' offers of help.

Signed with the inbound secret, once per Idempotency-Key; every refusal is an RFC 9457
problem and stores nothing; a stored offer is e-mailed to the target organisation's
editors and the coordinators, without the supporter's details.
"""

import copy
import json
import smtplib
import threading
import time
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cms.editorial.roles import coordinators_group, ensure_organisation_editors
from cms.supporters.models import ReceivedSupportOffer
from integrations.synathina.api import MAX_OFFER_BODY_BYTES
from integrations.synathina.models import PartnerApiKey
from pages.models import ActionPage
from tests.cms.onboarding.conftest import make_user
from tests.factories import make_action, make_organisation, make_service, translate_page

from .conftest import _restore_seed
from .standin import signature

URL = reverse("api-v1:synathina_support_offers")
INBOUND_SECRET = "test-inbound-secret"
PROBLEM = "application/problem+json"
SUPPORTER = {
    "name": "Γιώργος Offerman-Zq81",
    "organisation": "Φούρνος της γειτονιάς",
    "email": "giorgos.zq81@example.org",
    "phone": "+30 694 000 8181",
}
MESSAGE = "Μπορώ να φέρνω ψωμί κάθε Σάββατο (Zq81)."
PERSONAL = (*SUPPORTER.values(), MESSAGE, "Zq81")


def offer_body(target, **changes):
    """A valid offer for `target` (an action or service page), with `changes` applied:
    dotted names reach into objects, None removes a field."""
    body = {
        "offer_id": 5001,
        "target": {"type": "action" if isinstance(target, ActionPage) else "service", "id": 0},
        "support_type_ids": [10, 27],
        "message": MESSAGE,
        "supporter": copy.deepcopy(SUPPORTER),
        "consent": True,
    }
    body["target"]["id"] = target.pk
    for name, value in changes.items():
        *parents, last = name.split(".")
        holder = body
        for parent in parents:
            holder = holder[parent]
        if value is None:
            holder.pop(last, None)
        else:
            holder[last] = value
    return body


def signed_headers(body, *, key="key-1", skew=0, timestamp=None, secret=INBOUND_SECRET):
    """Headers signing `body` at now + `skew` seconds (or at `timestamp`, as given)."""
    timestamp = str(int(time.time()) + skew if timestamp is None else timestamp)
    headers = {
        "HTTP_X_SYNATHINA_TIMESTAMP": timestamp,
        "HTTP_X_SYNATHINA_SIGNATURE": signature(secret, timestamp, body),
    }
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return headers


def statements(captured):
    return [query["sql"] for query in captured.captured_queries]


def post_offer(client, body, **signing):
    """POST `body` (a dict, or raw bytes) signed as synAthina signs it."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = signed_headers(data, **signing)
    return client.post(URL, data, content_type="application/json", **headers)


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


def error_fields(body):
    return [error["field"] for error in body.get("errors", [])]


@pytest.fixture
def inbound(settings):
    settings.SYNATHINA_INBOUND_SECRET = INBOUND_SECRET


@pytest.fixture
def organisation(db):
    return make_organisation(title="Κοινωνική Κουζίνα Zeta")


@pytest.fixture
def action(organisation):
    return make_action(organisation, title="Γιορτή γειτονιάς")


def assert_nothing_stored():
    assert ReceivedSupportOffer.objects.exists() is False
    assert mail.outbox == []


# --- Accepted ---------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_a_signed_offer_is_stored_and_answered_201(client, inbound, action, organisation):
    """The offer is stored for the action's organisation; the answer repeats it without
    the supporter's personal data."""
    response = post_offer(client, offer_body(action))

    assert response.status_code == 201, response.content
    offer = ReceivedSupportOffer.objects.get()
    answer = response.json()
    assert answer == {
        "id": offer.pk,
        "offer_id": 5001,
        "target": {"type": "action", "id": action.pk},
        "support_type_ids": [10, 27],
        "received_at": answer["received_at"],
    }
    assert (offer.organisation_id, offer.action_id, offer.service_id) == (
        organisation.pk,
        action.pk,
        None,
    )
    assert (
        offer.supporter_name,
        offer.supporter_organisation,
        offer.supporter_email,
        offer.supporter_phone,
        offer.message,
    ) == (*SUPPORTER.values(), MESSAGE)
    assert sorted(offer.support_types.values_list("synathina_id", flat=True)) == [10, 27]
    assert not [value for value in PERSONAL if value in response.content.decode()]


def test_an_offer_for_a_service_is_stored(client, inbound, organisation):
    service = make_service(organisation)

    response = post_offer(client, offer_body(service, **{"supporter.phone": None}))

    assert response.status_code == 201, response.content
    offer = ReceivedSupportOffer.objects.get()
    assert (offer.service_id, offer.action_id, offer.supporter_phone) == (service.pk, None, "")
    assert response.json()["target"] == {"type": "service", "id": service.pk}


def test_the_same_key_and_body_again_answers_200_with_the_same_offer(client, inbound, action):
    """A retry, even serialised differently (key order, spaces), is the same request."""
    body = offer_body(action)
    first = post_offer(client, body)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2).encode()

    again = post_offer(client, reordered)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert ReceivedSupportOffer.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409(client, inbound, action):
    post_offer(client, offer_body(action))

    response = post_offer(client, offer_body(action, message="Κάτι άλλο"))

    problem(response, 409)
    offer = ReceivedSupportOffer.objects.get()
    assert offer.message == MESSAGE


def test_the_same_offer_under_another_key_is_a_409(client, inbound, action):
    """One row per synAthina offer: a second key for it is a mistake, not a new offer."""
    post_offer(client, offer_body(action), key="key-1")

    response = post_offer(client, offer_body(action), key="key-2")

    problem(response, 409)
    assert ReceivedSupportOffer.objects.count() == 1


def test_storing_takes_a_fixed_number_of_queries_and_a_retry_two(
    client, inbound, action, django_assert_max_num_queries
):
    """Whatever the number of support types: a retry storm costs the database little."""
    # A first offer fills the process caches (content types, locales) that earlier tests
    # may have cleared, so the counts below are the endpoint's own.
    assert post_offer(client, offer_body(action, offer_id=1), key="warm").status_code == 201
    with CaptureQueriesContext(connection) as one_type:
        offer = offer_body(action, offer_id=2, support_type_ids=[10])
        assert post_offer(client, offer, key="one").status_code == 201
    body = offer_body(action, support_type_ids=list(range(2, 14)))
    with CaptureQueriesContext(connection) as twelve_types:
        assert post_offer(client, body).status_code == 201
    # The same count, not a fixed one: what else a request costs (caches this process
    # kept or not, which earlier tests decide) is not the endpoint's doing. The queries
    # are shown if they differ.
    assert len(twelve_types) == len(one_type), "\n".join(
        ["one type:", *statements(one_type), "twelve types:", *statements(twelve_types)]
    )
    with django_assert_max_num_queries(2):
        assert post_offer(client, body).status_code == 200


# --- Refused: the signature and the key ----------------------------------------------------


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "another-secret"},
        {"skew": -301},
        {"skew": 301},
        {"timestamp": "soon"},
        {"timestamp": "9" * 5000},
    ],
    ids=[
        "wrong secret",
        "stale timestamp",
        "future timestamp",
        "malformed timestamp",
        "absurdly long timestamp",
    ],
)
def test_a_bad_signature_or_timestamp_is_a_401(client, inbound, action, signing):
    problem(post_offer(client, offer_body(action), **signing), 401)
    assert_nothing_stored()


def test_a_timestamp_within_five_minutes_is_accepted(client, inbound, action):
    response = post_offer(client, offer_body(action), skew=-290)

    assert response.status_code == 201


def test_a_body_changed_after_signing_is_a_401(client, inbound, action):
    signed = json.dumps(offer_body(action)).encode()
    tampered = json.dumps(offer_body(action, **{"supporter.email": "x@example.org"})).encode()

    response = client.post(URL, tampered, content_type="application/json", **signed_headers(signed))

    problem(response, 401)
    assert_nothing_stored()


def test_an_unsigned_request_is_a_401(client, inbound, action):
    response = client.post(
        URL, offer_body(action), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )

    problem(response, 401)
    assert_nothing_stored()


def test_without_a_configured_secret_offers_are_refused_with_a_503(client, settings, action):
    """Nothing can be verified: synAthina is told to try again later."""
    settings.SYNATHINA_INBOUND_SECRET = ""

    problem(post_offer(client, offer_body(action)), 503)
    assert_nothing_stored()


@pytest.mark.parametrize("key", [None, "", "k" * 256], ids=["missing", "empty", "too long"])
def test_a_missing_or_overlong_idempotency_key_is_a_400(client, inbound, action, key):
    body = problem(post_offer(client, offer_body(action), key=key), 400)

    assert error_fields(body) == ["Idempotency-Key"]
    assert_nothing_stored()


# --- Refused: the body ---------------------------------------------------------------------


def test_a_body_that_is_not_json_is_a_400(client, inbound, action):
    problem(post_offer(client, b'{"offer_id": 5001,'), 400)
    assert_nothing_stored()


def test_an_oversized_body_is_a_413(client, inbound, action):
    body = offer_body(action, message="α" * MAX_OFFER_BODY_BYTES)

    problem(post_offer(client, body), 413)
    assert_nothing_stored()


# name: (changes to a valid offer, the fields the errors name)
INVALID = {
    "consent false": ({"consent": False}, ["consent"]),
    "consent as text": ({"consent": "true"}, ["consent"]),
    "consent missing": ({"consent": None}, ["consent"]),
    "offer id not a number": ({"offer_id": "five"}, ["offer_id"]),
    "offer id zero": ({"offer_id": 0}, ["offer_id"]),
    "target type unknown": ({"target.type": "organisation"}, ["target.type"]),
    "target id missing": ({"target.id": None}, ["target.id"]),
    "support types not a list": ({"support_type_ids": 10}, ["support_type_ids"]),
    "support types empty": ({"support_type_ids": []}, ["support_type_ids"]),
    "support type unknown": ({"support_type_ids": [10, 999]}, ["support_type_ids.1"]),
    "message missing": ({"message": None}, ["message"]),
    "message too long": ({"message": "α" * 5001}, ["message"]),
    "name missing": ({"supporter.name": None}, ["supporter.name"]),
    "name too long": ({"supporter.name": "α" * 201}, ["supporter.name"]),
    "email malformed": ({"supporter.email": "giorgos-at-example"}, ["supporter.email"]),
    "email missing": ({"supporter.email": None}, ["supporter.email"]),
    "phone malformed": ({"supporter.phone": "call me"}, ["supporter.phone"]),
    "unknown field": ({"extra": "?"}, ["extra"]),
    "two bad fields": (
        {"consent": False, "supporter.email": "nope"},
        ["supporter.email", "consent"],
    ),
}


@pytest.mark.parametrize("changes, fields", INVALID.values(), ids=INVALID.keys())
def test_invalid_fields_are_a_422_naming_each(client, inbound, action, changes, fields):
    body = problem(post_offer(client, offer_body(action, **changes)), 422)

    assert sorted(error_fields(body)) == sorted(fields)
    assert all(error["message"] for error in body["errors"])
    assert_nothing_stored()


def test_field_errors_follow_the_request_language(client, inbound, action):
    data = json.dumps(offer_body(action, message=None)).encode()

    messages = {
        language: problem(
            client.post(
                URL,
                data,
                content_type="application/json",
                HTTP_ACCEPT_LANGUAGE=language,
                **signed_headers(data),
            ),
            422,
        )["errors"][0]["message"]
        for language in ("en", "el")
    }

    assert messages["en"] == "This field is required."
    assert messages["el"] != messages["en"]


def test_json_that_is_not_an_object_is_a_422(client, inbound):
    problem(post_offer(client, b"[]"), 422)
    assert_nothing_stored()


# --- Refused: the target ------------------------------------------------------------------


def _draft_action(organisation):
    return make_action(organisation, publish=False)


def _private_action(organisation):
    action = make_action(organisation)
    PageViewRestriction.objects.create(page=action, restriction_type="login")
    return action


def _action_of_an_unapproved_organisation(organisation):
    action = make_action(organisation)
    organisation.unpublish()
    return action


def _partner_action(organisation):
    return make_action(organisation, source=ActionPage.Source.SYNATHINA)


def _unknown_action(organisation):
    action = make_action(organisation)
    action.pk = 2**31 - 1
    return action


def _translation_not_source(organisation):
    return translate_page(make_action(organisation), "en")


@pytest.mark.parametrize(
    "make_target",
    [
        _unknown_action,
        _draft_action,
        _private_action,
        _action_of_an_unapproved_organisation,
        _partner_action,
        _translation_not_source,
    ],
    ids=["unknown", "draft", "private", "unapproved organisation", "partner", "translation"],
)
def test_a_target_the_api_does_not_serve_is_a_404(client, inbound, organisation, make_target):
    target = make_target(organisation)

    body = problem(post_offer(client, offer_body(target)), 404)

    assert error_fields(body) == ["target.id"]
    assert_nothing_stored()


def test_a_service_id_given_as_an_action_is_a_404(client, inbound, organisation):
    service = make_service(organisation)

    problem(post_offer(client, offer_body(service, **{"target.type": "action"})), 404)
    assert_nothing_stored()


# --- Who hears about it --------------------------------------------------------------------


def test_the_organisations_editors_and_the_coordinators_are_emailed(
    client, inbound, organisation, action, django_capture_on_commit_callbacks
):
    """Each once, after the commit; not other organisations' editors or other users; the
    e-mail links to the offer and holds none of the supporter's details."""
    editor = make_user("kitchen-editor", groups=[ensure_organisation_editors(organisation)])
    coordinator = make_user("coordinator", groups=[coordinators_group()])
    both = make_user(
        "editor-and-coordinator",
        groups=[coordinators_group(), ensure_organisation_editors(organisation)],
    )
    make_user("other-editor", groups=[ensure_organisation_editors(make_organisation())])
    make_user("outsider", groups=[Group.objects.get_or_create(name="Nobody")[0]])

    with django_capture_on_commit_callbacks(execute=True):
        response = post_offer(client, offer_body(action))

    assert response.status_code == 201
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [editor.email, coordinator.email, both.email]
    )
    offer = ReceivedSupportOffer.objects.get()
    assert offer.notified_at is not None
    for message in mail.outbox:
        assert "Γιορτή γειτονιάς" in message.subject
        assert f"/admin/supporters/receivedsupportoffer/inspect/{offer.pk}/" in message.body
        assert not [value for value in PERSONAL if value in message.subject + message.body]


def test_a_mail_server_failure_keeps_the_offer(
    client, inbound, organisation, action, django_capture_on_commit_callbacks
):
    make_user("coordinator", groups=[coordinators_group()])

    with (
        mock.patch(
            "django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_offer(client, offer_body(action))

    assert response.status_code == 201
    offer = ReceivedSupportOffer.objects.get()
    assert offer.notified_at is None


def test_a_repeated_offer_emails_nobody_again(
    client, inbound, organisation, action, django_capture_on_commit_callbacks
):
    make_user("coordinator", groups=[coordinators_group()])
    with django_capture_on_commit_callbacks(execute=True):
        post_offer(client, offer_body(action))
        post_offer(client, offer_body(action))

    assert len(mail.outbox) == 1


# --- The OpenAPI document and personal data ------------------------------------------------


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/synathina/support-offers"]["post"]
    assert {"200", "201", "400", "401", "404", "409", "422"} <= set(operation["responses"])
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/SupportOfferIn"}
    offer_in = document["components"]["schemas"]["SupportOfferIn"]
    assert set(offer_in["required"]) >= {
        "offer_id",
        "target",
        "support_type_ids",
        "message",
        "supporter",
        "consent",
    }
    assert "Idempotency-Key" in [parameter["name"] for parameter in operation["parameters"]]
    assert operation["security"] == [{"SignedBySynathina": []}]


def test_a_received_offer_reaches_no_outbound_payload(client, inbound, organisation):
    """The partner feed, the organisation lookup and the public API say nothing of it."""
    shared = make_action(organisation, share_on_synathina=True)
    assert post_offer(client, offer_body(shared)).status_code == 201
    _key, token = PartnerApiKey.issue("synAthina")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    bodies = [
        client.get("/api/v1/synathina/actions", {"lang": "el"}, **auth).content,
        client.get(f"/api/v1/synathina/teams/{organisation.pk}", **auth).content,
        client.get(f"/api/v1/actions/{shared.pk}").content,
        client.get("/api/v1/needs").content,
    ]

    assert str(shared.pk) in bodies[0].decode()
    for body in bodies:
        assert not [value for value in PERSONAL if value in body.decode()]


# --- Over real HTTP, from the stand-in ---------------------------------------------------------


@pytest.fixture
def live_target(seed_restored_after_flush, transactional_db, settings, live_server):
    _restore_seed()
    settings.SYNATHINA_INBOUND_SECRET = INBOUND_SECRET
    return make_action(make_organisation())


def test_the_stand_in_sends_an_offer_over_http_and_retries_it(stand_in, live_target, live_server):
    url = live_server.url + URL
    body = offer_body(live_target)

    first = stand_in.send_support_offer(url, body, secret=INBOUND_SECRET, idempotency_key="s-1")
    retry = stand_in.send_support_offer(url, body, secret=INBOUND_SECRET, idempotency_key="s-1")
    forged = stand_in.send_support_offer(url, body, secret="guess", idempotency_key="s-2")

    assert (first.status_code, retry.status_code, forged.status_code) == (201, 200, 401)
    assert retry.json() == first.json()
    assert ReceivedSupportOffer.objects.count() == 1


def test_simultaneous_requests_with_one_key_store_one_offer(stand_in, live_target, live_server):
    """Eight copies of one offer at once (a retry storm): one 201, the rest 200 with the
    same offer, one row."""
    url = live_server.url + URL
    body = offer_body(live_target)
    start = threading.Barrier(8)
    answers = []

    def send():
        start.wait()
        answers.append(
            stand_in.send_support_offer(url, body, secret=INBOUND_SECRET, idempotency_key="race")
        )

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answer.status_code for answer in answers) == [200] * 7 + [201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert ReceivedSupportOffer.objects.count() == 1


def test_an_error_while_e_mailing_still_answers_201(stand_in, live_target, live_server):
    """The e-mails run after the commit, in the request: a failure there, of any kind,
    is logged and the stored offer is answered as stored (not a 500 synAthina retries)."""
    make_user("coordinator", groups=[coordinators_group()])
    url = live_server.url + URL

    with mock.patch(
        "cms.supporters.emails.received_offer", side_effect=RuntimeError("template broke")
    ):
        response = stand_in.send_support_offer(
            url, offer_body(live_target), secret=INBOUND_SECRET, idempotency_key="e-1"
        )

    assert response.status_code == 201
    offer = ReceivedSupportOffer.objects.get()
    assert offer.notified_at is None
    assert mail.outbox == []
