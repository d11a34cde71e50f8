"""Supporters, needs and users for the supporters network's tests."""

import copy

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from cms.editorial.roles import coordinators_group, ensure_organisation_editors
from cms.supporters.models import Need, ReceivedSupportOffer, Supporter
from pages.models import ActionPage
from tests.cms.onboarding.conftest import make_user
from tests.factories import district, make_organisation, support_type, unique

SIGN_UP_URL = reverse("api-v1:sign_up_supporter")
NEEDS_URL = reverse("api-v1:needs")

SIGN_UP = {
    "kind": "individual",
    "name": "Ελένη Γεωργίου",
    "email": "eleni@example.org",
    "phone": "+30 690 000 0000",
    "support_types": [3, 7],
    "districts": [1, 6],
    "availability": "regular",
    "message": "Μπορώ να φέρνω βιβλία και ρούχα τα Σάββατα.",
    "contact_consent": True,
    "privacy_notice_version": "1",
}


def sign_up_body(**changes):
    """A complete, valid sign-up body, with `changes` applied (None removes a field)."""
    body = copy.deepcopy(SIGN_UP)
    for field, value in changes.items():
        if value is None:
            body.pop(field, None)
        else:
            body[field] = value
    return body


def post_sign_up(client, body, **headers):
    return client.post(SIGN_UP_URL, body, content_type="application/json", **headers)


def make_supporter(
    *,
    types=(3,),
    districts=(),
    confirmed=True,
    availability=Supporter.Availability.REGULAR,
    **fields,
):
    """A supporter offering the support types with these synAthina ids."""
    defaults = {
        "kind": Supporter.Kind.INDIVIDUAL,
        "name": "Νίκος Αντωνίου",
        "email": "nikos@example.org",
        "contact_consent": True,
        "privacy_notice_version": "1",
        "availability": availability,
        "confirmed_at": timezone.now() if confirmed else None,
    }
    supporter = Supporter.objects.create(**{**defaults, **fields})
    supporter.support_types.set([support_type(i) for i in types])
    supporter.districts.set([district(n) for n in districts])
    return supporter


def make_need(organisation=None, *, type_id=3, live=True, **fields):
    """A need of `organisation` (a new live one at Syntagma, district 1, by default)."""
    organisation = organisation or make_organisation()
    need = Need(
        organisation=organisation,
        support_type=support_type(type_id),
        description="Βιβλία για την παιδική βιβλιοθήκη.",
        **fields,
    )
    need.live = live
    need.save()
    return need


def make_received_offer(target, *, types=(10,), **fields):
    """An offer from synAthina for `target` (an action or service page), as the
    connector stores it."""
    defaults = {
        "offer_id": ReceivedSupportOffer.objects.count() + 7000,
        "idempotency_key": unique("key"),
        "body_hash": "0" * 64,
        "organisation_id": target.get_parent().pk,
        "message": "Μπορώ να βοηθήσω.",
        "supporter_name": "Σοφία Προσφορά",
        "supporter_email": "sofia@example.org",
    }
    kind = "action" if isinstance(target, ActionPage) else "service"
    offer = ReceivedSupportOffer.objects.create(**{**defaults, kind: target, **fields})
    offer.support_types.set([support_type(i) for i in types])
    return offer


@pytest.fixture
def coordinator(db):
    """A member of the Coordinators group, with the permissions migrations gave it."""
    return make_user("coordinator", groups=[coordinators_group()])


@pytest.fixture
def organisation(db):
    return make_organisation(title="Δίκτυο Κυψέλης")


@pytest.fixture
def editor(organisation):
    """An editor of `organisation`, and nothing else."""
    return make_user("editor", groups=[ensure_organisation_editors(organisation)])


@pytest.fixture
def outsider(db):
    """An admin user in no group."""
    return make_user("outsider", groups=[Group.objects.get_or_create(name="Nobody")[0]])
