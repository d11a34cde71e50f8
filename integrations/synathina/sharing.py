"""Which ACCMR actions are shared with synAthina, and the notifications their changes make.

An action is shared while its Greek page is live and public, its organisation is live
(approved), it is ACCMR's own (not a partner action imported from synAthina) and the
organisation consented (`share_on_synathina`). `refresh_action` compares that with the
record (`SharedAction`) and, when something changed, updates the record and writes an
outbox row, in the caller's transaction: the change and its notification commit together.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cms.api.listing import live_sources
from pages.models import ActionPage

from .models import Notification, SharedAction


def shareable_actions():
    """The Greek action pages that are shared now (see the module docstring)."""
    return live_sources(ActionPage).filter(share_on_synathina=True, source=ActionPage.Source.ACCMR)


def source_action_id(page):
    """The Greek page id of an action page in any locale, or None if there is none."""
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page.pk
    return (
        ActionPage.objects.filter(
            translation_key=page.translation_key,
            locale__language_code=settings.LANGUAGE_CODE,
        )
        .values_list("pk", flat=True)
        .first()
    )


def _withdrawal_event(action_id, deleting):
    page = None if deleting else ActionPage.objects.filter(pk=action_id).first()
    if page is None:
        return Notification.Event.DELETED
    if page.live and not page.share_on_synathina:
        return Notification.Event.WITHDRAWN
    return Notification.Event.UNPUBLISHED


def refresh_action(action_id, *, deleting=False):
    """Bring the record of one action up to date; returns the notification written, if any.

    Shared now and before: changed. Shared now only: published. Shared before only:
    withdrawn, unpublished or deleted, and the record becomes a tombstone. `deleting`
    says the action's Greek page is being deleted (its row may still be there: Django
    sends `post_delete` for each table of the page as it goes).
    """
    with transaction.atomic():
        record = SharedAction.objects.select_for_update().filter(action_id=action_id).first()
        shared_now = not deleting and shareable_actions().filter(pk=action_id).exists()
        shared_before = record is not None and record.shared
        if not shared_now and not shared_before:
            return None
        now = timezone.now()
        if shared_now:
            event = Notification.Event.CHANGED if shared_before else Notification.Event.PUBLISHED
        else:
            event = _withdrawal_event(action_id, deleting)
        SharedAction.objects.update_or_create(
            action_id=action_id, defaults={"shared": shared_now, "modified": now}
        )
        return record_notification(event, action_id, now)


def record_notification(event, action_id, modified):
    """Write an outbox row (when notifications are on) and queue its delivery after commit."""
    if not settings.SYNATHINA_ENABLED:
        return None
    notification = Notification.objects.create(event=event, action_id=action_id, modified=modified)
    queue_delivery(notification.pk)
    return notification


def queue_delivery(notification_id):
    """Queue the delivery task once the current transaction commits (at once outside one)."""
    from .tasks import deliver_notification

    transaction.on_commit(lambda: deliver_notification.enqueue(notification_id), robust=True)


def out_of_step():
    """Ids of actions whose record disagrees with the pages: shared but not recorded as
    shared, or recorded as shared but no longer shared."""
    shared_now = set(shareable_actions().values_list("pk", flat=True))
    recorded = set(SharedAction.objects.filter(shared=True).values_list("action_id", flat=True))
    return sorted(shared_now ^ recorded)


def reconcile():
    """Refresh every action that is out of step; returns the notifications written.

    The safety net for changes whose signal never ran: Wagtail's direct publish and
    unpublish are not atomic, so a crash between a page's save and its signal, or content
    changed outside Wagtail's actions, would otherwise go unnoticed.
    """
    notifications = (refresh_action(action_id) for action_id in out_of_step())
    return [notification for notification in notifications if notification is not None]
