"""Likely duplicates of an application: the same name, e-mail or website as an organisation
already on the platform or as an application still waiting for a decision.

Found once, at submission, and stored on the application: coordinators see why it was
flagged; approving it or not stays their call.
"""

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pages.models import OrganisationPage

from .models import DuplicateMatch, OrganisationRegistration

ORGANISATION = "organisation"
REGISTRATION = "registration"

# Hosts where many organisations have a page of their own: there the first path segment
# (facebook.com/praksis) tells organisations apart, not the host.
SHARED_HOSTS = {
    "facebook.com",
    "instagram.com",
    "linkedin.com",
    "linktr.ee",
    "sites.google.com",
    "twitter.com",
    "x.com",
    "youtube.com",
}


@dataclass(frozen=True)
class Duplicate:
    match: str
    value: str
    existing: str
    existing_id: int
    existing_name: str


def website_key(url):
    """What identifies an organisation's website: its host without `www.` (on a shared host,
    with the first path segment), in lower case; empty when there is nothing to compare."""
    parts = urlsplit(url.strip().lower())
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    if host in SHARED_HOSTS:
        first_segment = next((part for part in parts.path.split("/") if part), "")
        return f"{host}/{first_segment}" if first_segment else ""
    return host


def normalised_name(name):
    return " ".join(name.split()).casefold()


def find_duplicates(*, name, emails, website):
    """The organisations and pending applications sharing the application's name, one of
    its e-mail addresses or its website. Organisations are named by their Greek page,
    whichever language's copy matched."""
    emails = sorted({email.strip().lower() for email in emails if email.strip()})
    found = [*_same_name(name), *_same_website(website_key(website))]
    for email in emails:
        found += _same_email(email)
    return list(dict.fromkeys(found))


def as_stored(duplicates):
    """The form `OrganisationRegistration.duplicate_reasons` keeps them in."""
    return [asdict(duplicate) for duplicate in duplicates]


def describe(reason):
    """One stored duplicate reason in words, in the active language."""
    if reason["existing"] == ORGANISATION:
        existing = _("the organisation “%(name)s”")
    else:
        existing = _("the pending application “%(name)s”")
    return _("%(match)s (%(value)s) as %(existing)s") % {
        "match": DuplicateMatch(reason["match"]).label,
        "value": reason["value"],
        "existing": existing % {"name": reason["existing_name"]},
    }


def _organisations_matching(condition):
    """The Greek pages of the organisations any of whose language copies meets `condition`."""
    matching = OrganisationPage.objects.filter(condition).values("translation_key")
    return OrganisationPage.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE, translation_key__in=matching
    ).only("pk", "title")


def _duplicates(match, value, pages, registrations):
    return [
        *(Duplicate(match, value, ORGANISATION, page.pk, page.title) for page in pages),
        *(
            Duplicate(match, value, REGISTRATION, registration.pk, registration.name)
            for registration in registrations
        ),
    ]


def _same_normalised(match, value, wanted, normalise, *, page_field, registration_field, hint):
    """Organisations and pending applications whose field, normalised, equals `wanted`.

    The database narrows the candidates down (the field contains `hint`, ignoring case);
    the normalised comparison decides.
    """
    candidates = OrganisationPage.objects.filter(**{f"{page_field}__icontains": hint})
    keys = [
        translation_key
        for translation_key, field_value in candidates.values_list("translation_key", page_field)
        if normalise(field_value) == wanted
    ]
    registrations = OrganisationRegistration.objects.pending().filter(
        **{f"{registration_field}__icontains": hint}
    )
    return _duplicates(
        match,
        value,
        _organisations_matching(Q(translation_key__in=keys)),
        [r for r in registrations if normalise(getattr(r, registration_field)) == wanted],
    )


def _same_name(name):
    wanted = normalised_name(name)
    return _same_normalised(
        DuplicateMatch.NAME,
        name,
        wanted,
        normalised_name,
        page_field="title",
        registration_field="name",
        hint=wanted.split(" ", 1)[0],
    )


def _same_email(email):
    return _duplicates(
        DuplicateMatch.EMAIL,
        email,
        _organisations_matching(
            Q(public_email__iexact=email) | Q(contact_persons__email__iexact=email)
        ),
        OrganisationRegistration.objects.pending()
        .filter(Q(public_email__iexact=email) | Q(contacts__email__iexact=email))
        .distinct(),
    )


def _same_website(key):
    if not key:
        return []
    # The host is part of the stored address.
    return _same_normalised(
        DuplicateMatch.WEBSITE,
        key,
        key,
        website_key,
        page_field="website",
        registration_field="website",
        hint=key.split("/", 1)[0],
    )
