"""Keeps action needs in step with actions, and gives coordinators this app's permissions."""

from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from wagtail.models import Collection
from wagtail.signals import page_published, page_unpublished

from pages.models import ActionPage

from .action_needs import sync_action_needs
from .roles import install_supporters_roles


@receiver(page_published, sender=ActionPage)
@receiver(page_unpublished, sender=ActionPage)
def action_needs_follow_the_action(sender, instance, **kwargs):
    sync_action_needs(instance)


@receiver(post_migrate)
def roles_after_migrate(sender, app_config=None, **kwargs):
    # After the last app's signal: by then every app's permissions exist (Django's and
    # Wagtail's own receivers run for each app), Wagtail's admin access included, which
    # the coordinators' group needs. `flush` emits the signal too.
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    # A flush (transactional tests) also empties the rows migrations made, the root
    # collection among them: there is no platform to grant anything in until reseeded.
    if (
        app_config is not None
        and app_config.label == last.label
        and Collection.get_first_root_node()
    ):
        install_supporters_roles()
