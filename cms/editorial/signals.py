"""Signal handlers of the editorial app, connected once by `EditorialConfig.ready`.

Roles follow the page tree. `install_roles` sets up the tree as it is; these handlers
keep it true as the tree grows: when an organisation is created, or wagtail-localize
adds a locale's copy of a page (a translation, or an alias when a new locale's tree
is synced), the copy gets its grants and its moderation at once.
"""

from django.db.models.signals import post_delete, post_save

from pages.models import HomePage, OrganisationIndexPage, OrganisationPage

from . import notifications
from .roles import (
    ensure_coordinators,
    ensure_organisation_editors_on_copy,
    ensure_translators,
    find_organisation_editors,
)
from .workflows import assign_moderation


def _is_full_save(created, raw, update_fields):
    """A page created or saved whole, not a fixture load nor a partial save.

    Saving a revision saves only a few bookkeeping fields of the page; publishing
    saves it whole (and that is when a title changes).
    """
    return not raw and (created or update_fields is None)


def organisation_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """The organisation's editors group exists, is named after its title, and edits this copy."""
    if _is_full_save(created, raw, update_fields):
        ensure_organisation_editors_on_copy(instance)


def organisation_deleted(sender, instance, **kwargs):
    """With the organisation's last copy gone, its editors group goes too.

    Its members keep their accounts, but no longer reach the admin through it.
    """
    if not OrganisationPage.objects.filter(translation_key=instance.translation_key).exists():
        group = find_organisation_editors(instance)
        if group is not None:
            group.delete()


def home_page_created(sender, instance, created, raw=False, **kwargs):
    """A locale's new tree: coordinators run it; in a translated locale, its translators
    edit it and what they submit is moderated."""
    if not created or raw:
        return
    ensure_coordinators(instance)
    if not instance.locale.is_default:
        ensure_translators(instance.locale)
        assign_moderation(instance)


def organisations_index_created(sender, instance, created, raw=False, **kwargs):
    """Every locale's organisations are moderated."""
    if created and not raw:
        assign_moderation(instance)


def connect():
    """Connect this app's signal handlers."""
    post_save.connect(
        organisation_saved, sender=OrganisationPage, dispatch_uid="editorial_organisation_saved"
    )
    post_delete.connect(
        organisation_deleted,
        sender=OrganisationPage,
        dispatch_uid="editorial_organisation_deleted",
    )
    post_save.connect(
        home_page_created, sender=HomePage, dispatch_uid="editorial_home_page_created"
    )
    post_save.connect(
        organisations_index_created,
        sender=OrganisationIndexPage,
        dispatch_uid="editorial_organisations_index_created",
    )
    notifications.connect()
