"""Delivering one notification to the stand-in over real HTTP: signatures, faults,
backoff, dead letters and retries."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from integrations.synathina.delivery import (
    Outcome,
    backoff_seconds,
    deliver,
    requeue_due,
    retry_dead_letter,
)
from integrations.synathina.models import Notification

from .conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(notifying):
    return Notification.objects.create(
        event=Notification.Event.PUBLISHED, action_id=42, modified=timezone.now()
    )


def _reload(notification):
    notification.refresh_from_db()
    return notification


def _make_due(notification):
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())


def test_a_notification_is_signed_and_carries_the_contract_fields_only(notification, stand_in):
    assert deliver(notification.pk) == Outcome.DELIVERED
    (received,) = stand_in.requests
    assert received.outcome == "accepted"
    assert received.payload == {
        "event_id": str(notification.event_id),
        "event": "action.published",
        "action_id": 42,
        "modified": notification.modified.isoformat(),
    }
    timestamp = received.headers["X-ACCMR-Timestamp"]
    expected = hmac.new(
        WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + received.body, hashlib.sha256
    ).hexdigest()
    assert received.headers["X-ACCMR-Signature"] == f"sha256={expected}"
    assert json.loads(received.body) == received.payload
    notification = _reload(notification)
    assert notification.status == Notification.Status.DELIVERED
    assert notification.attempts == 1
    assert notification.delivered_at is not None
    # Delivered is final: another task for it sends nothing.
    assert deliver(notification.pk) == Outcome.NOT_DUE
    assert len(stand_in.requests) == 1


def test_a_wrong_secret_is_refused_by_the_receiver(notification, stand_in, settings):
    settings.SYNATHINA_WEBHOOK_SECRET = "not-the-shared-secret"
    assert deliver(notification.pk) == Outcome.RETRY
    assert stand_in.outcomes() == ["rejected"]
    assert "401" in _reload(notification).last_error


@pytest.mark.parametrize(
    ("inject", "error"),
    [
        (lambda s: s.fail(500), "HTTP 500"),
        (lambda s: s.fail(503), "HTTP 503"),
        (lambda s: s.hang(), "Timeout"),
        (lambda s: s.reset(), "ConnectionError"),
    ],
)
def test_a_failure_is_retried_later_with_backoff(notification, stand_in, settings, inject, error):
    """5xx, a timeout, a reset connection: the notification waits for its next attempt."""
    settings.SYNATHINA_TIMEOUT_SECONDS = 0.5
    settings.SYNATHINA_RETRY_BASE_SECONDS = 60
    settings.SYNATHINA_RETRY_MAX_SECONDS = 600
    inject(stand_in)
    before = timezone.now()
    assert deliver(notification.pk) == Outcome.RETRY
    notification = _reload(notification)
    assert notification.status == Notification.Status.PENDING
    assert error in notification.last_error
    assert notification.locked_until is None
    wait = (notification.next_attempt_at - before).total_seconds()
    assert 30 <= wait <= 61
    # Not due yet: a task that runs early sends nothing.
    assert deliver(notification.pk) == Outcome.NOT_DUE
    _make_due(notification)
    assert deliver(notification.pk) == Outcome.DELIVERED
    assert stand_in.accepted_event_ids == [str(notification.event_id)]


def test_a_slow_answer_within_the_timeout_is_a_delivery(notification, stand_in):
    stand_in.delay(0.5)
    assert deliver(notification.pk) == Outcome.DELIVERED


def test_a_lost_answer_is_resent_and_deduplicated_by_the_receiver(notification, stand_in):
    """synAthina stored it but the connection dropped before its answer: ACCMR sends it
    again with the same event_id; the receiver accepts it once."""
    stand_in.accept_then_reset()
    assert deliver(notification.pk) == Outcome.RETRY
    _make_due(notification)
    assert deliver(notification.pk) == Outcome.DELIVERED
    assert stand_in.outcomes() == ["fault:reset", "duplicate"]
    assert stand_in.accepted_event_ids == [str(notification.event_id)]


def test_a_notification_being_delivered_is_not_sent_by_another_worker(notification, stand_in):
    """Claimed with a lease: until it expires, nobody else sends it."""
    Notification.objects.filter(pk=notification.pk).update(
        locked_until=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert deliver(notification.pk) == Outcome.NOT_DUE
    assert requeue_due() == 0
    Notification.objects.filter(pk=notification.pk).update(
        locked_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert deliver(notification.pk) == Outcome.DELIVERED
    assert stand_in.outcomes() == ["accepted"]


def test_after_the_last_attempt_it_is_a_dead_letter_until_retried(notification, stand_in, settings):
    settings.SYNATHINA_MAX_ATTEMPTS = 3
    stand_in.fail(503, times=3)
    for _attempt in range(2):
        assert deliver(notification.pk) == Outcome.RETRY
        _make_due(notification)
    assert deliver(notification.pk) == Outcome.DEAD
    notification = _reload(notification)
    assert notification.status == Notification.Status.DEAD
    assert notification.attempts == 3
    assert requeue_due() == 0
    assert retry_dead_letter(notification) is True
    notification = _reload(notification)
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 0)
    assert deliver(notification.pk) == Outcome.DELIVERED
    assert retry_dead_letter(notification) is False


def test_nothing_is_sent_while_switched_off(notification, stand_in, settings):
    settings.SYNATHINA_ENABLED = False
    assert deliver(notification.pk) == Outcome.DISABLED
    assert stand_in.requests == []
    assert _reload(notification).attempts == 0


@pytest.mark.parametrize("attempts", [1, 2, 5, 30])
def test_backoff_doubles_with_jitter_up_to_the_maximum(settings, attempts):
    settings.SYNATHINA_RETRY_BASE_SECONDS = 30
    settings.SYNATHINA_RETRY_MAX_SECONDS = 3600
    ceiling = min(3600, 30 * 2 ** (attempts - 1))
    waits = {backoff_seconds(attempts) for _ in range(50)}
    assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
    assert len(waits) > 1
