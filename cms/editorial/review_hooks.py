"""Admin hooks for keeping content current: confirming services, overdue reviews."""

import datetime

from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.pages import PagePermissionPolicy

from pages.models import ServicePage

from . import reviews
from .buttons import one_click_post_button
from .views import ConfirmServiceView

CONFIRM_LABEL = _("Confirm still accurate")


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path(
            "reviews/services/<int:page_id>/confirm/",
            ConfirmServiceView.as_view(),
            name=reviews.CONFIRM_URL_NAME,
        )
    ]


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    @actions.register_action(reviews.SERVICE_CONFIRMED)
    class ServiceConfirmedFormatter(LogFormatter):
        label = CONFIRM_LABEL

        def format_message(self, log_entry):
            try:
                next_review = datetime.date.fromisoformat(log_entry.data["next_review"])
            except (KeyError, TypeError, ValueError):
                return _("Confirmed as still accurate")
            return _("Confirmed as still accurate; next review on %(date)s") % {
                "date": date_format(next_review)
            }


# --- Confirm buttons ------------------------------------------------------------------


def confirm_button(page, user, priority):
    """A one-click POST to the confirm view, or None if `user` may not confirm `page`.

    Wagtail's `w-action` controller posts with the CSRF token and the current
    address as `next`; the link's own address is the confirmation page, for when
    scripts do not run.
    """
    if page.specific_class is not ServicePage or not reviews.can_confirm(page, user):
        return None
    url = reverse(reviews.CONFIRM_URL_NAME, args=[page.pk])
    return one_click_post_button(CONFIRM_LABEL, url, icon_name="check", priority=priority)


@hooks.register("register_page_header_buttons")
def confirm_in_page_header(page, user, view_name, next_url=None):
    """In the "…" menu of a service's header, e.g. on its edit view."""
    if button := confirm_button(page, user, priority=12):
        yield button


@hooks.register("register_page_listing_more_buttons")
def confirm_in_page_listings(page, user, next_url=None):
    """In the "…" menu of a service's row in page listings (explorer, Directory > Services)."""
    if button := confirm_button(page, user, priority=3):
        yield button


# --- Dashboard --------------------------------------------------------------------------


def oversees_every_organisation(user):
    """Coordinators (and superusers): the users who may publish, i.e. moderate."""
    return PagePermissionPolicy().user_has_permission(user, "publish")


class OverdueReviewsPanel(Component):
    """Coordinators: the organisations with overdue services, how many, when last reminded."""

    name = "overdue_reviews"
    template_name = "editorial/reviews/overdue_reviews_panel.html"
    order = 105

    def get_context_data(self, parent_context):
        today = timezone.localdate()
        overdue = reviews.overdue_by_organisation(today)
        reminded = reviews.last_reminded([row.organisation for row in overdue])
        return {
            "rows": [
                {
                    "organisation": row.organisation,
                    "count": len(row.services),
                    "last_reminded": reminded.get(row.organisation.pk),
                }
                for row in overdue
            ],
            "total": sum(len(row.services) for row in overdue),
            "listing_url": reviews.overdue_listing_url(today),
        }


class EditorOverdueServicesPanel(Component):
    """Editors: their own overdue services, each with a confirm button; nothing if none."""

    name = "my_overdue_services"
    template_name = "editorial/reviews/editor_overdue_services_panel.html"
    order = 105

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {
            "services": list(reviews.overdue_services_for_editor(request.user)),
            "csrf_token": parent_context["csrf_token"],
            "next_url": request.get_full_path(),
        }


@hooks.register("construct_homepage_panels")
def add_review_panels(request, panels):
    if oversees_every_organisation(request.user):
        panels.append(OverdueReviewsPanel())
    else:
        panels.append(EditorOverdueServicesPanel())
