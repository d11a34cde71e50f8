import time

from django.core.management.base import BaseCommand

from pages.api.service_listing import rebuild_service_listings


class Command(BaseCommand):
    help = (
        "Rebuild the services' read model (the list's and the map's rows) from the pages, "
        "in one transaction. Publishing keeps it current; run this once after deploying the "
        "migration that adds it, after writes that send no signals (bulk loads), or after "
        "changing how rows are built. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild_service_listings()
        elapsed = time.monotonic() - started
        self.stdout.write(f"Service listings rebuilt: {count} rows ({elapsed:.1f}s).")
