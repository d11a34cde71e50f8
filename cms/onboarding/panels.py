"""The coordinators' dashboard panel: how many applications wait for a decision."""

from wagtail.admin.ui.components import Component

from .modeladmin import can_see_registrations, pending_registrations_url
from .models import OrganisationRegistration


class PendingRegistrationsPanel(Component):
    name = "pending_registrations"
    template_name = "onboarding/admin/pending_registrations_panel.html"
    # Before Wagtail's own panels: deciding on applications is a coordinator's first task.
    order = 50

    def render_html(self, parent_context=None):
        if not can_see_registrations(parent_context["request"].user):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        return {
            "pending_count": OrganisationRegistration.objects.pending().count(),
            "pending_url": pending_registrations_url(),
        }
