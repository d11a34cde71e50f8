"""Access and erasure requests for a supporter's personal data, found by e-mail address.

Erasure blanks every personal field of each of the person's sign-ups (and the notes on
their matches, and the labels Wagtail's history gave their records) but keeps the rest
(kind, support offered, districts, dates, matches and their statuses), so that the
network's statistics stay true. Unconfirmed sign-ups are deleted outright.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from .models import Match, MatchEvent, PersonalDataAccess, Supporter, log_access

PERSONAL_FIELDS = ("name", "email", "phone", "message")


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


def export_personal_data(email, *, via, user=None):
    """Every sign-up with `email`, as plain data; the access is logged."""
    supporters = list(Supporter.objects.with_email(email).filter(erased_at__isnull=True))
    log_access(PersonalDataAccess.Action.EXPORT, supporters, via=via, user=user)
    return {"email": email, "sign_ups": [supporter_data(supporter) for supporter in supporters]}


def _scrub_history_labels(model, ids, label):
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids]
    ).update(label=label, data={})


@transaction.atomic
def erase_personal_data(email, *, via, user=None):
    """Erase the personal data of every sign-up with `email`; returns how many there were."""
    supporters = list(Supporter.objects.with_email(email).filter(erased_at__isnull=True))
    log_access(PersonalDataAccess.Action.ERASE, supporters, via=via, user=user)
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
    return len(supporters)
