"""The fixed top of each locale's tree: home, the organisations index and the news index."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.content_translation import translate
from snippets.seed import ensure_locales

from .models import HomePage, NewsIndexPage, OrganisationIndexPage

HOME = {"el": "Αρχική", "en": "Home"}
ORGANISATIONS = {"el": "Μέλη", "en": "Members"}
ORGANISATIONS_INTRO = {
    "el": "Οργανώσεις που προσφέρουν υπηρεσίες σε μετανάστες και πρόσφυγες στην Αθήνα.",
    "en": "Organisations offering services to migrants and refugees in Athens.",
}
NEWS = {"el": "Νέα", "en": "News"}
HOME_INTRO = {
    "el": "Το Κέντρο Συντονισμού για θέματα Μεταναστών και Προσφύγων του Δήμου Αθηναίων "
    "συγκεντρώνει τις υπηρεσίες και τις δράσεις για μετανάστες και πρόσφυγες στην Αθήνα.",
    "en": "The City of Athens' Coordination Center for Migrant and Refugee issues gathers the "
    "services and actions for migrants and refugees in Athens in one place.",
}


@dataclass
class SiteTree:
    home: HomePage
    organisations: OrganisationIndexPage
    news: NewsIndexPage


def _english_pairs(*texts):
    return {text["el"]: text["en"] for text in texts}


@transaction.atomic
def ensure_site_tree():
    """Create (once) the Greek home page and indexes, their English translations, and the Site."""
    ensure_locales()
    greek = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.filter(locale=greek).first()
    if home is None:
        home = _replace_wagtail_welcome_page(greek)
    organisations = OrganisationIndexPage.objects.child_of(home).first()
    if organisations is None:
        organisations = home.add_child(
            instance=OrganisationIndexPage(
                title=ORGANISATIONS["el"],
                slug="organisations",
                intro=ORGANISATIONS_INTRO["el"],
            )
        )
    news = NewsIndexPage.objects.child_of(home).first()
    if news is None:
        news = home.add_child(instance=NewsIndexPage(title=NEWS["el"], slug="news"))
    strings = _english_pairs(HOME, ORGANISATIONS, ORGANISATIONS_INTRO, NEWS, HOME_INTRO)
    strings.update({"home": "home", "organisations": "organisations", "news": "news"})
    for page in (home, organisations, news):
        if not page.has_translation(english):
            translate(page, english, strings)
    return SiteTree(home=home, organisations=organisations, news=news)


def _replace_wagtail_welcome_page(locale):
    """Wagtail's migrations leave a placeholder page under the root; the home page replaces it."""
    root = Page.get_first_root_node()
    for placeholder in root.get_children().exact_type(Page):
        placeholder.delete()
    home = root.add_child(
        instance=HomePage(title=HOME["el"], slug="home", intro=HOME_INTRO["el"], locale=locale)
    )
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", port=80, is_default_site=True
    )
    site.root_page = home
    site.site_name = settings.WAGTAIL_SITE_NAME
    site.save()
    return home
