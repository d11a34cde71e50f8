"""Locale-aware factories for the content model.

Plain functions, no extra dependencies. Pages are created in the source
locale (Greek) under the site tree the session fixture installs, and refer
to the Greek taxonomy terms, as the admin does (`limit_choices_to`).

    organisation = make_organisation(title="Praksis")
    service = make_service(organisation, categories=[category("mental-health")])
    action = make_action(organisation, occurrences=3)
    english_organisation = translate_page(organisation, "en", title="Praksis (EN)")
"""

import datetime
import itertools
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale

from pages.models import (
    ActionOccurrence,
    ActionPage,
    OpenCallPage,
    OrganisationIndexPage,
    OrganisationPage,
    ServiceClosure,
    ServiceOpeningHours,
    ServicePage,
)
from snippets.models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    SupportType,
    TargetGroup,
    ThematicArea,
)

# Well-known places, as (latitude, longitude); each lies clearly inside its district.
SYNTAGMA = (Decimal("37.975527"), Decimal("23.734547"))  # district 1
PAGRATI = (Decimal("37.968000"), Decimal("23.747000"))  # district 2
PETRALONA = (Decimal("37.969000"), Decimal("23.709000"))  # district 3
KOLONOS = (Decimal("37.993000"), Decimal("23.712000"))  # district 4
PATISIA = (Decimal("38.017000"), Decimal("23.733000"))  # district 5
KYPSELI = (Decimal("38.003000"), Decimal("23.741000"))  # district 6
AMPELOKIPOI = (Decimal("37.987000"), Decimal("23.759000"))  # district 7
PIRAEUS = (Decimal("37.942000"), Decimal("23.646000"))  # in Greece, outside Athens
THESSALONIKI = (Decimal("40.640100"), Decimal("22.944400"))  # far from Athens

_counter = itertools.count(1)


def unique(prefix):
    """A name no other factory call in this test run has used."""
    return f"{prefix}-{next(_counter)}"


# --- Locales and terms ------------------------------------------------------------


def greek():
    """The source locale."""
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def english():
    return Locale.objects.get(language_code="en")


def greek_term(model, slug):
    """The Greek (source-locale) term of `model` with `slug`."""
    return model.objects.get(locale=greek(), slug=slug)


def category(slug):
    return greek_term(ServiceCategory, slug)


def target_group(slug):
    return greek_term(TargetGroup, slug)


def organisation_type(slug="ngo"):
    return greek_term(OrganisationType, slug)


def language(slug):
    return greek_term(Language, slug)


def district(number):
    return MunicipalDistrict.objects.get(locale=greek(), number=number)


def thematic_area(synathina_id):
    return ThematicArea.objects.get(locale=greek(), synathina_id=synathina_id)


def support_type(synathina_id):
    return SupportType.objects.get(locale=greek(), synathina_id=synathina_id)


# --- Pages -----------------------------------------------------------------------


def organisations_index():
    """The Greek "Members" page every organisation lives under."""
    return OrganisationIndexPage.objects.get(locale=greek())


def _create(parent, page, publish):
    """Add `page` under `parent`, published or as a draft, as the admin's buttons would.

    Returns the page as read back from the database (child rows included).
    """
    page.live = publish
    parent.add_child(instance=page)
    return _save(page, publish)


def _save(page, publish):
    revision = page.save_revision()
    if publish:
        revision.publish()
    return type(page).objects.get(pk=page.pk)


def _set_many(page, many):
    for name, values in many.items():
        setattr(page, name, values)


def make_organisation(parent=None, *, publish=True, **fields):
    """A live Greek OrganisationPage (an NGO at Syntagma unless `fields` say otherwise).

    Many-to-many fields (`activity_fields=[...]`) are accepted like any other;
    `publish=False` leaves a draft that was never live.
    """
    parent = parent or organisations_index()
    title = fields.pop("title", None) or unique("Οργάνωση")
    many = {"activity_fields": fields.pop("activity_fields", [])}
    latitude, longitude = SYNTAGMA
    values = {
        "title": title,
        "slug": unique("organisation"),
        "organisation_type": organisation_type("ngo"),
        "address": "Πλατεία Συντάγματος, 105 63 Αθήνα",
        "latitude": latitude,
        "longitude": longitude,
        **fields,
    }
    page = OrganisationPage(**values)
    _set_many(page, many)
    return _create(parent, page, publish)


