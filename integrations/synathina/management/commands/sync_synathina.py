"""`sync_synathina --pull | --push [--dry-run]`: the scheduled halves of the connector.

Run both from cron (docs/integrations/synathina.md): `--pull` imports synAthina's actions
in thematic area 12 (every 15 minutes), `--push` records any change whose notification
was missed and queues every notification that is due (every 5 minutes). With both, the
pull runs first. Each prints a summary; a failed pull changes nothing and exits non-zero.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from integrations.synathina.delivery import due, requeue_due
from integrations.synathina.models import Notification
from integrations.synathina.pull import pull
from integrations.synathina.sharing import out_of_step, reconcile

# Without a terminal, a progress line every this many steps (and at the end).
PROGRESS_LINE_EVERY = 50
MAX_PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = "Import synAthina's actions (--pull), queue notifications to it (--push)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--push", action="store_true", help="Record missed changes, queue due notifications."
        )
        parser.add_argument(
            "--pull", action="store_true", help="Import synAthina's actions in thematic area 12."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be done; change nothing."
        )

    def handle(self, *, push, pull, dry_run, **options):
        if not (push or pull):
            raise CommandError("Say what to do: --pull, --push or both.")
        if not settings.SYNATHINA_ENABLED:
            raise CommandError(
                "The synAthina connector is switched off (SYNATHINA_ENABLED); nothing to do."
            )
        pulled = self._pull(dry_run) if pull else True
        if push:
            self._push(dry_run)
        if not pulled:
            raise CommandError("The pull failed; nothing was changed.")

    # --- pull -------------------------------------------------------------------------

    def _progress(self, done, total):
        if self.stderr.isatty():
            self.stderr.write(f"\rWriting actions: {done}/{total}", ending="")
            if done == total:
                self.stderr.write("")
        elif done % PROGRESS_LINE_EVERY == 0 or done == total:
            self.stderr.write(f"Writing actions: {done}/{total}")

    def _pull(self, dry_run):
        self.stderr.write("Fetching synAthina's feed (el, en)…")
        report = pull(dry_run=dry_run, progress=self._progress)
        if not report.ok:
            self.stdout.write(f"Pull failed, nothing changed: {report.error}")
            return False
        changes = (
            "Would create {created}, update {updated}, remove {removed}"
            if dry_run
            else "Created {created}, updated {updated}, removed {removed}"
        )
        rest = "; {unchanged} unchanged, {skipped} skipped (problems), {outside_area} outside "
        self.stdout.write((changes + rest + "thematic area 12.").format(**vars(report)))
        for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
            self.stdout.write(
                "Problem: {language} feed, feature {feature}, action {action_id}: {message}".format(
                    **problem
                )
            )
        if len(report.problems) > MAX_PROBLEMS_SHOWN:
            self.stdout.write(f"… and {len(report.problems) - MAX_PROBLEMS_SHOWN} more problems.")
        return True

    # --- push -------------------------------------------------------------------------

    def _push(self, dry_run):
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
        self._outbox_summary()

    def _outbox_summary(self):
        counts = {
            status: Notification.objects.filter(status=status).count()
            for status in Notification.Status.values
        }
        last = Notification.objects.aggregate(last=Max("delivered_at"))["last"]
        self.stdout.write(
            "Outbox: {pending} pending, {dead} dead letter(s), {delivered} delivered; "
            "last delivery: {last}.".format(**counts, last=last.isoformat() if last else "never")
        )
