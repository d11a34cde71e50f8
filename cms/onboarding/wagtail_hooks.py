"""Wagtail loads this module: the registrations inbox, its log actions and dashboard panel."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .decisions import APPROVE_ACTION, REJECT_ACTION
from .modeladmin import registrations_admin
from .panels import PendingRegistrationsPanel

registrations_admin.register_with_wagtail()


@hooks.register("register_log_actions")
def register_decision_log_actions(actions):
    actions.register_action(APPROVE_ACTION, _("Approve"), _("Registration approved"))

    @actions.register_action(REJECT_ACTION)
    class RejectionFormatter(LogFormatter):
        label = _("Reject")

        # The registrations' history lists messages only: the reason goes in the message.
        def format_message(self, log_entry):
            return _("Registration rejected: %(reason)s") % {
                "reason": log_entry.data.get("reason", "")
            }


@hooks.register("construct_homepage_panels")
def add_pending_registrations_panel(request, panels):
    panels.append(PendingRegistrationsPanel())
