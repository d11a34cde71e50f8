"""Flat listings of the directory's pages, across organisations, for coordinators and editors."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import PageStatusColumn, PageTitleColumn, ParentPageColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.pages import PageListingViewSet

from .models import ActionPage, OpenCallPage, OrganisationPage, ServicePage

TITLE = PageTitleColumn("title", label=_("Title"), sort_key="title", classname="title")
ORGANISATION = ParentPageColumn("parent", label=_("Organisation"))
STATUS = PageStatusColumn("status", label=_("Published"), sort_key="live", width="12%")
UPDATED = DateColumn(
    "latest_revision_created_at", label=_("Updated"), sort_key="latest_revision_created_at"
)


class OrganisationListingViewSet(PageListingViewSet):
    model = OrganisationPage
    icon = "group"
    menu_label = _("Organisations")
    name = "organisations"
    columns = [
        TITLE,
        Column("organisation_type", label=_("Type")),
        Column("district", label=_("District")),
        UPDATED,
        STATUS,
    ]
    list_filter = ["organisation_type", "district", "live"]


class ServiceListingViewSet(PageListingViewSet):
    model = ServicePage
    icon = "help"
    menu_label = _("Services")
    name = "services"
    columns = [
        TITLE,
        ORGANISATION,
        Column("operating_status", label=_("Operating status"), accessor="get_status_display"),
        Column("district", label=_("District")),
        DateColumn("next_review", label=_("Next review"), sort_key="next_review"),
        STATUS,
    ]
    # "live" and "next review before" let the coordinators' dashboard link here for the
    # services whose review is overdue (cms/editorial/reviews.py, overdue_listing_url).
    # No "locale": Wagtail adds its own locale filter, by language code, which the view
    # also reads (a model-field filter would send locale ids and get a 404).
    list_filter = {
        "status": ["exact"],
        "delivery": ["exact"],
        "district": ["exact"],
        "is_free": ["exact"],
        "live": ["exact"],
        "next_review": ["lt"],
    }


class ActionListingViewSet(PageListingViewSet):
    model = ActionPage
    icon = "date"
    menu_label = pgettext_lazy("admin menu", "Actions")
    name = "actions"
    columns = [
        TITLE,
        ORGANISATION,
        Column("share_on_synathina", label=_("Shared on synAthina")),
        UPDATED,
        STATUS,
    ]
    list_filter = ["share_on_synathina", "live"]


class OpenCallListingViewSet(PageListingViewSet):
    model = OpenCallPage
    icon = "mail"
    menu_label = _("Open calls")
    name = "open_calls"
    columns = [
        TITLE,
        ORGANISATION,
        Column("call_type", label=_("Looking for"), accessor="get_call_type_display"),
        DateColumn("deadline", label=_("Deadline"), sort_key="deadline"),
        STATUS,
    ]
    list_filter = ["call_type", "live"]


class DirectoryViewSetGroup(ViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "list-ul"
    menu_order = 150
    items = (
        OrganisationListingViewSet,
        ServiceListingViewSet,
        ActionListingViewSet,
        OpenCallListingViewSet,
    )
