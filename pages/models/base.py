"""What every ACCMR page type shares: a preview template and tabbed editing."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, TabbedInterface
from wagtail.models import Page


def edit_tabs(content, *, location=None, hours=None, contact=None, settings=()):
    """Tabs in the order an editor fills them in: content, location, hours, contact, settings.

    `settings` panels come before Wagtail's own page settings, in the last tab.
    """
    tabs = [ObjectList(content, heading=_("Content"))]
    if location:
        tabs.append(ObjectList(location, heading=_("Location")))
    if hours:
        tabs.append(ObjectList(hours, heading=_("Opening hours")))
    if contact:
        tabs.append(ObjectList(contact, heading=_("Contact")))
    tabs.append(ObjectList(Page.promote_panels, heading=_("Promote")))
    tabs.append(ObjectList([*settings, *Page.settings_panels], heading=_("Settings")))
    return TabbedInterface(tabs)


class BasePage(Page):
    """Abstract base: the platform is headless, the template only serves previews."""

    template = "pages/page.html"

    class Meta:
        abstract = True
