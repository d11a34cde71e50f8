"""An action's requested support types are its needs, kept in step on publishing."""

from io import StringIO

import pytest
from django.core.management import call_command

from cms.supporters.matching import record_match
from cms.supporters.models import Need
from pages.models import ActionSupportRequest
from tests.factories import make_action, support_type

from .conftest import make_supporter

pytestmark = pytest.mark.django_db


def request(type_id, message=""):
    return ActionSupportRequest(support_type=support_type(type_id), message=message)


def test_dropping_a_type_deletes_its_need_unless_it_has_matches(organisation, coordinator):
    action = make_action(organisation, support_requests=[request(3), request(7), request(10)])
    matched = Need.objects.get(action=action, support_type=support_type(7))
    record_match(make_supporter(types=[7]), matched, coordinator)

    action.support_requests = [request(10, "Μόνο τρόφιμα πια")]
    action.save_revision().publish()

    needs = {need.support_type.synathina_id: need for need in Need.objects.filter(action=action)}
    assert set(needs) == {7, 10}
    assert needs[7].live is False  # kept for its match's history, but no longer public
    assert (needs[10].live, needs[10].description) == (True, "Μόνο τρόφιμα πια")


def test_a_request_without_a_message_is_described_by_the_action(organisation):
    action = make_action(organisation, support_requests=[request(3)])

    assert Need.objects.get(action=action).description == action.short_description


def test_the_command_catches_up_with_actions_published_before(organisation):
    action = make_action(organisation, support_requests=[request(3)])
    Need.objects.all().delete()

    call_command("sync_action_needs", stdout=StringIO())
    call_command("sync_action_needs", stdout=StringIO())

    assert Need.objects.filter(action=action, live=True).count() == 1
