from django.core.management.base import BaseCommand

from snippets.seed import install_taxonomies


class Command(BaseCommand):
    help = "Install the starting taxonomies (Greek and English). Only adds what is missing."

    def handle(self, *args, **options):
        created = install_taxonomies()
        self.stdout.write(f"Taxonomies: {created} terms or translations added.")
