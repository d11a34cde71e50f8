"""The supporters network's back office, on wagtail-modeladmin (coordinators only).

Everything modeladmin-specific lives in this module, so that it can be swapped for
Wagtail's own `ModelViewSet` without touching the rest of the app. Every screen that
shows supporters' personal data records it in the audit log (`PersonalDataAccess`), and
so does every export; exports are offered to those with the export permission only.

- Supporters: list, filters, inspect, correct (or withdraw consent), export their data,
  erase it.
- Matching: the open needs; each need's matching screen suggests supporters, lists
  synAthina's offers, and records matches.
- Matches: where each stands, its history, the next step (introducing sends e-mails).
- synAthina offers and the audit log: read-only.
- Offers of support received from synAthina (its own menu item): read-only, for the
  coordinators and, for their own organisation's pages, its editors.
"""

import json
import logging

from django import forms
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import EditView, IndexView, InspectView, InstanceSpecificView

from cms.modeladmin_actions import ActionButtonHelper, ActionViewsMixin

from .api import public_needs
from .emails import EMAIL_ERRORS
from .matching import MatchRefused, move_match, record_match, suggest_supporters, support_offers_for
from .models import (
    Match,
    Need,
    PersonalDataAccess,
    ReceivedSupportOffer,
    Supporter,
    SupportOffer,
    log_access,
)
from .privacy import erase_personal_data, export_personal_data
from .roles import editable_organisations

logger = logging.getLogger(__name__)

EXPORT_CODENAME = "export_supporter"
ERASE_CODENAME = "erase_supporter"
VIEW = PersonalDataAccess.Action.VIEW
EXPORT = PersonalDataAccess.Action.EXPORT


def may_export(user):
    return user.has_perm(f"supporters.{EXPORT_CODENAME}")


# --- Shared pieces -----------------------------------------------------------------------


class ReadOnlyPermissionHelper(PermissionHelper):
    """Records that arrive from elsewhere (the API, the connector, the matching screen)."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class AuditedIndexView(IndexView):
    """Logs the supporters each page of the listing shows, and each export."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.model_admin.log_shown(VIEW, context["object_list"], self.request.user)
        return context

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if not may_export(self.request.user):
            raise PermissionDenied
        self.model_admin.log_shown(EXPORT, queryset, self.request.user)
        return super().as_spreadsheet(queryset, spreadsheet_format)


class AuditedInspectView(InspectView):
    def get_context_data(self, **kwargs):
        self.model_admin.log_shown(VIEW, [self.instance], self.request.user)
        return super().get_context_data(**kwargs)


class AuditedEditView(EditView):
    def get_context_data(self, **kwargs):
        log_access(VIEW, [self.instance], via=self.model_admin.audit_name, user=self.request.user)
        return super().get_context_data(**kwargs)


class BackOfficeAdmin(ActionViewsMixin, ModelAdmin):
    """Listing, inspect view and exports, audited; extra views by action name."""

    index_view_class = AuditedIndexView
    inspect_view_class = AuditedInspectView
    inspect_view_enabled = True
    export_fields = ()

    @property
    def audit_name(self):
        return f"admin: {self.model._meta.model_name}"

    def supporters_shown(self, rows):
        """The supporters whose personal data a screen listing `rows` shows."""
        return []

    def received_offers_shown(self, rows):
        """The offers from synAthina whose supporter's data a screen listing `rows` shows."""
        return []

    def log_shown(self, action, rows, user):
        log_access(
            action,
            self.supporters_shown(rows),
            received_offers=self.received_offers_shown(rows),
            via=self.audit_name,
            user=user,
        )

    def get_list_export(self, request):
        return self.export_fields if may_export(request.user) else ()


