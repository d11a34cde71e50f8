"""Back-office records of the editorial app."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ReviewReminder"]


class ReviewReminder(models.Model):
    """An e-mail round telling an organisation's editors which of its services are overdue.

    A reminder opens a period of `REVIEW_REMINDER_INTERVAL_DAYS` days during which the
    organisation gets no other; `send_review_reminders` reads these rows to know.
    """

    organisation = models.ForeignKey(
        "pages.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="review_reminders",
    )
    period_start = models.DateField(
        _("period start"), help_text=_("The day the reminder was sent (Athens time).")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    overdue_services = models.PositiveIntegerField(_("overdue services"))
    recipients = models.PositiveIntegerField(_("recipients"))

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        ordering = ["-sent_at"]
        constraints = [
            # Two runs of the command on the same day cannot both remind an organisation.
            models.UniqueConstraint(
                fields=["organisation", "period_start"],
                name="editorial_one_review_reminder_per_day",
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} @ {self.period_start}"
