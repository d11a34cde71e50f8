from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from snippets.models import in_source_locale

from .base import BasePage, edit_tabs


class OpenCallPage(BasePage):
    """A call for volunteers, partners, staff or funding."""

    class CallType(models.TextChoices):
        VOLUNTEERS = "volunteers", _("Volunteers")
        PARTNERS = "partners", pgettext_lazy("open call is looking for", "Partners")
        STAFF = "staff", _("Staff")
        FUNDING = "funding", _("Funding")

    call_type = models.CharField(_("looking for"), max_length=20, choices=CallType.choices)
    summary = models.CharField(_("summary"), max_length=300)
    description = RichTextField(_("description"), blank=True)
    thematic_areas = ParentalManyToManyField(
        "snippets.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="+",
        limit_choices_to=in_source_locale,
    )
    deadline = models.DateTimeField(
        _("deadline"), null=True, blank=True, help_text=_("Leave empty if the call is rolling.")
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("call_type"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("deadline"),
        FieldPanel("thematic_areas", widget=forms.CheckboxSelectMultiple),
        InlinePanel("attachments", heading=_("Attachments"), label=_("attachment")),
    ]
    edit_handler = edit_tabs(content_panels)
    search_fields = [*BasePage.search_fields, index.SearchField("summary")]

    parent_page_types = ["pages.OrganisationPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("open call")
        verbose_name_plural = _("open calls")

    @property
    def is_open(self):
        return self.deadline is None or self.deadline >= timezone.now()


class OpenCallAttachment(Orderable):
    page = ParentalKey(OpenCallPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
