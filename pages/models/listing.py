"""The services list's read model: one row per listable service and API language."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cms.api.language import FALLBACK_LANGUAGES

# Every listed service has a row in these languages (English and Greek).
LISTED_IN_EVERY_LANGUAGE = FALLBACK_LANGUAGES
# The service page's many-to-many taxonomies a row keeps in `terms`, by filter name.
LISTED_TERM_RELATIONS = {
    "category": "categories",
    "target_group": "target_groups",
    "language": "languages",
}


def term_key(filter_name, term_id):
    """A term's key in `ServiceListing.terms`."""
    return f"{filter_name}:{term_id}"


class ServiceListingQuerySet(models.QuerySet):
    def answering(self, language):
        """The row each listed service is served from to a request in `language`: its
        own row in that language, else its English row (the rest of the chain)."""
        if language in LISTED_IN_EVERY_LANGUAGE:
            return self.filter(language=language)
        own = ServiceListing.objects.filter(language=language, service=OuterRef("service"))
        return self.filter(Q(language=language) | Q(language="en") & ~Exists(own))


class ServiceListing(models.Model):
    """What `GET /api/v1/services` and the map read of one service in one language.

    Only listable services have rows (live, public, of a live organisation: decision 42).
    Every service has an `el` and an `en` row; another language has a row only where the
    service or its organisation has a live translation in it, and a request in that
    language otherwise reads the `en` row (the fallback chain is the same from there).
    Filter columns are copied from the Greek page; `title` is the served one. What the
    API serves of the row is in its `ServiceListingPayload`, a table of its own so that
    filtering, counting and sorting read narrow rows. Written by
    `pages.api.service_listing`, never edited by hand.
    """

    service = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("service (Greek page)"),
        on_delete=models.CASCADE,
        related_name="service_listings",
    )
    language = models.CharField(_("language requested"), max_length=10)
    served_language = models.CharField(_("language served"), max_length=10)
    title = models.CharField(_("title served"), max_length=255)
    updated = models.DateTimeField(_("last published"), null=True)
    organisation_id = models.PositiveIntegerField(_("organisation (Greek page)"))
    organisation_type_id = models.PositiveIntegerField(_("organisation type"), null=True)
    district = models.PositiveSmallIntegerField(_("district"), null=True)
    delivery = models.CharField(_("delivery"), max_length=20)
    is_free = models.BooleanField(_("free of charge"))
    status = models.CharField(_("operating status"), max_length=20)
    latitude = models.FloatField(_("latitude"), null=True)
    longitude = models.FloatField(_("longitude"), null=True)
    # {"category:9": true, "target_group:3": true, …}: the service's terms as keys, so a
    # taxonomy filter is a key test on the row (`has_any_keys`), on PostgreSQL through a
    # GIN index (migration 0007), rather than a probe of a many-to-many table per row.
    terms = models.JSONField(_("taxonomy terms"), default=dict)

    objects = ServiceListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("service listing")
        verbose_name_plural = _("service listings")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "service"], name="service_listing_language_service"
            )
        ]
        # No index on the title: a page is read with the count of every match (a window
        # over all of them), so walking rows in title order never stops early, and
        # PostgreSQL choosing to do so anyway read every row (decision 73).
        indexes = [
            models.Index(fields=["language", "district"], name="service_listing_district"),
            # The language first: a `near` box then reads one language's rows only; what
            # the list reads of them is included, so the box is an index-only scan.
            models.Index(
                fields=["language", "latitude", "longitude"],
                include=["id", "served_language", "service_id"],
                name="service_listing_location",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"


class ServiceListingPayload(models.Model):
    """A `ServiceListing` row's list item and map feature, serialised as the API sends them."""

    listing = models.OneToOneField(
        ServiceListing,
        verbose_name=_("service listing"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="payload",
    )
    item = models.TextField(_("list item (JSON)"))
    feature = models.TextField(_("map feature (JSON)"), blank=True)

    class Meta:
        verbose_name = _("service listing payload")
        verbose_name_plural = _("service listing payloads")

    def __str__(self):
        return str(self.listing)


class ServiceListingGeneration(models.Model):
    """One row counting the changes to the listings: every refresh adds one in the same
    transaction, so a number read names the listings as committed then."""

    number = models.PositiveBigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("service listings generation")
        verbose_name_plural = _("service listings generations")

    def __str__(self):
        return str(self.number)

    @classmethod
    def advance(cls):
        """Count a change to the listings, in the transaction making it: the row lock also
        orders concurrent changes."""
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls._restart()

    @classmethod
    def current(cls):
        number = cls.objects.filter(pk=1).values_list("number", flat=True).first()
        return cls._restart().number if number is None else number

    @classmethod
    def _restart(cls):
        """Count afresh when the migration's row is gone (a flushed test database): the
        layers stored under the old numbers go too."""
        ServiceMapLayer.objects.all().delete()
        return cls.objects.get_or_create(pk=1)[0]


class ServiceMapLayer(models.Model):
    """The map's services in one language with no filter: every located service's feature,
    joined. Written by the first such map request after the listings change, and valid
    while they stay as they were (`generation`, see `pages.api.map`)."""

    language = models.CharField(_("language requested"), max_length=10, primary_key=True)
    generation = models.PositiveBigIntegerField(_("listings generation"))
    features = models.TextField(_("features (JSON, comma-separated)"), blank=True)
    served_languages = models.CharField(
        _("languages served (comma-separated)"), max_length=100, blank=True
    )

    class Meta:
        verbose_name = _("services map layer")
        verbose_name_plural = _("services map layers")

    def __str__(self):
        return self.language
