"""Access and erasure requests for a supporter's personal data, found by e-mail address.

Erasure blanks every personal field of each of the person's sign-ups (and the notes on
their matches, and the labels Wagtail's history gave their records) but keeps the rest
(kind, support offered, districts, dates, matches and their statuses), so that the
network's statistics stay true. Unconfirmed sign-ups are deleted outright. Offers of
support synAthina forwarded with the address are covered too: exported, and erased the
same way (their target, support types and dates stay), and erased on their own a year
after they arrived (`erase_expired_received_offers`).
"""

from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from .models import (
    Match,
    MatchEvent,
    PersonalDataAccess,
    ReceivedSupportOffer,
    Supporter,
    log_access,
)

PERSONAL_FIELDS = ("name", "email", "phone", "message")
# The body's hash goes too: it was computed over the personal data.
RECEIVED_OFFER_PERSONAL_FIELDS = (
    "supporter_name",
    "supporter_organisation",
    "supporter_email",
    "supporter_phone",
    "message",
    "body_hash",
)


def supporter_data(supporter):
    """Everything stored about one sign-up, as plain data."""
    return {
        "id": supporter.pk,
        "kind": supporter.kind,
        "name": supporter.name,
        "email": supporter.email,
        "phone": supporter.phone,
        "support_types": [term.synathina_id for term in supporter.support_types.all()],
        "districts": [term.number for term in supporter.districts.all()],
        "availability": supporter.availability,
        "message": supporter.message,
        "contact_consent": supporter.contact_consent,
        "privacy_notice_version": supporter.privacy_notice_version,
        "language": supporter.language,
        "signed_up_at": supporter.signed_up_at.isoformat(),
        "confirmed_at": supporter.confirmed_at and supporter.confirmed_at.isoformat(),
        "matches": [
            {
                "need": match.need_id,
                "organisation": match.need.organisation.title,
                "status": match.status,
                "note": match.note,
                "history": [
                    {"status": event.status, "at": event.at.isoformat(), "note": event.note}
                    for event in match.events.all()
                ],
            }
            for match in supporter.matches.select_related("need__organisation").prefetch_related(
                "events"
            )
        ],
    }


def received_offer_data(offer):
    """Everything stored about one offer forwarded by synAthina, as plain data."""
    return {
        "id": offer.pk,
        "synathina_offer_id": offer.offer_id,
        "organisation": offer.organisation.title,
        "for": offer.target.title,
        "support_types": [term.synathina_id for term in offer.support_types.all()],
        "message": offer.message,
        "name": offer.supporter_name,
        "organisation_of_supporter": offer.supporter_organisation,
        "email": offer.supporter_email,
        "phone": offer.supporter_phone,
        "received_at": offer.received_at.isoformat(),
    }


def _received_offers(email):
    return ReceivedSupportOffer.objects.with_email(email).filter(erased_at__isnull=True)


def _erase_received_offers(offers):
    return offers.update(
        **dict.fromkeys(RECEIVED_OFFER_PERSONAL_FIELDS, ""), erased_at=timezone.now()
    )


@transaction.atomic
def erase_expired_received_offers(*, via):
    """Erase the supporter's details of offers past `RECEIVED_OFFER_RETENTION_DAYS`;
    returns how many."""
    offers = ReceivedSupportOffer.objects.past_retention()
    log_access(PersonalDataAccess.Action.ERASE, [], received_offers=list(offers), via=via)
    return _erase_received_offers(offers)


def export_personal_data(email, *, via, user=None):
    """Every sign-up and offer from synAthina with `email`, as plain data; the access is
    logged."""
    supporters = list(Supporter.objects.with_email(email).filter(erased_at__isnull=True))
    offers = list(
        _received_offers(email)
        .select_related("organisation", "action", "service")
        .prefetch_related("support_types")
    )
    log_access(
        PersonalDataAccess.Action.EXPORT, supporters, received_offers=offers, via=via, user=user
    )
    return {
        "email": email,
        "sign_ups": [supporter_data(supporter) for supporter in supporters],
        "offers_from_synathina": [received_offer_data(offer) for offer in offers],
    }


class Erased(NamedTuple):
    """How many sign-ups and offers from synAthina an erasure covered."""

    sign_ups: int
    offers: int


def _scrub_history_labels(model, ids, label):
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids]
    ).update(label=label, data={})


@transaction.atomic
def erase_personal_data(email, *, via, user=None):
    """Erase the personal data of every sign-up and offer from synAthina with `email`;
    returns how many of each there were (`Erased`)."""
    supporters = list(Supporter.objects.with_email(email).filter(erased_at__isnull=True))
    offers = list(_received_offers(email))
    log_access(
        PersonalDataAccess.Action.ERASE, supporters, received_offers=offers, via=via, user=user
    )
    erased_offers = _erase_received_offers(_received_offers(email))
    confirmed = [supporter for supporter in supporters if supporter.is_confirmed]
    Supporter.objects.filter(pk__in=[s.pk for s in supporters if not s.is_confirmed]).delete()
    ids = [supporter.pk for supporter in confirmed]
    Supporter.objects.filter(pk__in=ids).update(
        **dict.fromkeys(PERSONAL_FIELDS, ""), contact_consent=False, erased_at=timezone.now()
    )
    matches = Match.objects.filter(supporter_id__in=ids)
    MatchEvent.objects.filter(match__in=matches).update(note="")
    match_ids = list(matches.values_list("pk", flat=True))
    matches.update(note="")
    _scrub_history_labels(Supporter, ids, "erased supporter")
    _scrub_history_labels(Match, match_ids, "match of an erased supporter")
    return Erased(sign_ups=len(supporters), offers=erased_offers)
