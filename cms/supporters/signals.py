"""Keeps action needs in step with actions, and gives coordinators this app's permissions."""

from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished
from wagtail.snippets.models import create_extra_permissions

from pages.models import ActionPage

from .action_needs import sync_action_needs
from .roles import install_supporters_roles


@receiver(page_published, sender=ActionPage)
@receiver(page_unpublished, sender=ActionPage)
def action_needs_follow_the_action(sender, instance, **kwargs):
    sync_action_needs(instance)


@receiver(post_migrate)
def roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    if app_config is not None and app_config.label == "supporters":
        # This receiver may run before django.contrib.auth's and wagtail.snippets' (this
        # app is listed first): make sure this app's permissions exist, the snippets'
        # publish and lock ones included (creating them is idempotent).
        create_permissions(app_config, verbosity=0, using=using)
        create_extra_permissions(app_config, verbosity=0, using=using)
        install_supporters_roles()
