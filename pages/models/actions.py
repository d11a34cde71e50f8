from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

from snippets.models import in_source_locale

from .base import BasePage, edit_tabs
from .location import LOCATION_SYNCHRONISED, Location, never_translated

# synAthina's limits on an action (see shared/synathina/CONTRACT.md).
SHORT_DESCRIPTION_MAX_LENGTH = 250
MAX_OCCURRENCES = 11


class ActionPage(BasePage):
    """An event or initiative, held on one or more occasions."""

    class Source(models.TextChoices):
        ACCMR = "accmr", "ACCMR"
        SYNATHINA = "synathina", "synAthina"

    short_description = models.CharField(
        _("short description"),
        max_length=SHORT_DESCRIPTION_MAX_LENGTH,
        help_text=_("At most 250 characters: synAthina shows this text in its listings."),
    )
    description = RichTextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner_organisations = ParentalManyToManyField(
        "pages.OrganisationPage",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="+",
        limit_choices_to=in_source_locale,
        help_text=_("Organisations on this platform that run the action with you."),
    )
    other_partners = models.CharField(
        _("other partners"),
        max_length=255,
        blank=True,
        help_text=_("Partners not on this platform, separated by commas."),
    )
    share_on_synathina = models.BooleanField(
        _("share on synAthina"),
        default=False,
        help_text=_(
            "The organisation agrees that this action is published on the City of Athens' "
            "synAthina platform once approved."
        ),
    )

    # Partner actions are imported read-only from synAthina (the connector sets these).
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.ACCMR, editable=False
    )
    source_url = models.URLField(_("original page"), blank=True, editable=False)

    override_translatable_fields = never_translated("source", "source_url")

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("short_description"),
        FieldPanel("description"),
        FieldPanel("image"),
        InlinePanel(
            "occurrences",
            heading=_("When and where"),
            label=_("occurrence"),
            min_num=1,
            max_num=MAX_OCCURRENCES,
            help_text=_("Between 1 and 11 dates. Each can have its own place."),
        ),
        InlinePanel(
            "support_requests",
            heading=_("Support you are asking for"),
            label=_("support request"),
            help_text=_("Volunteers, goods, space… with a message saying what exactly you need."),
        ),
    ]
    partnership_panels = [
        MultiFieldPanel(
            [FieldPanel("partner_organisations"), FieldPanel("other_partners")],
            heading=_("Partners"),
        ),
        FieldPanel("share_on_synathina"),
    ]
    edit_handler = edit_tabs(content_panels, settings=partnership_panels)

    search_fields = [
        *BasePage.search_fields,
        index.SearchField("short_description"),
        index.SearchField("description"),
    ]

    parent_page_types = ["pages.OrganisationPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")


class ActionOccurrence(TranslatableMixin, Location, Orderable, ClusterableModel):
    """One date (and place) of an action."""

    page = ParentalKey(ActionPage, on_delete=models.CASCADE, related_name="occurrences")
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    thematic_areas = ParentalManyToManyField(
        "snippets.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="+",
        limit_choices_to=in_source_locale,
    )

    panels = [
        FieldPanel("subtitle"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        *Location.location_panels,
        FieldPanel("thematic_areas", widget=forms.CheckboxSelectMultiple),
    ]
    override_translatable_fields = [*LOCATION_SYNCHRONISED, *never_translated("start", "end")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An occurrence cannot end before it starts.")})


class ActionSupportRequest(TranslatableMixin, Orderable):
    """A kind of support the action asks for, with what exactly is needed."""

    page = ParentalKey(ActionPage, on_delete=models.CASCADE, related_name="support_requests")
    support_type = models.ForeignKey(
        "snippets.SupportType",
        verbose_name=_("type of support"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    message = models.TextField(_("what you need"), blank=True)

    panels = [FieldPanel("support_type", widget=forms.Select), FieldPanel("message")]
    override_translatable_fields = never_translated("support_type")

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
