"""The coordinators' inbox of applications, on wagtail-modeladmin.

Everything modeladmin-specific lives in this module, so that it can be swapped for
Wagtail's own `ModelViewSet` without touching the rest of the app. Applications are
read-only here: coordinators inspect them, then approve or reject them (and, once
approved, can invite the contact persons again).
"""

import logging
import smtplib

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import HistoryView, InspectView, InstanceSpecificView

from cms.modeladmin_actions import ActionViewsMixin

from .decisions import (
    RegistrationAlreadyDecided,
    approve_registration,
    reject_registration,
    resend_invitations,
)
from .duplicates import describe
from .models import OrganisationRegistration

logger = logging.getLogger(__name__)

DECIDE_CODENAME = "decide_registration"
MAX_REASON_LENGTH = 2000
# What the SMTP backend raises when it cannot deliver (a refused connection is an OSError).
EMAIL_ERRORS = (smtplib.SMTPException, OSError)


class RegistrationPermissionHelper(PermissionHelper):
    """Listing and inspecting need any registration permission; nobody adds or edits
    (applications are the applicant's words); approved ones are kept as the record."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return obj.status != obj.Status.APPROVED and super().user_can_delete_obj(user, obj)

    def user_may_decide(self, user):
        return self.user_has_specific_permission(user, DECIDE_CODENAME)

    def user_can_decide(self, user, obj):
        return obj.is_pending and self.user_may_decide(user)


class RegistrationButtonHelper(ButtonHelper):
    def decision_button(self, action, label, obj, classnames):
        return {
            "url": self.url_helper.get_action_url(action, quote(obj.pk)),
            "label": label,
            "classname": self.finalise_classname(classnames),
            "title": label,
        }

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, **kwargs):
        buttons = super().get_buttons_for_obj(
            obj, exclude=exclude, classnames_add=classnames_add, **kwargs
        )
        if self.permission_helper.user_can_decide(self.request.user, obj):
            extra = list(classnames_add or [])
            buttons = [
                self.decision_button("approve", gettext("Approve"), obj, extra),
                self.decision_button("reject", gettext("Reject"), obj, [*extra, "no"]),
                *buttons,
            ]
        return buttons


class RegistrationInspectView(InspectView):
    """Everything an application holds, with its contact persons and duplicate reasons."""

    def get_field_display_value(self, field_name, field=None):
        registration = self.instance
        if field_name == "organisation" and registration.organisation_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("wagtailadmin_pages:edit", args=[registration.organisation_id]),
                registration.organisation.title,
            )
        if field_name == "website" and registration.website:
            return format_html(
                '<a href="{0}" rel="noreferrer" target="_blank">{0}</a>', registration.website
            )
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        registration = self.instance
        may_invite = (
            registration.status == registration.Status.APPROVED
            and self.permission_helper.user_may_decide(self.request.user)
        )
        return super().get_context_data(
            contacts=registration.contacts.all(),
            duplicate_reasons=[describe(reason) for reason in registration.duplicate_reasons],
            invite_again_url=(
                self.url_helper.get_action_url("invite", self.pk_quoted) if may_invite else ""
            ),
            **kwargs,
        )


class RegistrationHistoryView(HistoryView):
    # modeladmin's history view checks no permission of its own: anyone in the admin
    # could read who decided what, and why.
    def check_action_permitted(self, user):
        return self.permission_helper.user_can_list(user)


class ApprovalForm(forms.Form):
    """Approving needs only the coordinator's confirmation."""


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent to the applicant's contact persons, in the applicant's language."),
    )


class RegistrationActionView(InstanceSpecificView):
    """A confirmation page (GET) whose form acts on the registration (POST), for those who
    may decide on registrations, and only while the registration is in the right state."""

    form_class = forms.Form
    template_name = "onboarding/admin/confirm_action.html"
    submit_classname = ""

    def check_action_permitted(self, user):
        return self.permission_helper.user_may_decide(user)

    @property
    def inspect_url(self):
        return self.url_helper.get_action_url("inspect", self.pk_quoted)

    def applies(self, registration):
        raise NotImplementedError

    def act(self, cleaned_data):
        """Carry the action out; returns what `done` reports."""
        raise NotImplementedError

    def done(self, request, result):
        raise NotImplementedError

    def not_applicable(self, request):
        messages.error(
            request,
            gettext("“%(name)s” has already been decided.") % {"name": self.instance.name},
        )
        return redirect(self.inspect_url)

    def get(self, request, *args, **kwargs):
        if not self.applies(self.instance):
            return self.not_applicable(request)
        return self.render_to_response(self.get_context_data(form=self.form_class()))

    def post(self, request, *args, **kwargs):
        if not self.applies(self.instance):
            return self.not_applicable(request)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            result = self.act(form.cleaned_data)
        except RegistrationAlreadyDecided:
            return self.not_applicable(request)
        except EMAIL_ERRORS:
            # Decisions are committed before their e-mails are sent: only the e-mails failed.
            logger.exception("E-mails about registration %s could not be sent", self.instance.pk)
            messages.error(
                request,
                gettext(
                    "The e-mails about “%(name)s” could not be sent (anything else was saved). "
                    "Please tell the contact persons yourself."
                )
                % {"name": self.instance.name},
            )
            return redirect(self.inspect_url)
        return self.done(request, result)


