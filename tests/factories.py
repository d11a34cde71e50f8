"""Locale-aware factories for the content model.

Plain functions, no extra dependencies. Pages are created in the source
locale (Greek) under the site tree the session fixture installs, and refer
to the Greek taxonomy terms, as the admin does (`limit_choices_to`).

    organisation = make_organisation(title="Praksis")
    service = make_service(organisation, categories=[category("mental-health")])
    action = make_action(organisation, occurrences=3)
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


def _publish(page):
    """Give the page a published revision, as publishing from the admin would."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _set_many(page, many):
    for name, values in many.items():
        setattr(page, name, values)


def make_organisation(parent=None, *, publish=True, **fields):
    """A live Greek OrganisationPage (an NGO at Syntagma unless `fields` say otherwise).

    Many-to-many fields (`activity_fields=[...]`) are accepted like any other.
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
    parent.add_child(instance=page)
    return _publish(page) if publish else page


def make_service(
    organisation, *, opening_hours=(), closures=(), publish=True, **fields
):
    """A live Greek ServicePage of `organisation`, in person at Syntagma by default.

    `opening_hours` are (weekday, opens, closes) tuples or dicts; `closures` are
    (start_date, end_date) tuples or dicts. `categories` defaults to primary care.
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
    organisation.add_child(instance=page)
    return _publish(page) if publish else page


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
    organisation.add_child(instance=page)
    return _publish(page) if publish else page


def _as_fields(row, names):
    return row if isinstance(row, dict) else dict(zip(names, row, strict=True))
