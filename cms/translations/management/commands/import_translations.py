import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cms.translations.catalogue import CatalogueError, import_catalogue, read_catalogue

from .export_translations import target_locale


class Command(BaseCommand):
    help = (
        "Import a PO file made by export_translations and translated. Page translations "
        "are submitted for review (a coordinator approves them); taxonomy terms are saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("locale", help="language code, e.g. ar")
        parser.add_argument("file", help="the translated PO file")
        parser.add_argument(
            "--user",
            required=True,
            help="username of the translator or coordinator who submits the translations",
        )

    @translation.override("en")  # for operators and agencies, like Django's own commands
    def handle(self, *args, locale, file, user, **options):
        target = target_locale(locale)
        submitter = get_user_model().objects.filter(username=user, is_active=True).first()
        if submitter is None:
            raise CommandError(f"No active account named {user!r}.")
        if not os.path.isfile(file):
            raise CommandError(f"No such file: {file}")
        try:
            po = read_catalogue(file, target)
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        report = import_catalogue(po, target, submitter)
        for number, text, message in report.errors:
            where = f"entry {number}" if number else "page"
            self.stderr.write(f"  {where}: {text[:60]!r}: {message}")
        self.stdout.write(
            f"{report.added} added, {report.changed} changed, {report.unchanged} unchanged, "
            f"{report.empty} left empty, {len(report.errors)} errors; "
            f"{len(report.submitted)} pages submitted for review, "
            f"{len(report.saved_terms)} taxonomy terms saved."
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} entries could not be imported (see above).")
