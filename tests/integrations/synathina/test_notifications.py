"""Which changes write a change notification, and that it commits with the change."""

import pytest
from django.db import transaction

from integrations.synathina.models import Notification, SharedAction
from integrations.synathina.sharing import reconcile
from tests.factories import make_action, make_organisation, translate_page

pytestmark = pytest.mark.django_db

Event = Notification.Event


def _events(action_id):
    return list(
        Notification.objects.filter(action_id=action_id)
        .order_by("id")
        .values_list("event", flat=True)
    )


def test_each_change_of_a_shared_action_writes_its_event(notifying):
    """Published, changed (also by its translation), withdrawn, published again,
    unpublished, deleted: one notification each, in order."""
    organisation = make_organisation()
    translate_page(organisation, "en")
    action = make_action(organisation, share_on_synathina=True)
    action.title = "Άλλος τίτλος"
    action.save_revision().publish()
    translate_page(action, "en", title="Other title")
    action.share_on_synathina = False
    action.save_revision().publish()
    action.share_on_synathina = True
    action.save_revision().publish()
    action.unpublish()
    action_id = action.pk
    action.delete()
    assert _events(action_id) == [
        Event.PUBLISHED,
        Event.CHANGED,
        Event.CHANGED,
        Event.WITHDRAWN,
        Event.PUBLISHED,
        Event.UNPUBLISHED,
    ]
    # Deleting an action that was no longer shared needs no notification; deleting a
    # shared one does.
    shared = make_action(organisation, share_on_synathina=True)
    shared_id = shared.pk
    shared.delete()
    assert _events(shared_id) == [Event.PUBLISHED, Event.DELETED]
    assert SharedAction.objects.get(action_id=shared_id).shared is False


def test_an_organisations_approval_and_withdrawal_move_its_actions(notifying):
    organisation = make_organisation(publish=False)
    action = make_action(organisation, share_on_synathina=True)
    assert _events(action.pk) == []
    organisation.save_revision().publish()
    organisation.refresh_from_db()
    organisation.unpublish()
    assert _events(action.pk) == [Event.PUBLISHED, Event.UNPUBLISHED]


def test_actions_never_shared_write_nothing(notifying):
    organisation = make_organisation()
    plain = make_action(organisation)
    plain.unpublish()
    make_action(organisation, share_on_synathina=True, publish=False)
    partner = make_action(organisation, share_on_synathina=True, source="synathina")
    partner.delete()
    assert Notification.objects.count() == 0
    assert SharedAction.objects.count() == 0


def test_the_notification_commits_or_rolls_back_with_the_change(notifying):
    """Written in the publishing transaction: a publish rolled back leaves no
    notification and no record behind."""
    organisation = make_organisation()
    action = make_action(organisation, share_on_synathina=True, publish=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        action.save_revision().publish()
        assert _events(action.pk) == [Event.PUBLISHED]
        raise RuntimeError("the publish fails after the signal")
    assert _events(action.pk) == []
    assert not SharedAction.objects.filter(action_id=action.pk).exists()


def test_when_notifications_are_off_records_are_kept_but_nothing_is_written(settings):
    """The feed's tombstones need the record whether or not notifications are on."""
    settings.SYNATHINA_ENABLED = False
    action = make_action(make_organisation(), share_on_synathina=True)
    action.unpublish()
    assert Notification.objects.count() == 0
    assert SharedAction.objects.get(action_id=action.pk).shared is False


def test_reconcile_catches_a_change_whose_signal_never_ran(notifying):
    """A page made live without Wagtail's signal (e.g. a crash before it ran) is found and
    notified by `reconcile` (run by `sync_synathina --push`)."""
    organisation = make_organisation()
    action = make_action(organisation, share_on_synathina=True, publish=False)
    type(action).objects.filter(pk=action.pk).update(live=True)
    assert _events(action.pk) == []
    (notification,) = reconcile()
    assert (notification.event, notification.action_id) == (Event.PUBLISHED, action.pk)
    assert reconcile() == []
