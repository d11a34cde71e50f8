"""Wagtail loads this module: the synAthina admin menu, its pages, and the page header's
link to an action's sync status."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from pages.models import ActionPage

from . import views
from .modeladmin import synathina_admin

synathina_admin.register_with_wagtail()


@hooks.register("register_admin_urls")
def register_synathina_urls():
    return [
        path("synathina/status/", views.status, name="synathina_status"),
        path(
            "synathina/actions/<int:page_id>/",
            views.action_status,
            name="synathina_action_status",
        ),
    ]


@hooks.register("register_page_header_buttons")
def action_sync_status_button(page, user, view_name, next_url=None):
    if (
        issubclass(page.specific_class or object, ActionPage)
        and page.permissions_for_user(user).can_edit()
    ):
        yield Button(
            _("synAthina status"),
            reverse("synathina_action_status", args=[page.pk]),
            icon_name="link-external",
            priority=80,
        )
