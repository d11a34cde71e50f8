"""Storing a sign-up and its double opt-in: nothing counts until the link is clicked.

The confirmation token is the supporter's id signed with a timestamp (Django's
`TimestampSigner`, keyed by SECRET_KEY): it cannot be forged or guessed, and it
expires when unconfirmed sign-ups are deleted (`CONFIRMATION_DAYS`).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from snippets.models import MunicipalDistrict, SupportType

from .models import CONFIRMATION_DAYS, Supporter

CONFIRMATION_SALT = "supporters.confirmation"


class InvalidSignUp(Exception):
    """Fields of a sign-up that fail checks against the database: (field, message) pairs."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def terms_by(model, attribute, wanted, field, message, errors):
    """The source-locale terms of `model` whose `attribute` is in `wanted`, in order and
    without repeats; appends `(f"{field}.{index}", message)` to `errors` for each value
    that names no term (`message` % {"value": value})."""
    found = {
        getattr(term, attribute): term
        for term in model.objects.in_source_locale().filter(**{f"{attribute}__in": wanted})
    }
    for index, value in enumerate(wanted):
        if value not in found:
            errors.append((f"{field}.{index}", message % {"value": value}))
    return [found[value] for value in dict.fromkeys(wanted) if value in found]


@transaction.atomic
def store_sign_up(sign_up, *, language):
    """Store a validated `SupporterIn` as an unconfirmed supporter; raise InvalidSignUp
    (storing nothing) for unknown terms or an outdated privacy notice."""
    errors = []
    if sign_up.privacy_notice_version != settings.SUPPORTER_PRIVACY_NOTICE_VERSION:
        errors.append(
            (
                "privacy_notice_version",
                _("The current privacy notice is version %(version)s: please read it again.")
                % {"version": settings.SUPPORTER_PRIVACY_NOTICE_VERSION},
            )
        )
    support_types = terms_by(
        SupportType,
        "synathina_id",
        sign_up.support_types,
        "support_types",
        _("There is no support type %(value)s."),
        errors,
    )
    districts = terms_by(
        MunicipalDistrict,
        "number",
        sign_up.districts,
        "districts",
        _("There is no district %(value)s."),
        errors,
    )
    if errors:
        raise InvalidSignUp(errors)
    supporter = Supporter.objects.create(
        kind=sign_up.kind,
        name=sign_up.name,
        email=sign_up.email,
        phone=sign_up.phone,
        availability=sign_up.availability,
        message=sign_up.message,
        contact_consent=sign_up.contact_consent,
        privacy_notice_version=sign_up.privacy_notice_version,
        language=language,
    )
    supporter.support_types.set(support_types)
    supporter.districts.set(districts)
    return supporter


def confirmation_token(supporter):
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign(str(supporter.pk))


def supporter_for_token(token):
    """The unconfirmed or confirmed supporter the token names, or None if it is forged,
    expired, or its sign-up is gone (deleted, erased)."""
    try:
        pk = signing.TimestampSigner(salt=CONFIRMATION_SALT).unsign(
            token, max_age=timedelta(days=CONFIRMATION_DAYS)
        )
    except signing.BadSignature:
        return None
    return Supporter.objects.filter(pk=pk, erased_at__isnull=True).first()


def confirm(supporter):
    """Confirm the sign-up; confirming again changes nothing."""
    if supporter.confirmed_at is None:
        supporter.confirmed_at = timezone.now()
        supporter.save(update_fields=["confirmed_at"])
    return supporter


def delete_expired_sign_ups():
    """Delete the sign-ups left unconfirmed for `CONFIRMATION_DAYS`; returns how many."""
    _total, by_model = Supporter.objects.expired().delete()
    return by_model.get(Supporter._meta.label, 0)
