"""Offers of support synAthina forwards for an ACCMR action or service (contract B.2).

The body's shape (`SupportOfferIn`), the answer's (`SupportOfferOut`), and storing an
offer once per idempotency key (`receive_support_offer`) as a `ReceivedSupportOffer` of
the supporters network, whose editors and coordinators are e-mailed after the commit.

Checks run cheapest first and store nothing when one fails: the signature and the key
(`inbound.py`), the body's JSON and shape (400, 422), a repeated key (200 with the
stored offer, or 409 for another body), the support types (422), the target (404).
"""

import datetime
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from cms.api.abuse import VALIDATION_ERROR
from cms.api.listing import live_sources
from cms.api.problems import Problem
from cms.onboarding.schemas import ApplicationSchema, EmailAddress, PhoneNumber
from cms.supporters.emails import send_received_offer_notifications
from cms.supporters.models import ReceivedSupportOffer
from cms.supporters.signup import terms_by
from pages.models import ActionPage, ServicePage
from snippets.models import SupportType

MAX_ID = 2**31 - 1  # the id columns' range
MAX_SUPPORT_TYPES = 30


class OfferTarget(ApplicationSchema):
    type: Literal["action", "service"]
    id: int = Field(
        ge=1, le=MAX_ID, description="The action's or service's id in this API (its Greek page)."
    )


class OfferSupporter(ApplicationSchema):
    name: str = Field(min_length=1, max_length=200)
    organisation: str | None = Field(None, max_length=200)
    email: EmailAddress = Field(min_length=1)
    phone: PhoneNumber | None = None


class SupportOfferIn(ApplicationSchema):
    """A supporter's offer of help, as synAthina forwards it."""

    offer_id: int = Field(ge=1, le=MAX_ID, description="synAthina's id of the offer.")
    target: OfferTarget
    support_type_ids: list[int] = Field(
        min_length=1,
        max_length=MAX_SUPPORT_TYPES,
        description="synAthina support-type ids (`/taxonomies/support-types`).",
    )
    message: str = Field(max_length=5000)
    supporter: OfferSupporter
    consent: bool = Field(
        strict=True,
        description="Must be `true`: the supporter agreed that ACCMR passes the offer on.",
    )

    @field_validator("consent")
    @classmethod
    def _consent_is_required(cls, consent):
        if not consent:
            raise PydanticCustomError(
                "consent_required",
                str(_("The supporter's consent is needed to pass the offer on.")),
            )
        return consent


class TargetOut(Schema):
    type: Literal["action", "service"]
    id: int


class SupportOfferOut(Schema):
    """The stored offer; the supporter's personal data is not repeated."""

    id: int = Field(description="ACCMR's id of the stored offer.")
    offer_id: int
    target: TargetOut
    support_type_ids: list[int]
    received_at: datetime.datetime


def offer_data(offer):
    return {
        "id": offer.pk,
        "offer_id": offer.offer_id,
        "target": {"type": offer.target_type, "id": offer.action_id or offer.service_id},
        "support_type_ids": sorted(term.synathina_id for term in offer.support_types.all()),
        "received_at": offer.received_at,
    }


def _invalid(errors):
    return Problem(
        422,
        _("The request has invalid fields."),
        errors=[{"field": field, "message": message} for field, message in errors],
        problem_type=VALIDATION_ERROR,
    )


def _replay(offer, body_hash):
    """The answer to a key seen before: the same offer, if the body is the same."""
    if offer.body_hash != body_hash:
        raise Problem(
            409,
            _("This Idempotency-Key was used with another body."),
            detail=_("Send a new offer with a new key."),
            problem_type="idempotency-conflict",
        )
    return offer, False


def _support_types(ids):
    errors = []
    terms = terms_by(
        SupportType,
        "synathina_id",
        ids,
        "support_type_ids",
        _("There is no support type %(value)s."),
        errors,
    )
    if errors:
        raise _invalid(errors)
    return terms


def _target(target):
    """The live Greek page the offer is for (API rules, decision 42); ACCMR's own actions
    only, since synAthina's imported ones are its own to route."""
    if target.type == "action":
        pages = live_sources(ActionPage).filter(source=ActionPage.Source.ACCMR)
    else:
        pages = live_sources(ServicePage)
    page = pages.filter(pk=target.id).first()
    if page is None:
        raise Problem(
            404,
            _("No such action or service."),
            errors=[
                {
                    "field": "target.id",
                    "message": _("No such action.")
                    if target.type == "action"
                    else _("No such service."),
                }
            ],
        )
    return page


def receive_support_offer(payload, *, idempotency_key, body_hash):
    """(offer, created): the offer stored under `idempotency_key`, new or as stored
    before; raises a Problem (storing nothing) for a conflict or bad data."""
    stored = ReceivedSupportOffer.objects.filter(idempotency_key=idempotency_key).first()
    if stored is not None:
        return _replay(stored, body_hash)
    support_types = _support_types(payload.support_type_ids)
    page = _target(payload.target)
    supporter = payload.supporter
    try:
        with transaction.atomic():
            offer = ReceivedSupportOffer.objects.create(
                offer_id=payload.offer_id,
                idempotency_key=idempotency_key,
                body_hash=body_hash,
                organisation_id=page.get_parent().pk,
                action=page if payload.target.type == "action" else None,
                service=page if payload.target.type == "service" else None,
                message=payload.message,
                supporter_name=supporter.name,
                supporter_organisation=supporter.organisation or "",
                supporter_email=supporter.email,
                supporter_phone=supporter.phone or "",
            )
            offer.support_types.set(support_types)
            # Robust: whatever goes wrong with the e-mails is logged, and the answer is
            # still the 201 of an offer that is stored. (Not a `partial`: Django's log of
            # a failed robust callback needs its `__qualname__`.)
            offer_pk = offer.pk
            transaction.on_commit(lambda: send_received_offer_notifications(offer_pk), robust=True)
    except IntegrityError:
        # Another request with the key (or the offer) committed first: the unique
        # constraints made this one wait for it, then fail.
        stored = ReceivedSupportOffer.objects.filter(idempotency_key=idempotency_key).first()
        if stored is not None:
            return _replay(stored, body_hash)
        raise Problem(
            409,
            _("This offer was already received with another Idempotency-Key."),
            problem_type="idempotency-conflict",
        ) from None
    return offer, True
