"""`sync_synathina`: pulling synAthina's actions, pushing outstanding notifications, dry runs."""

import io

import pytest
from django.core.management import CommandError, call_command

from integrations.synathina.models import ImportedAction, Notification, PullRun
from pages.models import ActionPage
from tests.factories import make_action, make_organisation

pytestmark = pytest.mark.django_db


def _run(*args, stderr=None):
    out = io.StringIO()
    call_command("sync_synathina", *args, stdout=out, stderr=stderr or io.StringIO())
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


def test_no_option_is_an_error(notifying):
    with pytest.raises(CommandError, match="--pull, --push or both"):
        _run()


@pytest.mark.parametrize("option", ["--push", "--pull"])
def test_either_while_switched_off_is_an_error(settings, option):
    settings.SYNATHINA_ENABLED = False
    with pytest.raises(CommandError, match="switched off"):
        _run(option)
    assert not PullRun.objects.exists()


def test_pull_shows_progress_and_a_summary(feed):
    for action_id in range(9101, 9104):
        feed.action(action_id)
    feed.action(9200, category_id=[2])
    progress = io.StringIO()
    output = _run("--pull", stderr=progress)
    assert output.splitlines()[0] == (
        "Created 3, updated 0, removed 0; 0 unchanged, 0 skipped (problems), "
        "1 outside thematic area 12."
    )
    # Not a terminal: plain lines, the last one at the end.
    assert progress.getvalue().splitlines()[-1] == "Writing actions: 3/3"
    assert ImportedAction.objects.count() == 3


def test_pull_dry_run_reports_and_changes_nothing(feed):
    feed.action(9101)
    output = _run("--pull", "--dry-run")
    assert output.startswith("Would create 1, update 0, remove 0;")
    assert not ImportedAction.objects.exists() and not PullRun.objects.exists()


def test_pull_lists_problems(feed):
    feed.action(9101, date="soon")
    output = _run("--pull")
    assert "1 skipped (problems)" in output
    assert "Problem: el feed, feature 0, action 9101: date: 'soon' is not" in output


def test_a_failed_pull_exits_with_an_error_after_saying_why(feed):
    feed.action(9101)
    feed.stand_in.feed_fault("fail", status=503)
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("sync_synathina", "--pull", stdout=out, stderr=io.StringIO())
    assert "Pull failed, nothing changed: SynathinaRejected: HTTP 503" in out.getvalue()
    assert PullRun.objects.get().outcome == PullRun.Outcome.FAILED


def test_pull_and_push_together(feed):
    feed.action(9101)
    output = _run("--pull", "--push")
    assert output.startswith("Created 1,")
    assert "Queued 0 due notification(s)." in output
    # A partner action is never shared back: no notification.
    assert not Notification.objects.exists()
