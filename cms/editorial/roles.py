"""The editorial roles as Django groups, installed idempotently.

- Coordinators (one group): moderate, publish and edit everything, manage the
  taxonomies and the back office.
- Organisation editors (one group per organisation): add and edit pages inside their
  organisation's page, in every locale; never publish.
- Translators (one group per translated locale): edit that locale's tree; never add
  pages, never publish.

Wagtail grants page permissions on a page and its subtree, and wagtail-localize keeps
one tree per locale, so a page grant is made on each locale's copy of the page
(`signals.py` extends it to copies created later). Every function here only adds what
is missing: running it again changes nothing, and permissions a coordinator added by
hand are kept. `docs/roles.md` describes the roles for coordinators.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import Truncator
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page

from pages.models import HomePage, OrganisationPage

COORDINATORS = "Coordinators"
ADMIN_ACCESS = ("wagtailadmin", "access_admin")

# Every permission of these apps: taxonomies, registrations, editorial records, the
# synAthina connector (partner keys, its outbox).
COORDINATOR_APPS = ("snippets", "onboarding", "editorial", "synathina")
# Wagtail's workflow and task admin, to change who reviews what.
COORDINATOR_WAGTAIL_MODELS = ("workflow", "task")
# wagtail-localize's "Translate this page" and "Sync translated pages".
SUBMIT_TRANSLATION = ("wagtail_localize", "submit_translation")

COORDINATOR_PAGE_PERMISSIONS = (
    "add_page",
    "bulk_delete_page",
    "change_page",
    "lock_page",
    "publish_page",
    "unlock_page",
)
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
# Translators localise the pages that exist; adding pages is the organisations' job.
TRANSLATOR_PAGE_PERMISSIONS = ("change_page",)

COORDINATOR_MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "delete_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "delete_document", "choose_document"),
}
# Upload and choose; Wagtail lets uploaders edit their own files.
CONTRIBUTOR_MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "choose_image"),
    "wagtaildocs": ("add_document", "choose_document"),
}

ORGANISATION_EDITORS = "Editors: {title} [{key}]"
# Keeps "Editors: ", the key and its brackets within Group.name's 150 characters.
TITLE_LENGTH_IN_GROUP_NAME = 100
TRANSLATORS = "Translators ({language_code})"

# Wagtail's first migrations create these groups with page permissions on the whole tree
# of every locale ("Editors" could edit any organisation's pages): the roles here replace them.
WAGTAIL_STARTER_GROUPS = ("Editors", "Moderators")


# --- Permissions and grants --------------------------------------------------------


def _page_permissions(codenames):
    return Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Page), codename__in=codenames
    )


def grant_on_page(group, page, codenames):
    """Grant page permissions on `page` (and so on its subtree), in its locale only."""
    for permission in _page_permissions(codenames):
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def grant_on_every_locale(group, page, codenames):
    """Grant page permissions on `page` and each of its locale copies."""
    for copy in page.get_translations(inclusive=True):
        grant_on_page(group, copy, codenames)


def grant_media(group, permissions_by_app):
    """Grant image and document permissions on the root collection (so on every collection)."""
    root = Collection.get_first_root_node()
    for app_label, codenames in permissions_by_app.items():
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


def _give_admin_access(group, media_permissions):
    app_label, codename = ADMIN_ACCESS
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    grant_media(group, media_permissions)


def _coordinator_permissions():
    app_label, codename = SUBMIT_TRANSLATION
    return Permission.objects.filter(
        Q(content_type__app_label__in=COORDINATOR_APPS)
        | Q(
            content_type__app_label="wagtailcore",
            content_type__model__in=COORDINATOR_WAGTAIL_MODELS,
        )
        | Q(content_type__app_label=app_label, codename=codename)
    )


def source_locale():
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def translated_locales():
    """Every content locale but the source (Greek)."""
    return Locale.objects.exclude(language_code=settings.LANGUAGE_CODE)


# --- Coordinators ------------------------------------------------------------------


def coordinators_group():
    """The Coordinators group itself (see `ensure_coordinators` for its permissions)."""
    return Group.objects.get_or_create(name=COORDINATORS)[0]


def ensure_coordinators(home_page=None):
    """Coordinators: everything the platform's work needs, in every locale.

    Page permissions on `home_page` in every locale (by default, on every home page);
    every permission of the taxonomies, onboarding, editorial and synAthina apps; the workflow
    admin; wagtail-localize's translation submission; all images and documents.
    Administering accounts, groups, sites and settings stays with superusers.
    """
    group = coordinators_group()
    _give_admin_access(group, COORDINATOR_MEDIA_PERMISSIONS)
    group.permissions.add(*_coordinator_permissions())
    homes = home_page.get_translations(inclusive=True) if home_page else HomePage.objects.all()
    for home in homes:
        grant_on_page(group, home, COORDINATOR_PAGE_PERMISSIONS)
    return group


# --- Organisation editors ----------------------------------------------------------


def organisation_editors_group_name(organisation):
    """The group's name, "Editors: <Greek title> [<translation key>]", from any locale copy.

    The translation key, shared by every copy and never changed, identifies the group;
    the title only makes the name readable, and follows the Greek page's renames.
    """
    greek = organisation.get_translation_or_none(source_locale()) or organisation
    title = Truncator(greek.title).chars(TITLE_LENGTH_IN_GROUP_NAME)
    return ORGANISATION_EDITORS.format(title=title, key=organisation.translation_key)


def find_organisation_editors(organisation):
    """The organisation's editors group, or None if it has none yet."""
    return Group.objects.filter(name__endswith=f"[{organisation.translation_key}]").first()


