from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .base import BasePage


class HomePage(BasePage):
    """The root of each locale's tree."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.OrganisationIndexPage", "pages.NewsIndexPage", "pages.ContentPage"]
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")