class ConfirmedFilter(SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Awaiting confirmation"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


# --- Supporters --------------------------------------------------------------------------


class SupporterPermissionHelper(PermissionHelper):
    """Supporters sign up through the API: coordinators inspect and correct them, and
    erase them through the erasure action (which keeps the statistics), never delete."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return obj.erased_at is None and super().user_can_edit_obj(user, obj)

    def user_can_export(self, user, obj):
        return obj.erased_at is None and may_export(user)

    def user_can_erase(self, user, obj):
        return obj.erased_at is None and user.has_perm(f"supporters.{ERASE_CODENAME}")


class ExportSupporterView(InstanceSpecificView):
    """The person's data (every sign-up with the address) as a JSON download."""

    def check_action_permitted(self, user):
        return may_export(user)

    def get(self, request, *args, **kwargs):
        data = export_personal_data(
            self.instance.email, via=self.model_admin.audit_name, user=request.user
        )
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="supporter-{self.instance.pk}.json"'
        )
        return response


class EraseSupporterView(InstanceSpecificView):
    """Confirm (GET), then erase (POST) the personal data of every sign-up with the address."""

    template_name = "supporters/admin/confirm_erase.html"
    page_title = _("Erase personal data")

    def check_action_permitted(self, user):
        return user.has_perm(f"supporters.{ERASE_CODENAME}")

    def get(self, request, *args, **kwargs):
        if self.instance.erased_at:
            return redirect(self.index_url)
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        erased = erase_personal_data(
            self.instance.email, via=self.model_admin.audit_name, user=request.user
        )
        messages.success(
            request,
            gettext("Personal data of %(count)d sign-up(s) erased; the statistics are kept.")
            % {"count": erased.sign_ups},
        )
        return redirect(self.index_url)


class SupporterAdmin(BackOfficeAdmin):
    model = Supporter
    menu_label = _("Supporters")
    menu_icon = "group"
    permission_helper_class = SupporterPermissionHelper
    button_helper_class = ActionButtonHelper
    edit_view_class = AuditedEditView
    form_fields_exclude = (
        "email",
        "privacy_notice_version",
        "signed_up_at",
        "confirmed_at",
        "erased_at",
    )
    inspect_view_fields = [
        "kind",
        "name",
        "email",
        "phone",
        "support_types",
        "districts",
        "availability",
        "message",
        "contact_consent",
        "privacy_notice_version",
        "language",
        "signed_up_at",
        "confirmed_at",
        "erased_at",
    ]
    list_display = ("__str__", "kind", "email", "availability", "signed_up_at", "confirmed_at")
    list_filter = (
        ConfirmedFilter,
        "kind",
        "availability",
        "contact_consent",
        "support_types",
        "districts",
    )
    search_fields = ("name", "email")
    export_fields = (
        "pk",
        "kind",
        "name",
        "email",
        "phone",
        "availability",
        "signed_up_at",
        "confirmed_at",
        "contact_consent",
    )
    export_filename = "supporters"
    action_views = {"export": ExportSupporterView, "erase": EraseSupporterView}

    def action_buttons(self, user, supporter):
        yield "export", _("Export data"), self.permission_helper.user_can_export(user, supporter)
        yield "erase", _("Erase"), self.permission_helper.user_can_erase(user, supporter)

    def supporters_shown(self, rows):
        return list(rows)


# --- Matching: the open needs ------------------------------------------------------------


class ProposeForm(forms.Form):
    supporter = forms.ModelChoiceField(queryset=Supporter.objects.matchable())
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MatchingView(InstanceSpecificView):
    """One need: suggested supporters, synAthina offers, matches; proposing a supporter."""

    template_name = "supporters/admin/matching.html"
    page_title = _("Matching")

    def check_action_permitted(self, user):
        return user.has_perm("supporters.add_match")

    def get_context_data(self, **kwargs):
        need = self.instance
        suggestions = suggest_supporters(need)
        matches = list(need.matches.select_related("supporter"))
        log_access(
            VIEW,
            [s.supporter for s in suggestions] + [m.supporter for m in matches],
            via="admin: matching",
            user=self.request.user,
        )
        return super().get_context_data(
            need=need,
            suggestions=suggestions,
            offers=support_offers_for(need),
            matches=[
                (match, matches_admin.url_helper.get_action_url("inspect", quote(match.pk)))
                for match in matches
            ],
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        form = ProposeForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Choose a confirmed supporter to propose."))
            return redirect(request.path)
        try:
            match = record_match(
                form.cleaned_data["supporter"],
                self.instance,
                request.user,
                form.cleaned_data["note"],
            )
        except MatchRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                gettext("Match proposed. Introduce them from the match's page once you are ready."),
                buttons=[
                    messages.button(
                        matches_admin.url_helper.get_action_url("inspect", quote(match.pk)),
                        gettext("Open the match"),
                    )
                ],
            )
        return redirect(request.path)