class DecisionView(RegistrationActionView):
    def applies(self, registration):
        return registration.is_pending


class ApproveView(DecisionView):
    form_class = ApprovalForm
    page_title = _("Approve")
    submit_classname = "button-primary"

    @property
    def submit_label(self):
        return gettext("Yes, approve")

    def confirmation_message(self):
        return gettext(
            "Approving creates the organisation's page as a draft, its editors' group, and an "
            "account for each contact person, who is e-mailed a link to choose a password."
        )

    def act(self, cleaned_data):
        return approve_registration(self.instance, self.request.user)

    def done(self, request, registration):
        messages.success(
            request,
            gettext("“%(name)s” approved: its contact persons have been invited.")
            % {"name": registration.name},
            buttons=[
                messages.button(
                    reverse("wagtailadmin_pages:edit", args=[registration.organisation_id]),
                    gettext("Edit the organisation's page"),
                )
            ],
        )
        return redirect(self.inspect_url)


class RejectView(DecisionView):
    form_class = RejectionForm
    page_title = _("Reject")
    submit_classname = "serious"

    @property
    def submit_label(self):
        return gettext("Reject and send the reason")

    def confirmation_message(self):
        return gettext("The contact persons are e-mailed the reason you give.")

    def act(self, cleaned_data):
        return reject_registration(self.instance, self.request.user, cleaned_data["reason"])

    def done(self, request, registration):
        messages.success(
            request,
            gettext("“%(name)s” rejected: its contact persons have been told why.")
            % {"name": registration.name},
        )
        return redirect(self.index_url)


class ResendInvitationsView(RegistrationActionView):
    """For invitations that expired or got lost: fresh links, to whoever still needs one."""

    page_title = _("Invite again")
    submit_classname = "button-primary"

    def applies(self, registration):
        return registration.status == registration.Status.APPROVED

    def not_applicable(self, request):
        messages.error(
            request,
            gettext("Only an approved registration's contact persons can be invited."),
        )
        return redirect(self.inspect_url)

    @property
    def submit_label(self):
        return gettext("Send the invitations again")

    def confirmation_message(self):
        return gettext(
            "Each contact person who has not chosen a password yet gets a new link; "
            "links sent before stay valid until they expire."
        )

    def act(self, cleaned_data):
        return resend_invitations(self.instance)

    def done(self, request, invited):
        messages.success(
            request,
            ngettext(
                "%(count)d contact person invited again.",
                "%(count)d contact persons invited again.",
                invited,
            )
            % {"count": invited},
        )
        return redirect(self.inspect_url)


class OrganisationRegistrationAdmin(ActionViewsMixin, ModelAdmin):
    model = OrganisationRegistration
    menu_label = _("Registrations")
    menu_icon = "form"
    menu_order = 160
    permission_helper_class = RegistrationPermissionHelper
    button_helper_class = RegistrationButtonHelper
    inspect_view_enabled = True
    inspect_view_class = RegistrationInspectView
    history_view_class = RegistrationHistoryView
    inspect_template_name = "onboarding/admin/inspect.html"
    inspect_view_fields = [
        "status",
        "name",
        "organisation_type",
        "description",
        "service_categories",
        "website",
        "public_email",
        "public_phone",
        "address",
        "language",
        "submitted_at",
        "consented_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "organisation",
    ]
    list_display = ("name", "organisation_type", "submitted_at", "status", "duplicate_flag")
    list_filter = ("status", "organisation_type", "possible_duplicate")
    list_select_related = ("organisation_type",)
    search_fields = ("name", "public_email", "website", "contacts__name", "contacts__email")
    ordering = ("-submitted_at",)

    # The views beyond modeladmin's own, by the action name in their URL.
    action_views = {
        "approve": ApproveView,
        "reject": RejectView,
        "invite": ResendInvitationsView,
    }

    @admin.display(description=_("Possible duplicate"), ordering="possible_duplicate")
    def duplicate_flag(self, registration):
        if not registration.possible_duplicate:
            return ""
        return format_html(
            '<span class="w-status w-status--primary">{}</span>', gettext("possible duplicate")
        )


registrations_admin = OrganisationRegistrationAdmin()


def can_see_registrations(user):
    return registrations_admin.permission_helper.user_can_list(user)


def pending_registrations_url():
    """The inbox, filtered to the applications waiting for a decision."""
    return "{}?{}".format(
        registrations_admin.url_helper.index_url,
        urlencode({"status__exact": OrganisationRegistration.Status.PENDING}),
    )