def make_service(organisation, *, opening_hours=(), closures=(), publish=True, **fields):
    """A live Greek ServicePage of `organisation`, in person at Syntagma by default.

    `opening_hours` are (weekday, opens, closes) tuples or dicts, with
    `datetime.time` values; `closures` are (start_date, end_date) tuples or
    dicts. `categories` defaults to primary care; with `delivery="remote"` the
    service has no address or coordinates unless given.
    """
    many = {
        "categories": fields.pop("categories", None) or [category("primary-care")],
        "target_groups": fields.pop("target_groups", []),
        "languages": fields.pop("languages", []),
    }
    values = {
        "title": unique("Υπηρεσία"),
        "slug": unique("service"),
        "summary": "Δωρεάν ιατρική εξέταση για όλους.",
    }
    if fields.get("delivery") != ServicePage.Delivery.REMOTE:
        latitude, longitude = SYNTAGMA
        values.update(
            address="Πλατεία Συντάγματος, 105 63 Αθήνα", latitude=latitude, longitude=longitude
        )
    values.update(fields)
    page = ServicePage(**values)
    _set_many(page, many)
    page.opening_hours = [
        ServiceOpeningHours(**_as_fields(row, ("weekday", "opens", "closes")))
        for row in opening_hours
    ]
    page.closures = [
        ServiceClosure(**_as_fields(row, ("start_date", "end_date"))) for row in closures
    ]
    return _create(organisation, page, publish)


def make_occurrence(start=None, **fields):
    """An unsaved ActionOccurrence (two hours at Syntagma, a week from now by default)."""
    start = start or timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    thematic_areas = fields.pop("thematic_areas", [])
    latitude, longitude = SYNTAGMA
    values = {
        "start": start,
        "end": start + datetime.timedelta(hours=2),
        "address": "Πλατεία Συντάγματος, 105 63 Αθήνα",
        "latitude": latitude,
        "longitude": longitude,
        **fields,
    }
    occurrence = ActionOccurrence(**values)
    occurrence.thematic_areas = thematic_areas
    return occurrence


def make_action(organisation, occurrences=1, *, publish=True, **fields):
    """A live Greek ActionPage of `organisation`.

    `occurrences` is a number of weekly occurrences, or a list of dicts of
    ActionOccurrence fields (or ActionOccurrence instances).
    """
    if isinstance(occurrences, int):
        first = timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
        occurrences = [{"start": first + datetime.timedelta(weeks=i)} for i in range(occurrences)]
    partner_organisations = fields.pop("partner_organisations", [])
    values = {
        "title": unique("Δράση"),
        "slug": unique("action"),
        "short_description": "Ανοιχτή γιορτή της γειτονιάς.",
        **fields,
    }
    page = ActionPage(**values)
    page.partner_organisations = partner_organisations
    page.occurrences = [
        item if isinstance(item, ActionOccurrence) else make_occurrence(**item)
        for item in occurrences
    ]
    # The admin numbers inline rows; programmatic children must be numbered by hand.
    for position, occurrence in enumerate(page.occurrences.all()):
        occurrence.sort_order = position
    return _create(organisation, page, publish)


def make_open_call(organisation, *, publish=True, **fields):
    """A live Greek OpenCallPage of `organisation`: volunteers wanted, no deadline."""
    thematic_areas = fields.pop("thematic_areas", [])
    values = {
        "title": unique("Πρόσκληση"),
        "slug": unique("open-call"),
        "call_type": OpenCallPage.CallType.VOLUNTEERS,
        "summary": "Ζητάμε εθελοντές για τα μαθήματα ελληνικών.",
        **fields,
    }
    page = OpenCallPage(**values)
    page.thematic_areas = thematic_areas
    return _create(organisation, page, publish)


def translate_page(page, language_code="en", *, publish=True, **fields):
    """Copy a Greek page into another locale's tree, with `fields` (e.g. a title) changed.

    The copy sits under the translation of the page's parent; parents not yet in that
    locale are copied there first, as drafts (translate an organisation before its
    services to give them a live parent).
    """
    locale = Locale.objects.get(language_code=language_code)
    translation = page.specific.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.live = publish
    translation.save()
    return _save(translation, publish)


def _as_fields(row, names):
    return row if isinstance(row, dict) else dict(zip(names, row, strict=True))
