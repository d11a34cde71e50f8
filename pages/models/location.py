"""A place on the map: address, coordinates and the district they fall in."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail_localize.fields import SynchronizedField

from snippets.geography import district_at, latitude_validators, longitude_validators
from snippets.models import in_source_locale


def coordinates_index(name):
    """An index on (latitude, longitude) for a concrete subclass's Meta: `near` filters
    first narrow to a bounding box with it, and the map skips rows without coordinates."""
    return models.Index(fields=["latitude", "longitude"], name=name)


def never_translated(*names):
    """Fields copied from the Greek source into every translation, which cannot change them."""
    return [SynchronizedField(name, overridable=False) for name in names]


# The place is the same in every language; the address may be transliterated.
LOCATION_SYNCHRONISED = never_translated(
    "latitude", "longitude", "district", "district_set_by_hand"
)


class Location(models.Model):
    """Abstract: an address with coordinates; the district follows from them.

    The district is looked up from the coordinates on every clean and save,
    unless an editor ticks "set district by hand".
    """

    address = models.CharField(
        _("address"),
        max_length=255,
        blank=True,
        help_text=_("Street, number and postcode, as a visitor would write it."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=latitude_validators,
        help_text=_("For example 37.975527 (Syntagma). Copy it from any online map."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=longitude_validators,
        help_text=_("For example 23.734547 (Syntagma)."),
    )
    district = models.ForeignKey(
        "snippets.MunicipalDistrict",
        verbose_name=_("municipal district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to=in_source_locale,
        help_text=_("Filled in from the coordinates when you save. Empty outside Athens."),
    )
    district_set_by_hand = models.BooleanField(
        _("set district by hand"),
        default=False,
        help_text=_("Tick only if the district filled in from the coordinates is wrong."),
    )

    location_panels = [
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        MultiFieldPanel(
            [FieldPanel("district", widget=forms.Select), FieldPanel("district_set_by_hand")],
            heading=_("Municipal district"),
        ),
    ]

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.assign_district()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})
        self.assign_district()

    def assign_district(self):
        if not self.district_set_by_hand:
            self.district = (
                district_at(self.latitude, self.longitude) if self.has_coordinates else None
            )

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None
