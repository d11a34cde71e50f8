from django.core.management.base import BaseCommand

from cms.translations.sync import install_locale_sync


class Command(BaseCommand):
    help = (
        "Synchronise every locale's page tree from Greek (wagtail-localize's synced mode) "
        "and create the untranslated aliases still missing. Safe to run on every deployment."
    )

    def handle(self, *args, **options):
        added = install_locale_sync()
        if added:
            codes = ", ".join(locale.language_code for locale in added)
            self.stdout.write(f"Synchronised from Greek: {codes}.")
        self.stdout.write("Every locale's tree has its aliases of the Greek pages.")
