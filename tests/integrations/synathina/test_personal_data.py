"""No personal data beyond the contract leaves ACCMR: every outbound payload inspected."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from integrations.synathina.delivery import deliver
from integrations.synathina.models import Notification
from pages.models import OrganisationContactPerson
from tests.factories import make_action, make_organisation, translate_page

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Μαρία Παπαδοπούλου",
    "email": "maria.private@example.org",
    "phone": "6991234567",
}
PUBLIC_CONTACT = {"public_email": "info@example.org", "public_phone": "2101234567"}
EDITOR = {"username": "editor-private", "email": "editor.private@example.org"}


def test_no_outbound_payload_carries_personal_data(partner, notifying):
    """The feed (both languages, with tombstones), the organisation lookup, the images and
    every webhook body: none carries a contact person, the organisation's contact details
    (not in the contract) or who edited; webhooks carry exactly the contract's four fields."""
    editor = get_user_model().objects.create_superuser(**EDITOR)
    organisation = make_organisation(**PUBLIC_CONTACT)
    OrganisationContactPerson.objects.create(page=organisation, **CONTACT)
    organisation.save_revision(user=editor).publish(user=editor)
    translate_page(organisation, "en")
    since = timezone.now()
    shared = make_action(organisation, share_on_synathina=True)
    shared.save_revision(user=editor).publish(user=editor)
    translate_page(shared, "en")
    withdrawn = make_action(organisation, share_on_synathina=True)
    withdrawn.unpublish(user=editor)

    bodies = [
        partner.get("/api/v1/synathina/actions", {"lang": lang, **params}).content
        for lang in ("el", "en")
        for params in ({}, {"modified_since": since.isoformat()})
    ]
    bodies.append(partner.get(f"/api/v1/synathina/teams/{organisation.pk}").content)
    bodies.append(partner.get(f"/api/v1/synathina/actions/{shared.pk}/images").content)
    for notification in Notification.objects.all():
        deliver(notification.pk)
    assert len(notifying.requests) == Notification.objects.count() >= 4
    bodies.extend(received.body for received in notifying.requests)

    feed = json.loads(bodies[0])
    assert feed["features"], "the feed must list the shared action for this test to mean anything"
    forbidden = [*CONTACT.values(), *PUBLIC_CONTACT.values(), *EDITOR.values()]
    for body in bodies:
        text = body.decode()
        assert not [value for value in forbidden if value in text], text
        assert "@" not in text, text
    for received in notifying.requests:
        assert set(received.payload) == {"event_id", "event", "action_id", "modified"}
