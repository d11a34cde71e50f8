"""The coordinators' screens: matching, moving a match on, exports."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from cms.supporters.matching import record_match
from cms.supporters.modeladmin import matches_admin, needs_admin, supporters_admin
from cms.supporters.models import Match, PersonalDataAccess, SupportOffer
from tests.factories import support_type

from .conftest import make_need, make_supporter

pytestmark = pytest.mark.django_db


def test_the_matching_screen_ranks_supporters_and_lists_synathina_offers(
    client, coordinator, organisation
):
    need = make_need(organisation, type_id=3)
    make_supporter(name="Best fit", types=[3], districts=[1])
    make_supporter(name="Related fit", types=[1], districts=[1])  # any material resources
    make_supporter(name="No fit", types=[17])
    SupportOffer.objects.create(
        synathina_id=99, support_type=support_type(3), offered_by="Βιβλιοπωλείο της γειτονιάς"
    )
    client.force_login(coordinator)

    content = client.get(
        needs_admin.url_helper.get_action_url("matching", need.pk)
    ).content.decode()

    assert content.index("Best fit") < content.index("Related fit")
    assert "No fit" not in content
    assert "Βιβλιοπωλείο της γειτονιάς" in content


def test_a_coordinator_proposes_then_introduces(client, coordinator, organisation, editor):
    """Proposing records the match; introducing moves it on and e-mails both sides."""
    need = make_need(organisation)
    supporter = make_supporter(email="helper@example.org")
    client.force_login(coordinator)
    matching_url = needs_admin.url_helper.get_action_url("matching", need.pk)

    response = client.post(matching_url, {"supporter": supporter.pk, "note": "Κοντά τους"})

    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.supporter, match.need, match.status, match.created_by) == (
        supporter,
        need,
        "proposed",
        coordinator,
    )
    move_url = matches_admin.url_helper.get_action_url("move", match.pk)
    assert client.post(move_url, {"status": "introduced"}).status_code == 302
    match.refresh_from_db()
    assert match.status == "introduced"
    assert sorted(message.to[0] for message in mail.outbox) == [editor.email, "helper@example.org"]
    inspect = client.get(matches_admin.url_helper.get_action_url("inspect", match.pk))
    assert "Κοντά τους" in inspect.content.decode()


def test_a_refused_move_changes_nothing(client, coordinator, organisation):
    match = record_match(make_supporter(), make_need(organisation), coordinator)
    client.force_login(coordinator)

    client.post(matches_admin.url_helper.get_action_url("move", match.pk), {"status": "completed"})

    match.refresh_from_db()
    assert match.status == "proposed"
    assert mail.outbox == []


def test_the_csv_export_holds_the_listed_supporters(client, coordinator):
    make_supporter(name="Άννα", email="anna@example.org", kind="company")
    make_supporter(name="Βασίλης", email="vasilis@example.org")
    client.force_login(coordinator)

    response = client.get(supporters_admin.url_helper.index_url + "?kind=company&export=csv")

    content = b"".join(response.streaming_content).decode()
    assert "anna@example.org" in content
    assert "vasilis@example.org" not in content


def test_without_the_export_permission_there_is_no_export(client, coordinator):
    """A coordinator whose export permission was taken away gets no export button, and
    asking for one anyway is refused (and logs nothing)."""
    make_supporter(email="anna@example.org")
    group = coordinator.groups.get()
    group.permissions.remove(Permission.objects.get(codename="export_supporter"))
    client.force_login(coordinator)

    listing = client.get(supporters_admin.url_helper.index_url)
    export = client.get(supporters_admin.url_helper.index_url + "?export=csv")

    assert "export=csv" not in listing.content.decode()
    assert export.status_code == 302  # Wagtail's answer to a refused permission
    assert PersonalDataAccess.objects.filter(action="export").exists() is False
