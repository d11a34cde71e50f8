"""The supporters demo: something to match at once, installed only once."""

import pytest

from cms.supporters.demo import OFFERS, ORGANISATION_NEEDS, SUPPORTERS, install_supporters_demo
from cms.supporters.matching import suggest_supporters
from cms.supporters.models import Need, ReceivedSupportOffer
from pages.models import ActionSupportRequest
from tests.factories import make_action, make_organisation, support_type

pytestmark = pytest.mark.django_db


def test_the_demo_gives_needs_with_suggestions_and_is_idempotent():
    organisation = make_organisation()
    make_action(
        organisation,
        support_requests=[ActionSupportRequest(support_type=support_type(10), message="Φαγητό")],
    )
    Need.objects.all().delete()  # as if the action predated the supporters network

    first = install_supporters_demo()
    second = install_supporters_demo()

    assert first == {
        "supporters": len(SUPPORTERS),
        "needs": 2,
        "offers": len(OFFERS),
        "received offers": 1,
    }
    assert second == {"supporters": 0, "needs": 0, "offers": 0, "received offers": 0}
    books = Need.objects.get(description=ORGANISATION_NEEDS[0][1])
    assert books.live is True
    assert suggest_supporters(books)[0].supporter.name == "Ελένη Γεωργίου"
    food = Need.objects.get(action__isnull=False)
    assert suggest_supporters(food)[0].supporter.name == "Φούρνος Η Κυψέλη"
    offer = ReceivedSupportOffer.objects.get()
    assert (offer.organisation, offer.action.get_parent().pk) == (organisation, organisation.pk)
