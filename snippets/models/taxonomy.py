"""Taxonomies coordinators manage: translatable terms with stable slugs.

Pages always refer to the source-locale (Greek) term; a term's translations
share its `translation_key` and `slug`, so any language can name it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField


def in_source_locale():
    """`limit_choices_to` for relations to terms: only the source-locale terms."""
    return Q(locale__language_code=settings.LANGUAGE_CODE)


def main_categories_in_source_locale():
    """`limit_choices_to` for an organisation's fields of activity."""
    return in_source_locale() & Q(parent__isnull=True)


def subcategories_in_source_locale():
    """`limit_choices_to` for a service's categories: the main category follows from them."""
    return in_source_locale() & Q(parent__isnull=False)


class TermQuerySet(models.QuerySet):
    def in_source_locale(self):
        return self.filter(in_source_locale())


class TaxonomyTerm(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        allow_unicode=False,
        help_text=_(
            "A short identifier in Latin letters, the same in every language "
            "(e.g. 'mental-health'). Partners use it in the API: do not change it once set."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    objects = TermQuerySet.as_manager()

    # Never overridden in a translation: the same in every language (decision 1).
    override_translatable_fields = [
        SynchronizedField("slug", overridable=False),
        SynchronizedField("sort_order", overridable=False),
    ]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


def _unique_slug_per_locale(model_name):
    return models.UniqueConstraint(
        fields=["slug", "locale"], name=f"snippets_{model_name}_unique_slug_per_locale"
    )


class ServiceCategory(TaxonomyTerm):
    """Two levels: a category (no parent) and its subcategories."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcategories",
        limit_choices_to=Q(parent__isnull=True),
        help_text=_("Leave empty for a main category; choose one to make this a subcategory."),
    )

    panels = [FieldPanel("name"), FieldPanel("parent"), *TaxonomyTerm.panels[1:]]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

        constraints = [_unique_slug_per_locale("servicecategory")]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    def clean(self):
        super().clean()
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Categories have two levels: choose a main category as parent.")}
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if self.parent_id and self.pk and self.subcategories.exists():
            raise ValidationError(
                {"parent": _("This category has subcategories, so it must stay a main category.")}
            )


class TargetGroup(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        constraints = [_unique_slug_per_locale("targetgroup")]


class OrganisationType(TaxonomyTerm):
    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")
        constraints = [_unique_slug_per_locale("organisationtype")]


class Language(TaxonomyTerm):
    """A language a service is offered in; its slug is the ISO 639-1 code where one exists."""

    native_name = models.CharField(_("name in the language itself"), max_length=100, blank=True)

    override_translatable_fields = [
        *TaxonomyTerm.override_translatable_fields,
        SynchronizedField("native_name", overridable=False),
    ]
    panels = [*TaxonomyTerm.panels, FieldPanel("native_name")]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [_unique_slug_per_locale("language")]


class MunicipalDistrict(TaxonomyTerm):
    """One of Athens' seven municipal communities; its slug is its number."""

    number = models.PositiveSmallIntegerField(_("number"), help_text=_("1 to 7."))
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_("GeoJSON Polygon or MultiPolygon, longitude first."),
    )

    override_translatable_fields = [
        *TaxonomyTerm.override_translatable_fields,
        SynchronizedField("number", overridable=False),
        SynchronizedField("boundary", overridable=False),
    ]
    panels = [FieldPanel("name"), FieldPanel("number"), FieldPanel("boundary")]

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("municipal district")
        verbose_name_plural = _("municipal districts")
        ordering = ["number"]
        constraints = [
            _unique_slug_per_locale("municipaldistrict"),
            models.UniqueConstraint(
                fields=["number", "locale"], name="snippets_municipaldistrict_unique_number"
            ),
        ]

    def save(self, *args, **kwargs):
        self.slug = str(self.number)
        self.sort_order = self.number
        super().save(*args, **kwargs)


class SynathinaTerm(TaxonomyTerm):
    """A term that synAthina identifies by its own numeric id."""

    synathina_id = models.PositiveIntegerField(
        _("synAthina id"), help_text=_("The id synAthina uses for this term. Do not change it.")
    )

    override_translatable_fields = [
        *TaxonomyTerm.override_translatable_fields,
        SynchronizedField("synathina_id", overridable=False),
    ]
    panels = [*TaxonomyTerm.panels, FieldPanel("synathina_id")]

    class Meta(TaxonomyTerm.Meta):
        abstract = True
        ordering = ["synathina_id"]


class ThematicArea(SynathinaTerm):
    class Meta(SynathinaTerm.Meta):
        verbose_name = _("thematic area (synAthina)")
        verbose_name_plural = _("thematic areas (synAthina)")
        constraints = [
            _unique_slug_per_locale("thematicarea"),
            models.UniqueConstraint(
                fields=["synathina_id", "locale"], name="snippets_thematicarea_unique_synathina_id"
            ),
        ]


class SupportType(SynathinaTerm):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    published = models.BooleanField(
        _("published on synAthina"),
        default=True,
        help_text=_("synAthina hides unpublished types from its own forms."),
    )

    override_translatable_fields = [
        *SynathinaTerm.override_translatable_fields,
        SynchronizedField("published", overridable=False),
    ]
    panels = [*SynathinaTerm.panels, FieldPanel("parent"), FieldPanel("published")]

    class Meta(SynathinaTerm.Meta):
        verbose_name = _("support type (synAthina)")
        verbose_name_plural = _("support types (synAthina)")
        constraints = [
            _unique_slug_per_locale("supporttype"),
            models.UniqueConstraint(
                fields=["synathina_id", "locale"], name="snippets_supporttype_unique_synathina_id"
            ),
        ]
