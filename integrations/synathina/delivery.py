"""Delivering one outbox notification: claim it, send it, record what happened.

At least once: a notification is claimed for `SYNATHINA_DELIVERY_LEASE_SECONDS` with a
conditional UPDATE (one worker wins, on any database), sent, then marked. A worker that
dies mid-delivery leaves the claim to expire; the notification is then sent again with
the same `event_id`, which synAthina deduplicates. A failure waits an exponentially
growing, jittered delay; after `SYNATHINA_MAX_ATTEMPTS` the notification is a dead
letter until a coordinator retries it.
"""

import datetime
import enum
import random

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .client import SynathinaClient, SynathinaError
from .models import Notification


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"
    NOT_DUE = "not due"  # delivered, dead, leased by another worker, or not due yet
    DISABLED = "disabled"


def backoff_seconds(attempts):
    """The wait after the `attempts`-th failure: base·2^(attempts-1), capped, with half of
    it random so that many notifications failing together do not retry together."""
    ceiling = min(
        settings.SYNATHINA_RETRY_MAX_SECONDS,
        settings.SYNATHINA_RETRY_BASE_SECONDS * 2 ** (attempts - 1),
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # jitter, not a secret


def due(now=None):
    """Pending notifications that may be sent now: due, and not claimed by a live worker."""
    now = now or timezone.now()
    return Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))


def _claim(notification_id, now):
    lease = datetime.timedelta(seconds=settings.SYNATHINA_DELIVERY_LEASE_SECONDS)
    return (
        due(now)
        .filter(pk=notification_id)
        .update(attempts=F("attempts") + 1, locked_until=now + lease, last_attempt_at=now)
    )


def deliver(notification_id):
    """Try to deliver one notification; returns the Outcome."""
    client = SynathinaClient()
    if not client.enabled:
        return Outcome.DISABLED
    now = timezone.now()
    if not _claim(notification_id, now):
        return Outcome.NOT_DUE
    notification = Notification.objects.get(pk=notification_id)
    try:
        client.send_notification(notification.payload())
    except SynathinaError as error:
        return _record_failure(notification, str(error))
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.DELIVERED,
        delivered_at=timezone.now(),
        locked_until=None,
        last_error="",
    )
    return Outcome.DELIVERED


def _record_failure(notification, message):
    now = timezone.now()
    if notification.attempts >= settings.SYNATHINA_MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.DEAD, locked_until=None, last_error=message
        )
        return Outcome.DEAD
    next_attempt_at = now + datetime.timedelta(seconds=backoff_seconds(notification.attempts))
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=next_attempt_at, locked_until=None, last_error=message
    )
    schedule_retry(notification.pk, next_attempt_at)
    return Outcome.RETRY


def schedule_retry(notification_id, run_after):
    """Queue the next attempt for `run_after`, where the task backend can defer; otherwise
    (the embedded inline backend) `sync_synathina --push` picks it up when due."""
    from .tasks import deliver_notification

    if deliver_notification.get_backend().supports_defer:
        deliver_notification.using(run_after=run_after).enqueue(notification_id)


def requeue_due():
    """Queue a delivery for every due notification; returns how many.

    A notification queued twice is harmless: whichever task claims it first sends it, the
    other finds nothing due.
    """
    from .tasks import deliver_notification

    ids = list(due().values_list("pk", flat=True))
    for notification_id in ids:
        deliver_notification.enqueue(notification_id)
    return len(ids)


@transaction.atomic
def retry_dead_letter(notification):
    """Give a dead letter a fresh series of attempts (a coordinator's "Retry")."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.DEAD
    ).update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        from .sharing import queue_delivery

        queue_delivery(notification.pk)
    return bool(updated)
