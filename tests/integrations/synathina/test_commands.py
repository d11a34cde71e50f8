"""`sync_synathina`: pushing outstanding notifications, dry runs, and what is not built."""

import io

import pytest
from django.core.management import CommandError, call_command

from integrations.synathina.models import Notification
from pages.models import ActionPage
from tests.factories import make_action, make_organisation

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("sync_synathina", *args, stdout=out)
    return out.getvalue()


def _missed_publication():
    """A shared action made live without its signal: a missed change."""
    action = make_action(make_organisation(), share_on_synathina=True, publish=False)
    ActionPage.objects.filter(pk=action.pk).update(live=True)
    return action


def test_push_records_missed_changes_and_delivers_what_is_due(notifying):
    """On the inline task backend (the embedded default) pushing delivers at once."""
    action = _missed_publication()
    output = _run("--push")
    assert "Recorded 1 missed change(s)." in output
    assert "Queued 1 due notification(s)." in output
    (notification,) = Notification.objects.all()
    assert (notification.action_id, notification.status) == (
        action.pk,
        Notification.Status.DELIVERED,
    )
    assert notifying.accepted_event_ids == [str(notification.event_id)]
    assert "0 pending, 0 dead letter(s), 1 delivered" in output


def test_dry_run_changes_nothing(notifying):
    _missed_publication()
    output = _run("--push", "--dry-run")
    assert "Would record 1 missed change(s)." in output
    assert Notification.objects.count() == 0
    assert notifying.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pull",), "not built yet"),
        ((), "--push"),
    ],
)
def test_pull_and_no_option_are_errors(notifying, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_push_while_switched_off_is_an_error(settings):
    settings.SYNATHINA_ENABLED = False
    with pytest.raises(CommandError, match="switched off"):
        _run("--push")
