"""The moderation workflow, through the admin: submit, review, e-mails, scheduling.

An organisation editor submits; a coordinator (the Coordinators group reviews the
workflow's one task) requests changes with a comment or approves; the editor hears of
it by e-mail in their own interface language; only approval makes the change live.
"""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext, override
from wagtail.models import Page, Revision, TaskState, WorkflowState

from cms.editorial.roles import ensure_coordinators, find_organisation_editors
from cms.editorial.workflows import MODERATION_WORKFLOW, install_moderation
from tests.factories import make_open_call, make_organisation

from .backoffice import edit_url, logged_in, member, page_form, workflow_action_url

pytestmark = pytest.mark.django_db

REJECTED_SUBJECT = 'The page "%(title)s" has been rejected during "%(workflow)s".'
APPROVED_SUBJECT = 'The page "%(title)s" has been approved in "%(workflow)s".'
COMMENT_LINE = 'The following comment was left: "%(comment)s"'


def in_language(language, message, **values):
    """`message` as the recipient reads it: translated into `language`, then filled in."""
    with override(language):
        return gettext(message) % values


@pytest.fixture
def call(site_tree):
    """A live open call of an organisation, with the roles and workflow installed."""
    install_moderation()
    organisation = make_organisation(title="Οργάνωση Α")
    return make_open_call(organisation, title="Ζητούνται εθελοντές")


@pytest.fixture
def coordinator(call):
    return member("coordinator", ensure_coordinators(), language="el")


def editor_of(page, language="el"):
    organisation = page.get_parent()
    return member(f"editor-{language}", find_organisation_editors(organisation), language=language)


def post_page_form(client, page, *, title, action=None, **fields):
    """Post the page's edit form back with a new title (and `fields`), as that user sees it."""
    data = page_form(client, edit_url(page))
    data["title"] = title
    data.update(fields)
    if action:
        data[action] = action
    return client.post(edit_url(page), data)


def review(client, page, action, comment=""):
    return client.post(workflow_action_url(page, action), {"comment": comment})


def reread(page):
    return Page.objects.get(pk=page.pk).specific


def live_title(page):
    return Page.objects.get(pk=page.pk).title


def move_go_live_date_to_the_past(revision):
    """As if the clock had moved past the scheduled revision's go-live date."""
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    revision.content["go_live_at"] = an_hour_ago.isoformat()
    revision.approved_go_live_at = an_hour_ago
    revision.save(update_fields=["content", "approved_go_live_at"])


def mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.mark.parametrize("language", ["el", "fr"])
def test_submit_reject_resubmit_approve_round_trip(call, coordinator, language):
    """Submit → request changes with a comment → edit → resubmit → approve with a comment.

    Coordinators are e-mailed each submission; the editor is e-mailed the rejection and
    the approval, each with the coordinator's comment and in the editor's interface
    language; the page stays as it was until approval publishes the resubmitted draft.
    """
    editor = editor_of(call, language)
    as_editor, as_coordinator = logged_in(editor), logged_in(coordinator)
    workflow = MODERATION_WORKFLOW

    response = post_page_form(as_editor, call, title="Πρώτο προσχέδιο", action="action-submit")
    assert response.status_code == 302
    assert reread(call).current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert len(mails_to(coordinator)) == 1
    assert live_title(call) == "Ζητούνται εθελοντές"

    response = review(as_coordinator, call, "reject", comment="Προσθέστε την προθεσμία.")
    assert response.status_code == 302
    assert reread(call).current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    [rejection] = mails_to(editor)
    assert rejection.subject == in_language(
        language, REJECTED_SUBJECT, title="Πρώτο προσχέδιο", workflow=workflow
    )
    assert in_language(language, COMMENT_LINE, comment="Προσθέστε την προθεσμία.") in rejection.body

    response = post_page_form(as_editor, call, title="Δεύτερο προσχέδιο", action="action-submit")
    assert response.status_code == 302
    assert reread(call).current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert len(mails_to(coordinator)) == 2
    assert live_title(call) == "Ζητούνται εθελοντές"

    response = review(as_coordinator, call, "approve", comment="Ευχαριστούμε!")
    assert response.status_code == 302
    assert live_title(call) == "Δεύτερο προσχέδιο"
    assert reread(call).workflow_in_progress is False
    [_rejection, approval] = mails_to(editor)
    assert approval.subject == in_language(
        language, APPROVED_SUBJECT, title="Δεύτερο προσχέδιο", workflow=workflow
    )
    assert in_language(language, COMMENT_LINE, comment="Ευχαριστούμε!") in approval.body


