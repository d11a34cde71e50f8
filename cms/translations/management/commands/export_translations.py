import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from wagtail.models import Locale

from cms.translations.catalogue import export_catalogue


def target_locale(language_code):
    """The Locale to translate into: any content language but Greek, the source."""
    if language_code == settings.LANGUAGE_CODE:
        raise CommandError(f"{language_code} is the source language: nothing to translate.")
    locale = Locale.objects.filter(language_code=language_code).first()
    if locale is None:
        codes = ", ".join(
            code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        )
        raise CommandError(f"Unknown locale {language_code!r}: use one of {codes}.")
    return locale


class Command(BaseCommand):
    help = (
        "Write a PO file with every string of the live Greek pages and taxonomy terms not yet "
        "translated into LOCALE, for a translation agency (docs/translations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("locale", help="language code, e.g. ar")
        parser.add_argument("--output", help="file to write (default: standard output)")

    @translation.override("en")  # for operators and agencies, like Django's own commands
    def handle(self, *args, locale, output=None, **options):
        po = export_catalogue(target_locale(locale))
        text = str(po)
        if output:
            with open(output, "w", encoding="utf-8") as po_file:
                po_file.write(text)
            self.stderr.write(f"{len(po)} strings to translate into {locale} written to {output}.")
        else:
            sys.stdout.write(text)
