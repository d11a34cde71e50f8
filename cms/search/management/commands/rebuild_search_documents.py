import time

from django.core.management.base import BaseCommand

from cms.search.documents import rebuild_documents


class Command(BaseCommand):
    help = (
        "Rebuild the search documents of every service and organisation from the live "
        "pages, in one transaction. Publishing keeps them current; run this after loading "
        "pages without publishing them, or after changing how documents are built."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rebuild_documents()
        elapsed = time.monotonic() - started
        self.stdout.write(f"Search documents rebuilt: {count} ({elapsed:.1f}s).")
