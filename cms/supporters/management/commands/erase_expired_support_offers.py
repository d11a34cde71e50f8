from django.core.management.base import BaseCommand

from cms.supporters.models import RECEIVED_OFFER_RETENTION_DAYS
from cms.supporters.privacy import erase_expired_received_offers

VIA = "manage.py erase_expired_support_offers"


class Command(BaseCommand):
    help = (
        "Erase the supporter's details (name, e-mail, phone, message) of offers of support "
        f"received from synAthina more than {RECEIVED_OFFER_RETENTION_DAYS} days ago; what "
        "was offered, for what and when stays. Run daily from cron."
    )

    def handle(self, *args, **options):
        erased = erase_expired_received_offers(via=VIA)
        self.stdout.write(f"Erased the supporter's details of {erased} offer(s) from synAthina.")
