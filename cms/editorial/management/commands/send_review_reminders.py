from django.conf import settings
from django.core.management.base import BaseCommand

from cms.editorial.reviews import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail each organisation's editors about its services past their review date, "
        "at most once every REVIEW_REMINDER_INTERVAL_DAYS days however often it runs."
    )

    def handle(self, *args, **options):
        run = send_review_reminders()
        for reminder in run.sent:
            self.stdout.write(
                f"Reminded {reminder.recipients} editor(s) of {reminder.organisation} "
                f"about {reminder.overdue_services} overdue service(s)."
            )
        for organisation in run.organisations_without_editors:
            self.stderr.write(
                self.style.WARNING(
                    f"{organisation} has overdue services but no active editor with an "
                    "e-mail address: nobody was reminded."
                )
            )
        if not run.sent and options["verbosity"] > 1:
            self.stdout.write(
                "Nobody to remind: nothing overdue, or reminded in the last "
                f"{settings.REVIEW_REMINDER_INTERVAL_DAYS} days."
            )