def test_french_e_mails_are_not_english(call, coordinator):
    """The language check above is not vacuous: French and English subjects differ."""
    values = {"title": "T", "workflow": MODERATION_WORKFLOW}
    assert in_language("fr", APPROVED_SUBJECT, **values) != in_language(
        "en", APPROVED_SUBJECT, **values
    )


def test_approval_without_comment_sends_one_plain_e_mail(call, coordinator):
    """Approving without a comment sends the editor one approval e-mail, with no comment line."""
    editor = editor_of(call, "en")
    post_page_form(logged_in(editor), call, title="Προσχέδιο", action="action-submit")

    review(logged_in(coordinator), call, "approve")

    [approval] = mails_to(editor)
    assert "The following comment was left" not in approval.body
    assert approval.subject == in_language(
        "en", APPROVED_SUBJECT, title="Προσχέδιο", workflow=MODERATION_WORKFLOW
    )


def test_html_approval_e_mail_carries_the_comment_too(call, coordinator, settings):
    """With HTML notifications on, the HTML part of the approval e-mail has the comment."""
    settings.WAGTAILADMIN_NOTIFICATION_USE_HTML = True
    editor = editor_of(call, "en")
    post_page_form(logged_in(editor), call, title="Προσχέδιο", action="action-submit")

    review(logged_in(coordinator), call, "approve", comment="Well done & thanks")

    [approval] = mails_to(editor)
    [(html, _mimetype)] = approval.alternatives
    assert "Well done &amp; thanks" in html


def test_submissions_are_e_mailed_to_the_coordinators_only(call, coordinator):
    """The reviewers (Coordinators) hear of a submission; superusers are not copied."""
    superuser = get_user_model().objects.create_superuser("admin", "admin@example.org")
    editor = editor_of(call)

    post_page_form(logged_in(editor), call, title="Προσχέδιο", action="action-submit")

    assert len(mails_to(coordinator)) == 1
    assert mails_to(superuser) == []


def test_an_edit_during_review_needs_its_own_approval(call, coordinator):
    """While a page awaits review its editor cannot change it; a coordinator can, and then
    approving the submitted version does not publish: the review restarts on the edit,
    and only a second approval publishes it."""
    editor = editor_of(call)
    as_editor, as_coordinator = logged_in(editor), logged_in(coordinator)
    post_page_form(as_editor, call, title="Υποβλήθηκε", action="action-submit")
    revisions = Revision.page_revisions.filter(object_id=str(call.pk)).count()

    post_page_form(as_editor, call, title="Αλλαγή κατά τον έλεγχο")
    assert Revision.page_revisions.filter(object_id=str(call.pk)).count() == revisions

    post_page_form(as_coordinator, call, title="Διόρθωση συντονιστή")
    review(as_coordinator, call, "approve")
    assert live_title(call) == "Ζητούνται εθελοντές"
    assert reread(call).current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert TaskState.objects.filter(workflow_state__object_id=str(call.pk)).count() == 2

    review(as_coordinator, call, "approve")
    assert live_title(call) == "Διόρθωση συντονιστή"


def test_dashboard_shows_coordinators_what_awaits_their_review(call, coordinator):
    """Coordinators see the submitted page under "Awaiting your review"; its editor sees it
    among their pages in a workflow, not as theirs to review."""
    editor = editor_of(call)
    post_page_form(logged_in(editor), call, title="Προς έλεγχο", action="action-submit")

    coordinator_dashboard = logged_in(coordinator).get("/admin/").content.decode()
    editor_dashboard = logged_in(editor).get("/admin/").content.decode()

    assert 'id="awaiting-review-section"' in coordinator_dashboard
    assert "Προς έλεγχο" in coordinator_dashboard
    assert 'id="awaiting-review-section"' not in editor_dashboard
    assert 'id="objects-in-workflow-section"' in editor_dashboard


def test_approved_page_with_a_publishing_date_goes_live_with_publish_scheduled(call, coordinator):
    """An approved page whose go-live date is still ahead waits; once the date has passed,
    `publish_scheduled` (run from cron) publishes it."""
    editor = editor_of(call)
    in_an_hour = timezone.localtime() + datetime.timedelta(hours=1)
    post_page_form(
        logged_in(editor),
        call,
        title="Προγραμματισμένη",
        action="action-submit",
        go_live_at=in_an_hour.strftime("%Y-%m-%d %H:%M"),
    )
    review(logged_in(coordinator), call, "approve")
    assert live_title(call) == "Ζητούνται εθελοντές"
    scheduled = Revision.page_revisions.get(
        object_id=str(call.pk), approved_go_live_at__isnull=False
    )

    move_go_live_date_to_the_past(scheduled)
    call_command("publish_scheduled", stdout=StringIO())

    assert live_title(call) == "Προγραμματισμένη"
