"""The coordinators' synAthina admin, on wagtail-modeladmin: partner API keys and the
outbox of change notifications, grouped with the status page (`views.py`).

Everything modeladmin-specific lives in this module, so that it can be swapped for
Wagtail's own `ModelViewSet` without touching the rest of the app.
"""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import CreateView, InstanceSpecificView

from cms.modeladmin_actions import ActionButtonHelper, ActionViewsMixin

from .delivery import retry_dead_letter
from .models import Notification, PartnerApiKey
from .views import can_see_status

LAST_ERROR_LENGTH = 80


# --- Shared: a confirmation page whose POST acts on one row ---------------------------


class ConfirmActionView(InstanceSpecificView):
    """GET shows a confirmation (onboarding's template), POST acts; only while `applies`."""

    template_name = "onboarding/admin/confirm_action.html"
    form = forms.Form
    submit_classname = "button-primary"

    @property
    def inspect_url(self):
        return self.index_url

    def applies(self, instance):
        raise NotImplementedError

    def act(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if not self.applies(self.instance):
            return redirect(self.index_url)
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        if self.applies(self.instance):
            self.act()
        return redirect(self.index_url)


# --- Partner API keys ---------------------------------------------------------------------


class KeyPermissionHelper(PermissionHelper):
    """Keys are issued (add) and revoked (change), never edited or deleted: the list is the
    record of who had access."""

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False

    def user_can_revoke(self, user, obj):
        return obj.is_active and self.user_has_specific_permission(
            user, self.get_perm_codename("change")
        )


class KeyCreateView(CreateView):
    """Issues a key and shows it once: only its hash is kept."""

    def form_valid(self, form):
        key, token = PartnerApiKey.issue(form.cleaned_data["name"], self.request.user)
        return TemplateResponse(
            self.request,
            "synathina/admin/key_created.html",
            {"view": self, "key": key, "token": token},
        )


class RevokeKeyView(ConfirmActionView):
    page_title = _("Revoke")
    submit_classname = "serious"

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_revoke(user, self.instance)

    @property
    def submit_label(self):
        return gettext("Revoke the key")

    def confirmation_message(self):
        return gettext("Requests with this key will be refused at once. This cannot be undone.")

    def applies(self, key):
        return key.is_active

    def act(self):
        self.instance.revoke()
        messages.success(
            self.request, gettext("Key “%(key)s” revoked.") % {"key": str(self.instance)}
        )


class PartnerApiKeyAdmin(ActionViewsMixin, ModelAdmin):
    model = PartnerApiKey
    menu_label = _("Partner API keys")
    menu_icon = "key"
    permission_helper_class = KeyPermissionHelper
    button_helper_class = ActionButtonHelper
    create_view_class = KeyCreateView
    form_fields_exclude = ("prefix", "created_by", "revoked_at", "last_used_at")
    list_display = ("name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    action_views = {"revoke": RevokeKeyView}

    def action_buttons(self, user, key):
        yield "revoke", gettext("Revoke"), self.permission_helper.user_can_revoke(user, key)


# --- The outbox -------------------------------------------------------------------------


class NotificationPermissionHelper(PermissionHelper):
    """Read-only, but a dead letter can be retried by whoever may change notifications."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False

    def user_can_retry(self, user, obj):
        return obj.status == Notification.Status.DEAD and self.user_has_specific_permission(
            user, self.get_perm_codename("change")
        )


class RetryView(ConfirmActionView):
    page_title = _("Retry")

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_retry(user, self.instance)

    @property
    def submit_label(self):
        return gettext("Retry delivery")

    def confirmation_message(self):
        return gettext(
            "The notification is sent again now, with a fresh series of attempts. synAthina "
            "recognises it by its event id if it had already received it."
        )

    def applies(self, notification):
        return notification.status == Notification.Status.DEAD

    def act(self):
        retry_dead_letter(self.instance)
        messages.success(self.request, gettext("The notification is queued for delivery."))


class NotificationAdmin(ActionViewsMixin, ModelAdmin):
    model = Notification
    menu_label = _("Notifications")
    menu_icon = "mail"
    permission_helper_class = NotificationPermissionHelper
    button_helper_class = ActionButtonHelper
    inspect_view_enabled = True
    list_display = (
        "created_at",
        "event",
        "action_id",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "short_error",
    )
    list_filter = ("status", "event")
    action_views = {"retry": RetryView}

    @admin.display(description=_("last error"))
    def short_error(self, notification):
        return Truncator(notification.last_error).chars(LAST_ERROR_LENGTH)

    def action_buttons(self, user, notification):
        yield "retry", gettext("Retry"), self.permission_helper.user_can_retry(user, notification)


class StatusMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_status(request.user)


class SynathinaAdminGroup(ModelAdminGroup):
    menu_label = _("synAthina")
    menu_icon = "link-external"
    menu_order = 170
    items = (NotificationAdmin, PartnerApiKeyAdmin)

    def get_submenu_items(self):
        status = StatusMenuItem(
            _("Status"), reverse("synathina_status"), icon_name="info-circle", order=0
        )
        return [status, *super().get_submenu_items()]


synathina_admin = SynathinaAdminGroup()
notifications_admin = synathina_admin.modeladmin_instances[0]
