"""The supporters network: people and bodies offering help, organisations' needs, and
the matches coordinators make between them.

Supporters and matches are back-office records holding personal data: coordinators
only, never in the public API (`docs/supporters.md`, "Privacy"). Offers of support
received from synAthina hold personal data too: for their target organisation's editors
and the coordinators only. Needs are public once moderated. Support types and
districts are always the Greek (source) terms.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin
from wagtail.search import index

from snippets.models import in_source_locale

# Unconfirmed sign-ups are deleted this long after they were made; the confirmation link
# stops working at the same age.
CONFIRMATION_DAYS = 30
# A supporter introduced within this many days ranks lower: spread the requests around.
RECENT_CONTACT_DAYS = 90
# An offer from synAthina keeps the supporter's details this long: time enough for the
# organisation to get in touch and for follow-up questions, then only the counts stay.
RECEIVED_OFFER_RETENTION_DAYS = 365


class SupporterQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, moment):
        """Sign-ups never confirmed, made before `moment`."""
        return self.filter(confirmed_at__isnull=True, signed_up_at__lt=moment)

    def expired(self):
        return self.unconfirmed_since(timezone.now() - timedelta(days=CONFIRMATION_DAYS))

    def matchable(self):
        """Confirmed, not erased, and agreeing to be contacted."""
        return self.confirmed().filter(erased_at__isnull=True, contact_consent=True)

    def with_email(self, email):
        return self.filter(email__iexact=email.strip())


class Supporter(models.Model):
    """A resident, company or organisation offering help, as they signed up."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        COMPANY = "company", _("Company")
        ORGANISATION = "organisation", _("Organisation")

    class Availability(models.TextChoices):
        REGULAR = "regular", _("Regularly")
        OCCASIONAL = "occasional", _("From time to time")
        ONCE = "once", _("Once")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # Not unique: one person may sign up again; access and erasure cover every sign-up.
    email = models.EmailField(_("e-mail"), max_length=254, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    support_types = models.ManyToManyField(
        "snippets.SupportType",
        verbose_name=_("support offered"),
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    districts = models.ManyToManyField(
        "snippets.MunicipalDistrict",
        verbose_name=_("districts"),
        related_name="+",
        blank=True,
        limit_choices_to=in_source_locale,
        help_text=_("Where they can help; none means anywhere in Athens."),
    )
    availability = models.CharField(_("availability"), max_length=20, choices=Availability.choices)
    message = models.TextField(_("message"), blank=True)
    contact_consent = models.BooleanField(
        _("agrees to be contacted"),
        default=False,
        help_text=_("Untick if the supporter withdraws consent: they are then never suggested."),
    )
    privacy_notice_version = models.CharField(_("privacy notice accepted"), max_length=20)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails to the supporter are written in this language."),
    )
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        help_text=_("Personal data erased on request; the rest is kept for statistics."),
    )

    objects = SupporterQuerySet.as_manager()

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["-signed_up_at", "-pk"]
        permissions = [
            ("export_supporter", _("Can export supporters' data")),
            ("erase_supporter", _("Can erase supporters' personal data")),
        ]

    def __str__(self):
        if self.erased_at:
            return str(_("Erased supporter #%(id)s") % {"id": self.pk})
        return self.name

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class Need(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """What an organisation needs: one support type, on the organisation, a service or an
    action.

    Needs on an organisation or a service are written by its editors and go through
    moderation. Needs on an action mirror its requested support types
    (`ActionSupportRequest`), kept in step when the action is published
    (`action_needs.sync_action_needs`): the action itself was moderated.
    """

    organisation = models.ForeignKey(
        "pages.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    service = models.ForeignKey(
        "pages.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=in_source_locale,
        help_text=_("Leave empty for a need of the organisation as a whole."),
    )
    action = models.ForeignKey(
        "pages.ActionPage",
        verbose_name=_("action"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
    )
    support_type = models.ForeignKey(
        "snippets.SupportType",
        verbose_name=_("type of support"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    description = models.TextField(_("what is needed"))
    needed_until = models.DateField(
        _("needed until"), null=True, blank=True, help_text=_("Leave empty if open-ended.")
    )
    accepts_introductions = models.BooleanField(
        _("introduce supporters by e-mail"),
        default=True,
        help_text=_(
            "The organisation agrees that ACCMR introduces matching supporters to its "
            "editors by e-mail."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="need")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="need",
        for_concrete_model=False,
    )

    panels = [
        FieldPanel("organisation", widget=forms.Select),
        FieldPanel("service", widget=forms.Select),
        FieldPanel("support_type", widget=forms.Select),
        FieldPanel("description"),
        FieldPanel("needed_until"),
        FieldPanel("accepts_introductions"),
    ]
    search_fields = [index.SearchField("description"), index.FilterField("organisation")]

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "support_type"],
                condition=Q(action__isnull=False),
                name="supporters_need_one_per_action_support_type",
            )
        ]

    def __str__(self):
        return f"{self.organisation.title}: {self.support_type.name}"

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        super().clean()
        if self.service_id and self.organisation_id:  # noqa: SIM102 (the parent is a query)
            if self.service.get_parent().pk != self.organisation_id:
                raise ValidationError(
                    {"service": _("Choose one of the organisation's own services.")}
                )

    def districts(self):
        """The districts where the need is: its action's places, its service's, or the
        organisation's."""
        if self.action_id:
            return {row.district for row in self.action.occurrences.all() if row.district_id}
        place = self.service if self.service_id else self.organisation
        return {place.district} if place.district_id else set()


class SupportOffer(models.Model):
    """An offer of support published on synAthina, as the synAthina connector stores it.

    The connector (another part of the platform) fills this table; the matching screen
    lists the active offers of a need's support type next to the suggested supporters.
    """

    synathina_id = models.PositiveIntegerField(_("synAthina id"), unique=True)
    support_type = models.ForeignKey(
        "snippets.SupportType",
        verbose_name=_("type of support"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    district = models.ForeignKey(
        "snippets.MunicipalDistrict",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    offered_by = models.CharField(_("offered by"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("on synAthina"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("synAthina support offer")
        verbose_name_plural = _("synAthina support offers")
        ordering = ["-received_at"]

    def __str__(self):
        return self.offered_by


class ReceivedSupportOfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every offer for those who may view offers (coordinators); an organisation's
        editors see the offers for their organisation's services and actions only."""
        if user.has_perm("supporters.view_receivedsupportoffer"):
            return self
        from .roles import editable_organisations  # roles imports the page models

        return self.filter(organisation__in=editable_organisations(user))

    def with_email(self, email):
        return self.filter(supporter_email__iexact=email.strip())

    def past_retention(self):
        """Offers whose supporter's details are due for erasure (and not erased yet)."""
        cutoff = timezone.now() - timedelta(days=RECEIVED_OFFER_RETENTION_DAYS)
        return self.filter(received_at__lt=cutoff, erased_at__isnull=True)


class ReceivedSupportOffer(models.Model):
    """A supporter's offer of help for one ACCMR action or service, forwarded by synAthina
    (`POST /api/v1/synathina/support-offers`).

    Unlike `SupportOffer` (synAthina's published offers, no one's contact details), it
    holds the supporter's personal data, for the target organisation's editors and the
    coordinators only. The idempotency key and the body's hash make synAthina's retries
    harmless: the unique key means one row per key, however many requests race.
    """

    class TargetType(models.TextChoices):
        ACTION = "action", _("Action")
        SERVICE = "service", _("Service")

    offer_id = models.PositiveIntegerField(_("synAthina offer id"), unique=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    # SHA-256 of the body as canonical JSON: a repeated key must come with the same body.
    body_hash = models.CharField(max_length=64, editable=False)
    organisation = models.ForeignKey(
        "pages.OrganisationPage",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    action = models.ForeignKey(
        "pages.ActionPage",
        verbose_name=_("action"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    service = models.ForeignKey(
        "pages.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    support_types = models.ManyToManyField(
        "snippets.SupportType",
        verbose_name=_("support offered"),
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    message = models.TextField(_("message"), blank=True)
    supporter_name = models.CharField(_("supporter"), max_length=200)
    supporter_organisation = models.CharField(
        _("supporter's organisation"), max_length=200, blank=True
    )
    supporter_email = models.EmailField(_("e-mail"), max_length=254, db_index=True)
    supporter_phone = models.CharField(_("phone"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(
        _("e-mailed at"),
        null=True,
        blank=True,
        help_text=_("When the organisation's editors and the coordinators were e-mailed."),
    )
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        help_text=_("Personal data erased on request; the rest is kept for statistics."),
    )

    objects = ReceivedSupportOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer of support from synAthina")
        verbose_name_plural = _("offers of support from synAthina")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, service__isnull=True)
                | Q(action__isnull=True, service__isnull=False),
                name="supporters_receivedsupportoffer_one_target",
            )
        ]

    def __str__(self):
        if self.erased_at:
            return str(_("Erased supporter #%(id)s") % {"id": self.pk})
        return self.supporter_name

    @property
    def target_type(self):
        return self.TargetType.ACTION if self.action_id else self.TargetType.SERVICE

    @property
    def target(self):
        return self.action if self.action_id else self.service


class Match(models.Model):
    """A coordinator's match of a supporter with a need, and where it stands."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        INTRODUCED = "introduced", _("Introduced")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")

    # The moves a coordinator may make from each status.
    NEXT = {
        Status.PROPOSED: (Status.INTRODUCED, Status.DECLINED),
        Status.INTRODUCED: (Status.ACCEPTED, Status.DECLINED),
        Status.ACCEPTED: (Status.COMPLETED,),
        Status.DECLINED: (),
        Status.COMPLETED: (),
    }

    supporter = models.ForeignKey(
        Supporter, verbose_name=_("supporter"), on_delete=models.CASCADE, related_name="matches"
    )
    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="matches"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    introduced_at = models.DateTimeField(_("introduced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supporter", "need"], name="supporters_match_once_per_need"
            )
        ]

    def __str__(self):
        return f"{self.supporter} → {self.need}"

    def next_statuses(self):
        return self.NEXT[self.Status(self.status)]


class MatchEvent(models.Model):
    """One step of a match's history: the status it moved to, when and by whom."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=Match.Status.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("match event")
        verbose_name_plural = _("match events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.at:%Y-%m-%d})"


class PersonalDataAccess(models.Model):
    """The audit log: each view, export and erasure of supporters' personal data.

    It names supporters by id only (never by name or address), so that it holds no
    personal data itself and survives their erasure.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        ERASE = "erase", _("Erased")
        INTRODUCE = "introduce", _("Introduced")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    via = models.CharField(
        _("via"), max_length=100, help_text=_("The admin screen or command used.")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    supporter_ids = models.JSONField(_("supporters"), default=list)
    received_offer_ids = models.JSONField(_("offers from synAthina"), default=list)

    class Meta:
        verbose_name = _("access to supporters' data")
        verbose_name_plural = _("accesses to supporters' data")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.get_action_display()} ({self.via})"


def log_access(action, supporters, *, via, user=None, received_offers=()):
    """Record that `user` (None for a command) did `action` on `supporters` (and the
    supporters of `received_offers`) through `via`."""
    ids = sorted({supporter.pk for supporter in supporters})
    offer_ids = sorted({offer.pk for offer in received_offers})
    if ids or offer_ids:
        PersonalDataAccess.objects.create(
            action=action,
            supporter_ids=ids,
            received_offer_ids=offer_ids,
            via=via,
            user=user if user and user.pk else None,
        )
