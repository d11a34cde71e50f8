import time

from django.core.management.base import BaseCommand

from pages.demo import install_demo


class Command(BaseCommand):
    help = (
        "Install demo organisations, services, actions, open calls, news and pages, in Greek "
        "with their English translations. Only adds what is missing."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        created = install_demo()
        elapsed = time.monotonic() - started
        if not created:
            self.stdout.write(f"Demo content: already installed, nothing added ({elapsed:.1f}s).")
            return
        added = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(f"Demo content added: {added} ({elapsed:.1f}s).")
