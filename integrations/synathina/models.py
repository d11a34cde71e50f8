"""Back-office records of the synAthina connector: partner keys, shared actions, outbox."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX_LENGTH = 8


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class PartnerApiKey(models.Model):
    """A key a partner (synAthina) sends to read the partner feed.

    The key is `<prefix>.<secret>`: the prefix finds the row, only the secret's SHA-256 is
    stored, so the key is shown once, when it is created, and never again.
    """

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses this key."))
    prefix = models.CharField(_("prefix"), max_length=KEY_PREFIX_LENGTH, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name, user=None):
        """A new key: the saved row and the full key, which is not stored anywhere."""
        prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
        secret = secrets.token_urlsafe(32)
        key = cls.objects.create(
            name=name, prefix=prefix, secret_hash=hash_secret(secret), created_by=user
        )
        return key, f"{prefix}.{secret}"

    @classmethod
    def authenticate(cls, presented):
        """The active key matching `presented`, else None."""
        prefix, _dot, secret = presented.partition(".")
        if not secret or len(prefix) != KEY_PREFIX_LENGTH:
            return None
        key = cls.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
        if key is None or not secrets.compare_digest(key.secret_hash, hash_secret(secret)):
            return None
        return key

    @property
    def is_active(self):
        return self.revoked_at is None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class SharedAction(models.Model):
    """An ACCMR action that has been in the partner feed, and whether it still is.

    One row per action (its Greek page's id, kept after the page is deleted): while
    `shared` it is in the feed; once withdrawn it remains as the tombstone that
    `modified_since` reports.
    """

    action_id = models.PositiveIntegerField(_("action id"), unique=True)
    shared = models.BooleanField(_("shared"), default=True)
    modified = models.DateTimeField(_("modified"))

    class Meta:
        verbose_name = _("shared action")
        verbose_name_plural = _("shared actions")

    def __str__(self):
        return str(self.action_id)


class Notification(models.Model):
    """One change notification to synAthina's webhook (the outbox).

    Written in the transaction of the change that causes it, delivered at least once by
    a background task; `event_id` lets the receiver drop repeats.
    """

    class Event(models.TextChoices):
        PUBLISHED = "action.published", _("published")
        CHANGED = "action.changed", _("changed")
        UNPUBLISHED = "action.unpublished", _("unpublished")
        WITHDRAWN = "action.withdrawn", _("withdrawn from sharing")
        DELETED = "action.deleted", _("deleted")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        DEAD = "dead", _("dead letter")

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    action_id = models.PositiveIntegerField(_("action id"), db_index=True)
    modified = models.DateTimeField(_("modified"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While a worker delivers it: the time after which another worker may try again.
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("synAthina notification")
        verbose_name_plural = _("synAthina notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_event_display()} {self.action_id} ({self.event_id})"

    def payload(self):
        """The webhook body: exactly the contract's four fields, nothing personal."""
        return {
            "event_id": str(self.event_id),
            "event": self.event,
            "action_id": self.action_id,
            "modified": self.modified.isoformat(),
        }


class PullRun(models.Model):
    """One pull of synAthina's public feed (`sync_synathina --pull`), kept for the status page.

    A failed run changed nothing: `error` says why. A run that succeeded may still have
    left some actions untouched because their features were bad: `problems` lists them.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("succeeded")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(
        _("skipped"), default=0, help_text=_("Actions left untouched because of a problem.")
    )
    error = models.TextField(_("error"), blank=True)
    # [{"language", "action_id", "feature", "message"}]: what made actions skipped.
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("synAthina pull")
        verbose_name_plural = _("synAthina pulls")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"


class ImportedAction(models.Model):
    """A synAthina action imported as a partner action page, by synAthina's `action_id`.

    `content_hash` is the hash of what the feeds said last time, so an unchanged action
    costs no revision; a row is kept when its action leaves the feed (`in_feed` false, the
    page unpublished), so a returning action gets its page back.
    """

    synathina_id = models.PositiveIntegerField(_("synAthina action id"), unique=True)
    page = models.OneToOneField(
        "pages.ActionPage",
        verbose_name=_("action page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content_hash = models.CharField(max_length=64)
    in_feed = models.BooleanField(_("in the feed"), default=True)
    imported_at = models.DateTimeField(_("first imported"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("imported synAthina action")
        verbose_name_plural = _("imported synAthina actions")

    def __str__(self):
        return str(self.synathina_id)
