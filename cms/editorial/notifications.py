"""Moderation e-mails: Wagtail's own, plus the comment a coordinator leaves when approving.

Wagtail already e-mails, each in the recipient's preferred interface language:
the reviewers (the Coordinators group of the approval task) when a page is submitted,
and the person who submitted it when it is approved, or rejected ("Request changes")
with the coordinator's comment. Its approval e-mail leaves out the comment of
"Approve with comment"; `ApprovalEmailNotifier` takes its place to add it.
"""

from wagtail.admin.mail import WorkflowStateApprovalEmailNotifier
from wagtail.models import WorkflowState
from wagtail.signals import workflow_approved

# The dispatch_uid Wagtail connects its approval notifier with (wagtail.admin.signal_handlers).
WAGTAIL_APPROVAL_NOTIFIER_UID = "workflow_state_approved_email_notification"


class ApprovalEmailNotifier(WorkflowStateApprovalEmailNotifier):
    """Wagtail's approval e-mail with the approving coordinator's comment, if any.

    Its templates (templates/editorial/notifications/) extend Wagtail's, so every
    language Wagtail's catalogues cover stays covered.
    """

    template_directory = "editorial/notifications/"

    def get_context(self, workflow_state, **kwargs):
        context = super().get_context(workflow_state, **kwargs)
        approval = workflow_state.current_task_state
        context["comment"] = approval.specific.get_comment() if approval else ""
        return context


approval_email_notifier = ApprovalEmailNotifier()


def connect():
    """Put `approval_email_notifier` in the place of Wagtail's approval notifier.

    Under Wagtail's own dispatch_uid, whichever app's `ready()` runs first: connecting
    removes Wagtail's receiver if it is already there, and Django ignores Wagtail's later
    connection under a uid that is taken. Either way, one approval e-mail goes out.
    """
    workflow_approved.disconnect(sender=WorkflowState, dispatch_uid=WAGTAIL_APPROVAL_NOTIFIER_UID)
    workflow_approved.connect(
        approval_email_notifier, sender=WorkflowState, dispatch_uid=WAGTAIL_APPROVAL_NOTIFIER_UID
    )
