"""The editorial roles as Django groups, installed idempotently.

Wagtail grants page permissions on a page and its subtree, and wagtail-localize
keeps one tree per locale, so a permission on a page is granted on each of its
locale copies.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

COORDINATORS = "Coordinators"
ADMIN_ACCESS = ("wagtailadmin", "access_admin")
COORDINATOR_PAGE_PERMISSIONS = (
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
)
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "choose_image"),
    "wagtaildocs": ("add_document", "choose_document"),
}
TAXONOMY_APP = "snippets"


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(codename):
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=codename
    )


def grant_on_every_locale(group, page, codenames):
    """Grant page permissions on `page` and each of its translations."""
    for copy in page.get_translations(inclusive=True):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=copy, permission=_page_permission(codename)
            )


def grant_media(group):
    root = Collection.get_first_root_node()
    for app_label, codenames in MEDIA_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=_permission(app_label, codename)
            )


def _with_admin_access(name):
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(_permission(*ADMIN_ACCESS))
    grant_media(group)
    return group


def ensure_coordinators(home_page):
    """Coordinators: edit and publish everything, manage every taxonomy."""
    group = _with_admin_access(COORDINATORS)
    grant_on_every_locale(group, home_page, COORDINATOR_PAGE_PERMISSIONS)
    taxonomy_models = apps.get_app_config(TAXONOMY_APP).get_models()
    group.permissions.add(
        *Permission.objects.filter(
            content_type__in=[ContentType.objects.get_for_model(m) for m in taxonomy_models]
        )
    )
    return group


def organisation_editors_group_name(organisation):
    # Keyed on the Greek page's id, which survives renames.
    return f"Editors of organisation {organisation.pk}"


def ensure_organisation_editors(organisation):
    """One group per organisation: add and edit in its subtree, in every locale; no publishing."""
    group = _with_admin_access(organisation_editors_group_name(organisation))
    grant_on_every_locale(group, organisation, EDITOR_PAGE_PERMISSIONS)
    return group


def ensure_translators(locale, home_page):
    """One group per locale: edit (never publish) that locale's tree."""
    group = _with_admin_access(f"Translators ({locale.language_code})")
    translated_home = home_page.get_translation(locale)
    for codename in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=translated_home, permission=_page_permission(codename)
        )
    return group
