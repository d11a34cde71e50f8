import datetime
from calendar import monthrange
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from snippets.models import in_source_locale, subcategories_in_source_locale

from .base import BasePage, edit_tabs
from .location import LOCATION_SYNCHRONISED, Location, coordinates_index, never_translated

ATHENS = ZoneInfo("Europe/Athens")
REVIEW_INTERVAL_MONTHS = 6


def months_after(day, months):
    """The same day `months` later, clamped to the end of shorter months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ServicePage(Location, BasePage):
    """A service an organisation offers, with where, when and how to reach it."""

    class Access(models.TextChoices):
        WALK_IN = "walk_in", _("Walk in, no appointment")
        APPOINTMENT = "appointment", _("By appointment")
        REFERRAL = "referral", _("Referral required")

    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        REMOTE = "remote", _("Remote (phone or online)")
        BOTH = "both", _("Both in person and remote")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("service status", "Active")
        TEMPORARILY_CLOSED = (
            "temporarily_closed",
            pgettext_lazy("service status", "Temporarily closed"),
        )
        INACTIVE = "inactive", pgettext_lazy("service status", "Inactive")

    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences: what the service offers and to whom."),
    )
    description = RichTextField(_("description"), blank=True)
    categories = ParentalManyToManyField(
        "snippets.ServiceCategory",
        verbose_name=_("categories"),
        related_name="+",
        limit_choices_to=subcategories_in_source_locale,
        help_text=_("Tick the subcategories that fit; the main category is implied."),
    )
    target_groups = ParentalManyToManyField(
        "snippets.TargetGroup",
        verbose_name=_("who it is for"),
        blank=True,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    eligibility = models.TextField(
        _("who can use it"),
        blank=True,
        help_text=_("Conditions, documents people need to bring, age limits…"),
    )
    access = models.CharField(
        _("how to access"), max_length=20, choices=Access.choices, default=Access.WALK_IN
    )
    how_to_access = models.TextField(
        _("how to access, in words"),
        blank=True,
        help_text=_("For example: call on weekday mornings to book an appointment."),
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    cost_description = models.CharField(
        _("cost"),
        max_length=255,
        blank=True,
        help_text=_("If the service is not free, what it costs."),
    )
    languages = ParentalManyToManyField(
        "snippets.Language",
        verbose_name=_("languages the service is offered in"),
        blank=True,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    interpretation_available = models.BooleanField(
        _("interpretation available"),
        default=False,
        help_text=_("An interpreter or cultural mediator can be arranged."),
    )
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.IN_PERSON
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free entrance, lift, accessible toilet, sign language…"),
    )
    status = models.CharField(
        _("operating status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    last_verified = models.DateField(
        _("last verified"),
        default=datetime.date.today,
        help_text=_("When someone last checked that this information is correct."),
    )
    next_review = models.DateField(
        _("next review"),
        null=True,
        blank=True,
        help_text=_("Leave empty for six months after the last check."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("target_groups", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("eligibility"),
                FieldPanel("access"),
                FieldPanel("how_to_access"),
                FieldRowPanel([FieldPanel("is_free"), FieldPanel("cost_description")]),
            ],
            heading=_("Who can use it and how"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("languages", widget=forms.CheckboxSelectMultiple),
                FieldPanel("interpretation_available"),
            ],
            heading=_("Languages"),
        ),
        FieldPanel("accessibility"),
    ]
    location_panels = [FieldPanel("delivery"), *Location.location_panels]
    hours_panels = [
        InlinePanel(
            "opening_hours",
            heading=_("Weekly opening hours"),
            label=_("opening hours"),
            help_text=_("Athens time. Add one row per opening period, e.g. Monday 09:00–14:00."),
        ),
        InlinePanel(
            "closures",
            heading=_("Closures"),
            label=_("closure"),
            help_text=_("Holidays and other days the service is closed."),
        ),
    ]
    contact_panels = [
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("website"),
        InlinePanel("messaging_channels", heading=_("Messaging apps"), label=_("messaging app")),
    ]
    review_panels = [
        FieldPanel("status"),
        FieldRowPanel([FieldPanel("last_verified"), FieldPanel("next_review")]),
    ]
    edit_handler = edit_tabs(
        content_panels,
        location=location_panels,
        hours=hours_panels,
        contact=contact_panels,
        settings=review_panels,
    )

    override_translatable_fields = [
        *LOCATION_SYNCHRONISED,
        *never_translated("phone", "status", "last_verified", "next_review"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("eligibility"),
        index.FilterField("status"),
        index.FilterField("delivery"),
        index.FilterField("district"),
    ]

    parent_page_types = ["pages.OrganisationPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        # `near` and the map (pages/api/services.py, map.py). The other filters use the
        # indexes Django gives foreign keys and many-to-many tables (docs/api.md).
        indexes = [coordinates_index("pages_service_coordinates")]

    @property
    def organisation(self):
        return self.get_parent().specific

    def clean(self):
        super().clean()
        self.schedule_review()
        if self.delivery != self.Delivery.REMOTE and not (self.address and self.has_coordinates):
            raise ValidationError(
                {
                    "address": _(
                        "A service offered in person needs an address and coordinates. "
                        "Choose 'Remote' delivery if there is no place to visit."
                    )
                }
            )
        if self.next_review and self.last_verified and self.next_review < self.last_verified:
            raise ValidationError(
                {"next_review": _("The next review cannot be before the last check.")}
            )

    def save(self, *args, **kwargs):
        self.schedule_review()
        super().save(*args, **kwargs)

    def schedule_review(self):
        """Six months after the last check, unless someone chose another date.

        A review date that was filled in from the stored check moves with a new check.
        """
        if not self.last_verified:
            return
        stored = (
            type(self).objects.filter(pk=self.pk).values("last_verified", "next_review").first()
            if self.pk
            else None
        )
        follows_new_check = (
            stored is not None
            and self.last_verified != stored["last_verified"]
            and self.next_review == stored["next_review"]
            and stored["next_review"]
            == months_after(stored["last_verified"], REVIEW_INTERVAL_MONTHS)
        )
        if self.next_review is None or follows_new_check:
            self.next_review = months_after(self.last_verified, REVIEW_INTERVAL_MONTHS)

    def is_open_at(self, moment=None):
        """Whether the service is open at `moment` (aware; default now), in Athens time."""
        if self.status != self.Status.ACTIVE:
            return False
        local = timezone.localtime(moment or timezone.now(), ATHENS)
        day, time = local.date(), local.time()
        if any(c.start_date <= day <= c.end_date for c in self.closures.all()):
            return False
        return any(
            row.weekday == day.weekday() and row.opens <= time < row.closes
            for row in self.opening_hours.all()
        )


class ServiceOpeningHours(Orderable):
    """One weekly opening period, in Europe/Athens local time."""

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def clean(self):
        super().clean()
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class ServiceClosure(Orderable):
    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("closed from"))
    end_date = models.DateField(_("closed until (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("reason"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The closure must end on or after its start.")})


class ServiceMessagingChannel(Orderable):
    class App(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        VIBER = "viber", "Viber"
        SIGNAL = "signal", "Signal"
        TELEGRAM = "telegram", "Telegram"
        MESSENGER = "messenger", "Messenger"

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="messaging_channels")
    app = models.CharField(_("app"), max_length=20, choices=App.choices)
    handle = models.CharField(
        _("number or username"), max_length=100, help_text=_("e.g. +30 69… or @username")
    )

    panels = [FieldRowPanel([FieldPanel("app"), FieldPanel("handle")])]

    class Meta(Orderable.Meta):
        verbose_name = _("messaging app")
        verbose_name_plural = _("messaging apps")