class OnFilter(SimpleListFilter):
    title = _("need of")
    parameter_name = "on"

    def lookups(self, request, model_admin):
        return [
            ("organisation", _("the organisation")),
            ("service", _("a service")),
            ("action", _("an action")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "action":
            return queryset.filter(action__isnull=False)
        if self.value() == "service":
            return queryset.filter(service__isnull=False)
        if self.value() == "organisation":
            return queryset.filter(action__isnull=True, service__isnull=True)
        return queryset


class NeedMatchingAdmin(BackOfficeAdmin):
    """The open needs, as the API serves them; needs are written and moderated as
    snippets (the "Needs" menu)."""

    model = Need
    menu_label = _("Matching")
    menu_icon = "resubmit"
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = ActionButtonHelper
    inspect_view_enabled = False
    list_display = ("__str__", "support_type", "needed_until", "match_count")
    list_filter = (OnFilter, "support_type")
    list_select_related = ("organisation", "support_type")
    search_fields = ("description", "organisation__title")
    export_fields = (
        "pk",
        "organisation",
        "service",
        "action",
        "support_type",
        "description",
        "needed_until",
        "match_count",
    )
    export_filename = "needs"
    action_views = {"matching": MatchingView}

    def action_buttons(self, user, need):
        yield "matching", _("Find supporters"), user.has_perm("supporters.add_match")

    def get_queryset(self, request):
        return public_needs().annotate(matches_count=Count("matches"))

    @admin.display(description=_("Matches"), ordering="matches_count")
    def match_count(self, need):
        return need.matches_count


# --- Matches ---------------------------------------------------------------------------


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Match.Status.choices)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MatchInspectView(AuditedInspectView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(
            events=self.instance.events.select_related("by"),
            next_statuses=[Match.Status(status) for status in self.instance.next_statuses()],
            may_move=self.request.user.has_perm("supporters.change_match"),
            move_url=self.url_helper.get_action_url("move", self.pk_quoted),
            **kwargs,
        )


class MoveMatchView(InstanceSpecificView):
    """POST: the match's next status; introducing sends the introduction e-mails."""

    def check_action_permitted(self, user):
        return user.has_perm("supporters.change_match")

    def post(self, request, *args, **kwargs):
        inspect_url = self.url_helper.get_action_url("inspect", self.pk_quoted)
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Choose the match's next status."))
            return redirect(inspect_url)
        try:
            match, emails = move_match(
                self.instance, form.cleaned_data["status"], request.user, form.cleaned_data["note"]
            )
        except MatchRefused as refused:
            messages.error(request, str(refused))
            return redirect(inspect_url)
        try:
            for message in emails:
                message.send()
        except EMAIL_ERRORS:
            logger.exception("Introduction e-mails of match %s could not be sent", match.pk)
            messages.error(
                request,
                gettext(
                    "The match moved on, but the e-mails could not be sent: "
                    "please introduce them yourself."
                ),
            )
            return redirect(inspect_url)
        messages.success(
            request,
            gettext("The match is now %(status)s.") % {"status": match.get_status_display()},
        )
        return redirect(inspect_url)


class MatchAdmin(BackOfficeAdmin):
    model = Match
    menu_label = _("Matches")
    menu_icon = "link"
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_class = MatchInspectView
    inspect_template_name = "supporters/admin/match_inspect.html"
    inspect_view_fields = [
        "supporter",
        "need",
        "status",
        "note",
        "created_by",
        "created_at",
        "introduced_at",
    ]
    list_display = ("supporter", "need", "status", "created_at")
    list_filter = ("status", "need__support_type")
    list_select_related = ("supporter", "need__organisation", "need__support_type")
    search_fields = ("supporter__name", "need__organisation__title")
    export_fields = ("pk", "supporter", "need", "status", "created_at", "introduced_at")
    export_filename = "matches"
    action_views = {"move": MoveMatchView}

    def supporters_shown(self, rows):
        return [match.supporter for match in rows]


# --- synAthina offers and the audit log -------------------------------------------------------


class SupportOfferAdmin(BackOfficeAdmin):
    model = SupportOffer
    menu_label = _("synAthina offers")
    menu_icon = "globe"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("offered_by", "support_type", "district", "active", "received_at")
    list_filter = ("active", "support_type", "district")
    search_fields = ("offered_by", "description")
    export_fields = (
        "synathina_id",
        "offered_by",
        "support_type",
        "district",
        "description",
        "url",
        "active",
        "received_at",
    )
    export_filename = "synathina-offers"


class PersonalDataAccessAdmin(ModelAdmin):
    model = PersonalDataAccess
    menu_label = _("Data access log")
    menu_icon = "history"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("at", "user", "action", "via", "supporter_ids", "received_offer_ids")
    list_filter = ("action", "via")


class SupportersNetworkGroup(ModelAdminGroup):
    menu_label = _("Supporters network")
    menu_icon = "group"
    menu_order = 170
    items = (
        NeedMatchingAdmin,
        SupporterAdmin,
        MatchAdmin,
        SupportOfferAdmin,
        PersonalDataAccessAdmin,
    )


supporters_network = SupportersNetworkGroup()
needs_admin, supporters_admin, matches_admin, offers_admin, access_log_admin = (
    supporters_network.modeladmin_instances
)


# --- Offers of support received from synAthina ---------------------------------------------


class ReceivedOfferPermissionHelper(ReadOnlyPermissionHelper):
    """Coordinators (the app's permissions) see every offer; an organisation's editors, the
    offers for their organisation's actions and services, and nothing else of this app."""

    def user_can_list(self, user):
        return self.user_has_any_permissions(user) or editable_organisations(user).exists()

    def user_can_inspect_obj(self, user, obj):
        return ReceivedSupportOffer.objects.visible_to(user).filter(pk=obj.pk).exists()


class ReceivedSupportOfferAdmin(BackOfficeAdmin):
    model = ReceivedSupportOffer
    menu_label = _("Offers of support")
    menu_icon = "mail"
    menu_order = 176
    permission_helper_class = ReceivedOfferPermissionHelper
    list_display = ("received_at", "target_title", "organisation", "supporter_name", "notified_at")
    list_filter = ("support_types",)
    list_select_related = ("organisation", "action", "service")
    search_fields = ("supporter_name", "organisation__title")
    inspect_view_fields = [
        "received_at",
        "organisation",
        "action",
        "service",
        "support_types",
        "message",
        "supporter_name",
        "supporter_organisation",
        "supporter_email",
        "supporter_phone",
        "offer_id",
        "notified_at",
        "erased_at",
    ]
    export_fields = (
        "pk",
        "offer_id",
        "received_at",
        "organisation",
        "action",
        "service",
        "supporter_name",
        "supporter_organisation",
        "supporter_email",
        "supporter_phone",
        "message",
    )
    export_filename = "offers-of-support"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("for"))
    def target_title(self, offer):
        return offer.target.title

    def received_offers_shown(self, rows):
        return list(rows)


# Its own menu item: editors see it, and nothing else of the supporters network.
received_offers_admin = ReceivedSupportOfferAdmin()
