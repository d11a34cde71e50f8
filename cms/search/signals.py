"""Keeps search documents in step with what is live, connected by `SearchConfig.ready`.

A page's documents change when it or one of its translations is published, unpublished,
deleted or moved, and when a view restriction is added to or removed from it or a page
above it. An organisation's publication also refreshes its services (they carry its name),
and saving a taxonomy term (a new name, a new translation) refreshes the pages it names.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .documents import (
    SEARCHABLE_MODELS,
    TERMS_NAMED,
    refresh_documents,
    refresh_documents_naming,
    refresh_documents_under,
)


def page_published_or_unpublished(sender, instance, **kwargs):
    if isinstance(instance, SEARCHABLE_MODELS):
        refresh_documents_under(instance)


def page_moved(sender, instance, **kwargs):
    """What is below the page may now be private, or belong to another organisation."""
    refresh_documents_under(instance)


def page_deleted(sender, instance, **kwargs):
    """The deleted copy no longer counts; another translation may take its place."""
    refresh_documents([instance.translation_key], gone_page_ids=[instance.pk])


def _refresh_under(page_id):
    page = Page.objects.filter(pk=page_id).first()
    if page is not None:  # deleted with its restriction
        refresh_documents_under(page)


def view_restriction_changed(sender, instance, raw=False, **kwargs):
    """Once committed: a restriction is also deleted when its page is, and the documents
    of a page being deleted must not be rewritten halfway through."""
    if not raw:
        transaction.on_commit(partial(_refresh_under, instance.page_id))


def term_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_documents_naming(instance)


def connect():
    page_published.connect(page_published_or_unpublished, dispatch_uid="search_page_published")
    page_unpublished.connect(page_published_or_unpublished, dispatch_uid="search_page_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="search_page_moved")
    for model in SEARCHABLE_MODELS:
        post_delete.connect(
            page_deleted, sender=model, dispatch_uid=f"search_{model.__name__}_deleted"
        )
    post_save.connect(
        view_restriction_changed,
        sender=PageViewRestriction,
        dispatch_uid="search_view_restriction_saved",
    )
    post_delete.connect(
        view_restriction_changed,
        sender=PageViewRestriction,
        dispatch_uid="search_view_restriction_deleted",
    )
    for model in TERMS_NAMED:
        post_save.connect(term_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
