"""ACCMR's pages as HSDS 3.1 records (docs/hsds-profile.md says what maps to what).

Each builder takes pages already chosen for serving (`cms.api.listing.Served`) and the
request's `RecordContext`; it reads only what the callers prefetched, so a list costs
a fixed number of queries. Empty values are left out rather than sent as "" or null:
HSDS's schemas don't allow null, and an absent field means "not known".

Never here: organisations' contact persons, drafts, review dates, editors' notes.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.rich_text import get_text_for_indexing

from pages.models import ServicePage
from snippets.models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    TargetGroup,
)

from .ids import derived_id
from .terms import TermCatalogue

HSDS_VERSION = "3.1"
# Opening hours are wall-clock times in Athens; `tzid` names the zone (profile field).
TIMEZONE = "Europe/Athens"
COUNTRY = "GR"
CURRENCY = "EUR"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
GREEK_POSTCODE = re.compile(r"\b\d{3} ?\d{2}\b")
STATUSES = {
    ServicePage.Status.ACTIVE: "active",
    ServicePage.Status.TEMPORARILY_CLOSED: "temporarily closed",
    ServicePage.Status.INACTIVE: "inactive",
}
SOCIAL_LINKS = (
    ("facebook_url", "Facebook"),
    ("instagram_url", "Instagram"),
    ("x_url", "X"),
    ("linkedin_url", "LinkedIn"),
    ("youtube_url", "YouTube"),
)

# What a full service or organisation reads from its serving page: prefetch these.
SERVICE_PREFETCH = (
    "categories",
    "target_groups",
    "languages",
    "opening_hours",
    "closures",
    "messaging_channels",
)
ORGANISATION_PREFETCH = ("logo", "activity_fields")


@dataclass
class RecordContext:
    request: object
    terms: TermCatalogue


def timestamp(moment):
    """RFC 3339 in UTC with milliseconds, as HSDS's examples write it."""
    utc = moment.astimezone(datetime.UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _with_optional(record, **fields):
    """`record` plus the `fields` that have a value (HSDS fields are never null)."""
    record.update({name: value for name, value in fields.items() if value not in (None, "", [])})
    return record


def _text(*parts):
    """Plain text from rich text and plain fields, paragraphs apart (HSDS text is plain)."""
    texts = [get_text_for_indexing(part) for part in parts if part]
    return "\n\n".join(text for text in texts if text)


def _attributes(owner_id, entity, terms):
    return [
        {
            "id": derived_id(owner_id, "attribute", term.id),
            "link_id": owner_id,
            "link_type": term.taxonomy.kind,
            "link_entity": entity,
            "taxonomy_term_id": term.id,
            "taxonomy_term": term.record(),
        }
        for term in terms
    ]


def _location(owner_id, page, *, full, organization_id=None):
    """The place of a service or organisation, or None when it has no address or point."""
    if not (page.address or page.has_coordinates):
        return None
    location_id = derived_id(owner_id, "location")
    record = _with_optional(
        {"id": location_id, "location_type": "physical"},
        organization_id=organization_id,
        name=page.title,
        latitude=float(page.latitude) if page.latitude is not None else None,
        longitude=float(page.longitude) if page.longitude is not None else None,
    )
    if full and page.address:
        postcode = GREEK_POSTCODE.search(page.address)
        # The address is one line as the editor wrote it; only the postcode is picked out.
        record["addresses"] = [
            {
                "id": derived_id(location_id, "address"),
                "location_id": location_id,
                "address_1": page.address,
                "city": _("Athens") if page.district_id else "",
                "state_province": "",
                "postal_code": postcode.group(0) if postcode else "",
                "country": COUNTRY,
                "address_type": "physical",
            }
        ]
    if full and getattr(page, "accessibility", ""):
        record["accessibility"] = [
            {
                "id": derived_id(location_id, "accessibility"),
                "location_id": location_id,
                "description": page.accessibility,
            }
        ]
    return record


# --- Organisations ----------------------------------------------------------------


def organization_record(served, context, *, full):
    """An HSDS organization; `full` adds phones, links, location and attributes."""
    page, organization_id = served.page, str(served.source.translation_key)
    with translation.override(served.language):
        record = _with_optional(
            {
                "id": organization_id,
                "name": page.title,
                "description": _text(page.description),
                "language": served.language,
            },
            email=page.public_email,
            website=page.website,
            logo=context.request.build_absolute_uri(page.logo.file.url) if page.logo else None,
            legal_status=str(page.get_legal_form_display()),
        )
        if full:
            location = _location(organization_id, page, full=True, organization_id=organization_id)
            terms = context.terms
            linked = [
                terms.by_pk(OrganisationType).get(page.organisation_type_id),
                *(terms.by_pk(ServiceCategory).get(term.pk) for term in page.activity_fields.all()),
                terms.by_pk(MunicipalDistrict).get(page.district_id),
            ]
            _with_optional(
                record,
                phones=[
                    {
                        "id": derived_id(organization_id, "phone"),
                        "organization_id": organization_id,
                        "number": page.public_phone,
                    }
                ]
                if page.public_phone
                else [],
                additional_websites=[
                    {
                        "id": derived_id(organization_id, "url", field),
                        "organization_id": organization_id,
                        "label": label,
                        "url": getattr(page, field),
                    }
                    for field, label in SOCIAL_LINKS
                    if getattr(page, field)
                ],
                locations=[location] if location else [],
                attributes=_attributes(
                    organization_id, "organization", [term for term in linked if term]
                ),
            )
    return record


# --- Services ---------------------------------------------------------------------


def _schedules(service_id, page):
    """Weekly opening hours, one schedule per opening period shared by several days."""
    days_by_period = {}
    for row in sorted(page.opening_hours.all(), key=lambda row: (row.weekday, row.opens)):
        days_by_period.setdefault((row.opens, row.closes), []).append(WEEKDAYS[row.weekday])
    return [
        {
            "id": derived_id(service_id, "schedule", opens.isoformat(), closes.isoformat()),
            "service_id": service_id,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(days),
            "opens_at": opens.strftime("%H:%M"),
            "closes_at": closes.strftime("%H:%M"),
            "tzid": TIMEZONE,
        }
        for (opens, closes), days in days_by_period.items()
    ]


def _service_terms(page, terms):
    """The terms a service is classified by: its subcategories and their main categories,
    target groups, languages and district."""
    categories = terms.by_pk(ServiceCategory)
    subcategories = [categories[term.pk] for term in page.categories.all() if term.pk in categories]
    main_ids = dict.fromkeys(term.parent_id for term in subcategories if term.parent_id)
    mains = [term for term in categories.values() if term.id in main_ids]
    target_groups = terms.by_pk(TargetGroup)
    languages = terms.by_pk(Language)
    district = terms.by_pk(MunicipalDistrict).get(page.district_id)
    return [
        *mains,
        *subcategories,
        *(target_groups[term.pk] for term in page.target_groups.all() if term.pk in target_groups),
        *(languages[term.pk] for term in page.languages.all() if term.pk in languages),
        *([district] if district else []),
    ]


def service_location(served, *, full):
    """The location of a service, or None for one with no place to visit."""
    return _location(str(served.source.translation_key), served.page, full=full)


def service_record(served, organization, context, *, full):
    """An HSDS service; `organization` is its organization record (list form).

    The list form has the one-to-one fields only; `full` adds phones, schedules,
    location, languages, costs and taxonomy attributes.
    """
    page, service_id = served.page, str(served.source.translation_key)
    with translation.override(served.language):
        record = _with_optional(
            {
                "id": service_id,
                "organization_id": organization["id"],
                "name": page.title,
                "description": _text(page.summary, page.description),
                "status": STATUSES[page.status],
                "assured_date": page.last_verified.isoformat(),
                "last_modified": timestamp(served.source.last_modified),
                "language": served.language,
                "delivery": page.delivery,
                "access": page.access,
            },
            url=page.website,
            email=page.email,
            eligibility_description=page.eligibility,
            application_process=page.how_to_access,
            fees_description=None if page.is_free else page.cost_description,
            interpretation_services=(
                _("An interpreter or cultural mediator can be arranged.")
                if page.interpretation_available
                else None
            ),
        )
        record["organization"] = organization
        if not full:
            return record
        terms = _service_terms(page, context.terms)
        location = service_location(served, full=True)
        _with_optional(
            record,
            phones=[
                {
                    "id": derived_id(service_id, "phone"),
                    "service_id": service_id,
                    "number": page.phone,
                }
            ]
            if page.phone
            else [],
            schedules=_schedules(service_id, page),
            service_at_locations=[service_at_location_record(served, location)] if location else [],
            languages=[
                {
                    "id": derived_id(service_id, "language", term.code),
                    "service_id": service_id,
                    "name": term.name,
                    "code": term.code,
                }
                for term in terms
                if term.taxonomy.model is Language
            ],
            cost_options=[
                {
                    "id": derived_id(service_id, "cost_option", "free"),
                    "service_id": service_id,
                    "amount": 0,
                    "currency": CURRENCY,
                }
            ]
            if page.is_free
            else [],
            attributes=_attributes(service_id, "service", terms),
            messaging_channels=[
                {"app": channel.app, "handle": channel.handle}
                for channel in page.messaging_channels.all()
            ],
            closures=[
                _with_optional(
                    {
                        "start_date": row.start_date.isoformat(),
                        "end_date": row.end_date.isoformat(),
                    },
                    reason=row.reason,
                )
                for row in page.closures.all()
            ],
        )
    return record


def service_at_location_record(served, location):
    service_id = str(served.source.translation_key)
    return {
        "id": derived_id(service_id, "service_at_location"),
        "service_id": service_id,
        "location_id": location["id"],
        "location": location,
    }