def _organisation_editors_group(organisation):
    name = organisation_editors_group_name(organisation)
    group = find_organisation_editors(organisation)
    if group is None:
        group = Group.objects.create(name=name)
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    _give_admin_access(group, CONTRIBUTOR_MEDIA_PERMISSIONS)
    return group


def ensure_organisation_editors(organisation):
    """The organisation's editors group, granted on every locale copy of `organisation`."""
    group = _organisation_editors_group(organisation)
    grant_on_every_locale(group, organisation, EDITOR_PAGE_PERMISSIONS)
    return group


def ensure_organisation_editors_on_copy(copy):
    """The organisation's editors group, granted on this one locale copy."""
    group = _organisation_editors_group(copy)
    grant_on_page(group, copy, EDITOR_PAGE_PERMISSIONS)
    return group


# --- Translators -------------------------------------------------------------------


def translators_group_name(locale):
    return TRANSLATORS.format(language_code=locale.language_code)


def ensure_translators(locale):
    """The locale's translators: edit its tree (once the locale has one); never publish."""
    if locale.language_code == settings.LANGUAGE_CODE:
        raise ValueError("The source language has no translators.")
    group, _created = Group.objects.get_or_create(name=translators_group_name(locale))
    _give_admin_access(group, CONTRIBUTOR_MEDIA_PERMISSIONS)
    for home in HomePage.objects.filter(locale=locale):
        grant_on_page(group, home, TRANSLATOR_PAGE_PERMISSIONS)
    return group


# --- Everything at once ----------------------------------------------------------


def retire_wagtail_starter_groups():
    """Delete Wagtail's starter groups, as long as nobody is in them."""
    Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS, user__isnull=True).delete()


@dataclass
class RoleGroups:
    """The groups `install_role_groups` made sure of."""

    coordinators: Group
    translators: list[Group]
    organisation_editors: list[Group]


def install_role_groups():
    """Every role group, and every grant the current page tree calls for."""
    retire_wagtail_starter_groups()
    coordinators = ensure_coordinators()
    translators = [ensure_translators(locale) for locale in translated_locales()]
    editors = {
        group.pk: group
        for group in map(ensure_organisation_editors_on_copy, OrganisationPage.objects.all())
    }
    return RoleGroups(coordinators, translators, list(editors.values()))
