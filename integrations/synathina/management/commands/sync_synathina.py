"""`sync_synathina --push [--dry-run]`: catch up on change notifications to synAthina.

Run it from cron every few minutes next to the worker (docs/integrations/synathina.md):
it records any change whose notification was missed, queues every notification that is
due (including those whose worker died mid-delivery) and prints a summary.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from integrations.synathina.delivery import due, requeue_due
from integrations.synathina.models import Notification
from integrations.synathina.sharing import out_of_step, reconcile


class Command(BaseCommand):
    help = "Queue outstanding change notifications to synAthina (--push) and summarise."

    def add_arguments(self, parser):
        parser.add_argument(
            "--push", action="store_true", help="Record missed changes, queue due notifications."
        )
        parser.add_argument(
            "--pull", action="store_true", help="Import synAthina's actions (not built yet)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be done; change nothing."
        )

    def handle(self, *, push, pull, dry_run, **options):
        if pull:
            raise CommandError(
                "--pull (importing synAthina's actions) is not built yet; "
                "see docs/integrations/synathina.md."
            )
        if not push:
            raise CommandError("Say what to do: --push.")
        if not settings.SYNATHINA_ENABLED:
            raise CommandError(
                "synAthina notifications are switched off (SYNATHINA_ENABLED); nothing to push."
            )
        missed = out_of_step()
        due_count = due().count()
        if dry_run:
            self.stdout.write(f"Would record {len(missed)} missed change(s).")
            self.stdout.write(f"Would queue {due_count} due notification(s).")
        else:
            recorded = reconcile()
            queued = requeue_due()
            self.stdout.write(f"Recorded {len(recorded)} missed change(s).")
            self.stdout.write(f"Queued {queued} due notification(s).")
        self._summary()

    def _summary(self):
        counts = {
            status: Notification.objects.filter(status=status).count()
            for status in Notification.Status.values
        }
        last = Notification.objects.aggregate(last=Max("delivered_at"))["last"]
        self.stdout.write(
            "Outbox: {pending} pending, {dead} dead letter(s), {delivered} delivered; "
            "last delivery: {last}.".format(**counts, last=last.isoformat() if last else "never")
        )
