"""Synced mode: every locale's tree mirrors the Greek one (wagtail-localize).

Each locale but Greek gets a `LocaleSynchronization` from Greek. wagtail-localize then
creates, in every locale, an alias of each Greek page (the Greek content standing in)
and keeps it equal to its source on each publish, until someone translates it. Pages
added in the admin get their aliases at once (wagtail-localize's `after_create_page`
hook); pages created by code (demo content, approved registrations) get theirs the next
time `install_locale_sync` runs, as it does on every setup and deployment.

Taxonomy terms have no aliases in Wagtail: a copy of a term in another locale would be
indistinguishable from a translation, to the API as to the snippet admin. Terms are
synced by wagtail-localize's translation sources instead (see `catalogue.py`).
"""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale
from wagtail_localize.models import LocaleSynchronization


def source_locale():
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


@transaction.atomic
def install_locale_sync():
    """Sync every other locale from Greek and create the aliases still missing.

    Idempotent: an existing synchronisation is kept (a coordinator may have chosen
    another source in Settings → Locales) and only catches up on missing aliases.
    Returns the locales newly synchronised.
    """
    greek = source_locale()
    added = []
    for locale in Locale.objects.exclude(pk=greek.pk).order_by("language_code"):
        # Saving a synchronisation synchronises its tree (wagtail-localize's post_save).
        sync, created = LocaleSynchronization.objects.get_or_create(
            locale=locale, defaults={"sync_from": greek}
        )
        if created:
            added.append(locale)
        else:
            sync.sync_trees()
    return added
