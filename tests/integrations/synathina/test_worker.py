"""Delivery by the real worker process (`db_worker`) to the stand-in, over real HTTP."""

import pytest

from integrations.synathina.models import Notification
from tests.factories import make_action, make_organisation

from .conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_SECONDS = 60


def _status(notification):
    notification.refresh_from_db()
    return notification.status


def test_publishing_delivers_once_despite_failures_and_a_killed_worker(worker_factory, stand_in):
    """synAthina fails twice, then accepts the third attempt but its answer never comes back
    and the worker is SIGKILLed mid-request: after the lease expires, `sync_synathina
    --push` (cron) queues it again, a new worker re-sends the same event_id, and the
    stand-in has accepted exactly one notification."""
    stand_in.fail(503, times=2)
    stand_in.accept_then_hang()
    organisation = make_organisation()
    action = make_action(organisation, share_on_synathina=True)
    (notification,) = Notification.objects.all()
    assert notification.event == Notification.Event.PUBLISHED
    assert notification.action_id == action.pk

    first = worker_factory()
    stand_in.wait_for(lambda s: "fault:hang" in s.outcomes(), WORKER_SECONDS)
    first.kill()
    assert _status(notification) == Notification.Status.PENDING
    assert notification.attempts == 3

    second = worker_factory()
    wait_until(
        lambda: "Queued 1 due" in second.manage("sync_synathina", "--push").stdout,
        WORKER_SECONDS,
        "the notification never became due again",
    )
    wait_until(
        lambda: _status(notification) == Notification.Status.DELIVERED,
        WORKER_SECONDS,
        "the notification was not delivered",
    )
    assert stand_in.outcomes() == ["fault:fail", "fault:fail", "fault:hang", "duplicate"]
    assert stand_in.accepted_event_ids == [str(notification.event_id)]
    assert notification.attempts == 4
    assert all(received.signature_valid for received in stand_in.requests)


def test_unpublishing_and_withdrawing_consent_notify_and_leave_tombstones(
    worker_factory, stand_in, partner
):
    """With the worker running: unpublishing one action and withdrawing consent for
    another each deliver one notification, and the feed shows their tombstones."""
    organisation = make_organisation()
    unpublished = make_action(organisation, share_on_synathina=True)
    withdrawn = make_action(organisation, share_on_synathina=True)
    worker_factory()
    wait_until(lambda: len(stand_in.accepted_event_ids) == 2, WORKER_SECONDS, "not delivered")
    since = Notification.objects.order_by("-modified").first().modified

    unpublished.unpublish()
    withdrawn.share_on_synathina = False
    withdrawn.save_revision().publish()
    wait_until(lambda: len(stand_in.accepted_event_ids) == 4, WORKER_SECONDS, "not delivered")

    events = [(r.payload["event"], r.payload["action_id"]) for r in stand_in.requests]
    assert sorted(events[2:]) == sorted(
        [("action.unpublished", unpublished.pk), ("action.withdrawn", withdrawn.pk)]
    )
    assert stand_in.outcomes() == ["accepted"] * 4
    features = partner.get(
        "/api/v1/synathina/actions", {"modified_since": since.isoformat()}
    ).json()["features"]
    assert {(item["action_id"], item.get("deleted")) for item in features} == {
        (unpublished.pk, True),
        (withdrawn.pk, True),
    }
