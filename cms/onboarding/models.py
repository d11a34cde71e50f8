"""Organisations' applications to join: the coordinators' inbox.

Back-office records: not translatable, never part of any public API output.
An application keeps the applicant's own words; approving it creates the
organisation's page from them (`decisions.approve_registration`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from snippets.models import in_source_locale, main_categories_in_source_locale

MAX_CONTACTS = 3


class DuplicateMatch(models.TextChoices):
    """Which field of an application matched an existing organisation or application."""

    NAME = "name", _("same name")
    EMAIL = "email", _("same e-mail address")
    WEBSITE = "website", _("same website")


class RegistrationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OrganisationRegistration.Status.PENDING)


class OrganisationRegistration(models.Model):
    """One organisation's application, as submitted through the API."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    name = models.CharField(_("organisation name"), max_length=255)
    organisation_type = models.ForeignKey(
        "snippets.OrganisationType",
        verbose_name=_("type of organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    description = models.TextField(_("description"))
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    service_categories = models.ManyToManyField(
        "snippets.ServiceCategory",
        verbose_name=_("fields of activity"),
        related_name="+",
        limit_choices_to=main_categories_in_source_locale,
    )
    language = models.CharField(
        _("language of the application"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails about this application are written in this language."),
    )
    consented_at = models.DateTimeField(_("terms accepted at"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)

    possible_duplicate = models.BooleanField(
        _("possible duplicate"),
        default=False,
        help_text=_("Set at submission when a field matched an existing organisation."),
    )
    # A list of {"match": DuplicateMatch, "value": ..., "existing": "organisation" or
    # "registration", "existing_id": ..., "existing_name": ...}: kept as data, so that the
    # admin can word it in each coordinator's language.
    duplicate_reasons = models.JSONField(_("duplicate reasons"), default=list, blank=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    organisation = models.OneToOneField(
        "pages.OrganisationPage",
        verbose_name=_("organisation page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registration",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation registration")
        verbose_name_plural = _("organisation registrations")
        ordering = ["-submitted_at", "-pk"]
        # Registrations arrive through the API and are never edited in the admin.
        default_permissions = ("view", "delete")
        permissions = [("decide_registration", _("Can approve or reject registrations"))]

    def __str__(self):
        return self.name

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class RegistrationContact(models.Model):
    """A contact person of an application; becomes an editor when it is approved."""

    registration = models.ForeignKey(
        OrganisationRegistration, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    # An approved contact's user name is this address: Django's user names hold 150 characters.
    email = models.EmailField(_("e-mail"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["pk"]

    def __str__(self):
        return self.name
