"""Page changes that can change what is shared with synAthina.

Publishing or unpublishing an action (in any locale: a translation changes the English
feed) or deleting it, and publishing or unpublishing a Greek organisation page (its
approval or withdrawal takes its actions in or out of the feed). A consent change
arrives with a publish. Each handler runs in the transaction of the change.
"""

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from pages.models import ActionPage, OrganisationPage

from .sharing import refresh_action, source_action_id


def _refresh_page(page, *, deleting=False):
    if page.alias_of_id is not None:
        # wagtail-localize's synced copy of an untranslated page: not a translation.
        return
    if isinstance(page, ActionPage):
        if page.source != ActionPage.Source.ACCMR:
            return
        action_id = source_action_id(page)
        if action_id is not None:
            refresh_action(action_id, deleting=deleting and action_id == page.pk)
    elif isinstance(page, OrganisationPage):
        if page.locale.language_code != settings.LANGUAGE_CODE:
            return
        for action_id in ActionPage.objects.child_of(page).values_list("pk", flat=True):
            refresh_action(action_id)


@receiver(page_published)
def refresh_after_publish(sender, instance, **kwargs):
    _refresh_page(instance)


@receiver(page_unpublished)
def refresh_after_unpublish(sender, instance, **kwargs):
    # Wagtail "unpublishes" a page without saving it just before deleting it; the
    # deletion itself is what counts then.
    if type(instance).objects.filter(pk=instance.pk, live=True).exists():
        return
    _refresh_page(instance)


@receiver(post_delete, sender=ActionPage)
def refresh_after_delete(sender, instance, **kwargs):
    # Deleting an organisation deletes its actions: each arrives here.
    _refresh_page(instance, deleting=True)
