from django.core.management.base import BaseCommand

from cms.supporters.models import CONFIRMATION_DAYS
from cms.supporters.signup import delete_expired_sign_ups


class Command(BaseCommand):
    help = (
        f"Delete supporters' sign-ups left unconfirmed for {CONFIRMATION_DAYS} days. "
        "Run daily from cron."
    )

    def handle(self, *args, **options):
        deleted = delete_expired_sign_ups()
        self.stdout.write(f"Deleted {deleted} unconfirmed sign-up(s).")
