"""Keeps the services' read model (`ServiceListing`) in step with the pages, connected by
`PagesConfig.ready`: the changes that drop the API's response cache (docs/performance.md)
refresh the rows of the services they touch.

- a service or organisation page (any language) saved, published, unpublished or deleted:
  the services at and below it, and below its Greek copy (an organisation names and
  gates its services);
- any page moved, or a view restriction added, changed or removed: the services below it;
- a service category saved or deleted: the services filed under it (items name it).

A refresh runs at once, so the rest of the transaction reads the new rows, and again once
the transaction commits: modelcluster writes a page's categories after `post_save`, and
the commit sees everything. Deletions (and unpublishing, which Wagtail also signals for a
page being deleted) only refresh after the commit: rows written while a page and its
services are being deleted would point at deleted pages.
"""

from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from pages.models import OrganisationPage, ServicePage
from snippets.models import ServiceCategory

from .service_listing import (
    refresh_service_listings,
    refresh_service_listings_under,
    services_naming_category,
)

LISTED_PAGE_MODELS = (ServicePage, OrganisationPage)


def _now_and_on_commit(refresh, *args, **kwargs):
    refresh(*args, **kwargs)
    if connection.in_atomic_block:
        transaction.on_commit(partial(refresh, *args, **kwargs))


def _on_commit(refresh, *args, **kwargs):
    transaction.on_commit(partial(refresh, *args, **kwargs))  # at once outside a transaction


def _refresh_under_page(page_id, **kwargs):
    page = Page.objects.filter(pk=page_id).first()
    if page is not None:
        refresh_service_listings_under(page, **kwargs)


def page_changed(sender, instance, raw=False, **kwargs):
    if not raw and isinstance(instance, LISTED_PAGE_MODELS):
        _now_and_on_commit(_refresh_under_page, instance.pk)


def page_unpublished_or_deleting(sender, instance, **kwargs):
    """Wagtail also unpublishes a live page as it deletes it; unpublishing saves the
    page first (`page_changed`), so only the commit is left to refresh."""
    if isinstance(instance, LISTED_PAGE_MODELS):
        _on_commit(_refresh_under_page, instance.pk)


def page_moved(sender, instance, **kwargs):
    _now_and_on_commit(_refresh_under_page, instance.pk)


def page_deleted(sender, instance, **kwargs):
    """The Greek page's rows go with it (a cascade); a deleted translation or
    organisation changes what its Greek copy's services serve."""
    greek = Page.objects.filter(
        translation_key=instance.translation_key, locale__language_code=settings.LANGUAGE_CODE
    ).exclude(pk=instance.pk)
    _on_commit(_refresh_greek_copy_under, list(greek.values_list("pk", flat=True)), instance.pk)


def _refresh_greek_copy_under(greek_ids, gone_page_id):
    for page_id in greek_ids:
        _refresh_under_page(page_id, gone_page_ids=[gone_page_id])


def view_restriction_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _now_and_on_commit(_refresh_under_page, instance.page_id)


def view_restriction_deleted(sender, instance, **kwargs):
    _on_commit(_refresh_under_page, instance.page_id)


def category_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _now_and_on_commit(refresh_service_listings, services_naming_category(instance))


def category_deleting(sender, instance, **kwargs):
    """Read before the links go: after the deletion no service names the category."""
    _on_commit(refresh_service_listings, services_naming_category(instance))


def connect():
    page_published.connect(page_changed, dispatch_uid="service_listing_page_published")
    page_unpublished.connect(
        page_unpublished_or_deleting, dispatch_uid="service_listing_page_unpublished"
    )
    post_page_move.connect(page_moved, dispatch_uid="service_listing_page_moved")
    for model in LISTED_PAGE_MODELS:
        name = model.__name__
        post_save.connect(page_changed, sender=model, dispatch_uid=f"service_listing_{name}_saved")
        post_delete.connect(
            page_deleted, sender=model, dispatch_uid=f"service_listing_{name}_deleted"
        )
    post_save.connect(
        view_restriction_saved,
        sender=PageViewRestriction,
        dispatch_uid="service_listing_view_restriction_saved",
    )
    post_delete.connect(
        view_restriction_deleted,
        sender=PageViewRestriction,
        dispatch_uid="service_listing_view_restriction_deleted",
    )
    post_save.connect(
        category_saved, sender=ServiceCategory, dispatch_uid="service_listing_category_saved"
    )
    pre_delete.connect(
        category_deleting, sender=ServiceCategory, dispatch_uid="service_listing_category_deleted"
    )
