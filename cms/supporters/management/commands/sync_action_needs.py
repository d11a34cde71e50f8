from django.conf import settings
from django.core.management.base import BaseCommand

from cms.supporters.action_needs import sync_action_needs
from pages.models import ActionPage


class Command(BaseCommand):
    help = (
        "Make the needs of every Greek action match its requested support. Publishing an "
        "action does this by itself; run it once after installing the supporters network "
        "on a database that already has actions. Safe to run again."
    )

    def handle(self, *args, **options):
        actions = ActionPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        for action in actions:
            sync_action_needs(action)
        self.stdout.write(f"Needs of {actions.count()} action(s) brought up to date.")
