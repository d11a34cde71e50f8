from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from snippets.models import in_source_locale, main_categories_in_source_locale

from .base import BasePage, edit_tabs
from .location import LOCATION_SYNCHRONISED, Location, coordinates_index, never_translated


class OrganisationIndexPage(BasePage):
    """The "Members" section: every organisation's page lives below it."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.OrganisationPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("organisations index")


class OrganisationPage(Location, BasePage):
    """An organisation: its editors' permission root, parent of its services and actions."""

    class LegalForm(models.TextChoices):
        NON_PROFIT_COMPANY = "non_profit_company", _("Non-profit company (AMKE)")
        ASSOCIATION = "association", _("Association (somateio)")
        FOUNDATION = "foundation", _("Foundation")
        INFORMAL_GROUP = "informal_group", _("Informal group")
        PUBLIC_BODY = "public_body", _("Public body")
        INTERNATIONAL = "international", _("International organisation")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    organisation_type = models.ForeignKey(
        "snippets.OrganisationType",
        verbose_name=_("type of organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    legal_form = models.CharField(
        _("legal form"), max_length=30, choices=LegalForm.choices, default=LegalForm.OTHER
    )
    non_profit = models.BooleanField(_("non-profit"), default=True)
    description = RichTextField(
        _("description"),
        blank=True,
        help_text=_("What the organisation does and for whom, in a few paragraphs."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    public_phone = models.CharField(
        _("public phone"), max_length=40, blank=True, help_text=_("Shown to the public.")
    )
    public_email = models.EmailField(
        _("public e-mail"), blank=True, help_text=_("Shown to the public.")
    )
    activity_fields = ParentalManyToManyField(
        "snippets.ServiceCategory",
        verbose_name=_("fields of activity"),
        blank=True,
        related_name="+",
        limit_choices_to=main_categories_in_source_locale,
    )
    synathina_team_id = models.PositiveIntegerField(
        _("synAthina team id"),
        null=True,
        blank=True,
        help_text=_("Only if the organisation is also registered on synAthina."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("organisation_type", widget=forms.Select),
        FieldPanel("description"),
        FieldPanel("logo"),
        FieldPanel("activity_fields", widget=forms.CheckboxSelectMultiple),
    ]
    contact_panels = [
        MultiFieldPanel(
            [FieldPanel("public_phone"), FieldPanel("public_email"), FieldPanel("website")],
            heading=_("Public contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("x_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("youtube_url"),
            ],
            heading=_("Social media"),
            classname="collapsed",
        ),
        InlinePanel(
            "contact_persons",
            heading=_("Contact persons (private)"),
            label=_("contact person"),
            max_num=3,
            help_text=_("Up to three people ACCMR can reach. Never shown to the public."),
        ),
    ]
    organisation_panels = [
        FieldPanel("legal_form"),
        FieldPanel("non_profit"),
        FieldPanel("synathina_team_id"),
    ]
    edit_handler = edit_tabs(
        content_panels,
        location=Location.location_panels,
        contact=contact_panels,
        settings=organisation_panels,
    )

    override_translatable_fields = [
        *LOCATION_SYNCHRONISED,
        *never_translated("organisation_type", "public_phone", "synathina_team_id"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("description"),
        index.FilterField("organisation_type"),
        index.FilterField("district"),
    ]

    parent_page_types = ["pages.OrganisationIndexPage"]
    subpage_types = ["pages.ServicePage", "pages.ActionPage", "pages.OpenCallPage"]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [coordinates_index("pages_organisation_coordinates")]


class OrganisationContactPerson(Orderable):
    """Private: visible to coordinators and the organisation's editors only."""

    page = ParentalKey(OrganisationPage, on_delete=models.CASCADE, related_name="contact_persons")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    panels = [FieldPanel("name"), FieldPanel("email"), FieldPanel("phone")]

    class Meta(Orderable.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return self.name
