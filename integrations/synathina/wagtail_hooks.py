"""Wagtail loads this module: the synAthina admin menu, its pages, the page header's
link to an action's sync status, and the refusals that keep imported pages read-only."""

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.widgets import Button
from wagtail.models import Page

from pages.models import ActionPage

from . import views
from .modeladmin import synathina_admin
from .pull import managed_by_pull

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


# --- Imported pages are read-only: synAthina is where they change -------------------


def _refuse(request, page):
    messages.error(
        request,
        gettext(
            "“%(title)s” is imported from synAthina and cannot be changed here: it changes "
            "on synAthina and arrives with the next pull."
        )
        % {"title": page.get_admin_display_title()},
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)


def _refuse_if_imported(request, page, *args):
    if managed_by_pull(page):
        return _refuse(request, page)
    return None


for hook_name in (
    "before_edit_page",
    "before_delete_page",
    "before_unpublish_page",
    "before_copy_page",
    "before_move_page",
):
    hooks.register(hook_name, _refuse_if_imported)


@hooks.register("before_move_page")
def nothing_is_moved_under_partner_actions(request, page, destination):
    if managed_by_pull(destination):
        return _refuse(request, destination)
    return None


@hooks.register("before_create_page")
def nothing_is_added_under_the_synathina_organisation(request, parent_page, page_class):
    if managed_by_pull(parent_page):
        return _refuse(request, parent_page)
    return None


@hooks.register("before_bulk_action")
def imported_pages_are_left_out_of_bulk_actions(request, action_type, objects, action_view):
    # Bulk actions on images, users or snippets pass those: only pages concern us.
    pages = (item for item in objects if isinstance(item, Page))
    imported = next((page for page in pages if managed_by_pull(page)), None)
    if imported is not None:
        return _refuse(request, imported)
    return None
