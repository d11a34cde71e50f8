"""Offers of support received from synAthina in the admin, and their personal data: the
target organisation's editors and the coordinators see them, nobody else; every view is
logged; access, erasure and retention cover them."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.editorial.roles import ensure_organisation_editors
from cms.supporters.modeladmin import received_offers_admin, supporters_admin
from cms.supporters.models import (
    RECEIVED_OFFER_RETENTION_DAYS,
    PersonalDataAccess,
    ReceivedSupportOffer,
)
from tests.cms.onboarding.conftest import make_user
from tests.factories import make_action, make_organisation, make_service

from .conftest import make_received_offer
from .test_privacy import every_row_of_every_table

pytestmark = pytest.mark.django_db

URLS = received_offers_admin.url_helper
EMAIL = "wq55.offer@example.org"
MARKERS = ("Wq55 Person", EMAIL, "+30 690 555 5555", "Wq55 message", "Wq55 Bakery")


def personal_offer(target, **fields):
    return make_received_offer(
        target,
        supporter_name="Wq55 Person",
        supporter_email=EMAIL,
        supporter_phone="+30 690 555 5555",
        supporter_organisation="Wq55 Bakery",
        message="Wq55 message",
        **fields,
    )


@pytest.fixture
def other_organisation(db):
    return make_organisation(title="Άλλη οργάνωση")


@pytest.fixture
def offers(organisation, other_organisation):
    """An offer for one of `organisation`'s actions, one for one of its services, and one
    for another organisation's action."""
    return {
        "own action": make_received_offer(
            make_action(organisation), supporter_name="Own action supporter"
        ),
        "own service": make_received_offer(
            make_service(organisation), supporter_name="Own service supporter"
        ),
        "other": make_received_offer(
            make_action(other_organisation), supporter_name="Other supporter"
        ),
    }


def listed(client):
    response = client.get(URLS.index_url)
    assert response.status_code == 200
    return response.content.decode()


def test_coordinators_see_every_offer(client, coordinator, offers):
    client.force_login(coordinator)

    content = listed(client)

    assert all(offer.supporter_name in content for offer in offers.values())


def test_editors_see_their_organisations_offers_only(client, editor, offers):
    client.force_login(editor)

    content = listed(client)
    own = client.get(URLS.get_action_url("inspect", offers["own action"].pk))
    other = client.get(URLS.get_action_url("inspect", offers["other"].pk))

    assert "Own action supporter" in content
    assert "Own service supporter" in content
    assert "Other supporter" not in content
    assert own.status_code == 200
    assert offers["own action"].supporter_email in own.content.decode()
    assert other.status_code == 302  # Wagtail's answer to a refused permission
    assert "Other supporter" not in other.content.decode()


def test_editors_see_the_offers_menu_but_not_the_supporters_network(client, editor, offers):
    client.force_login(editor)

    admin_home = client.get("/admin/").content.decode()

    assert URLS.index_url in admin_home
    assert supporters_admin.url_helper.index_url not in admin_home
    assert client.get(supporters_admin.url_helper.index_url).status_code == 302


def test_the_dashboard_counts_recent_offers_the_user_may_see(
    client, editor, outsider, coordinator, offers
):
    """Counts only, no one's details; nothing for users who may see no offer."""
    make_received_offer(
        offers["own action"].action,
        received_at=timezone.now() - datetime.timedelta(days=31),
        supporter_name="Old offer supporter",
    )
    dashboards = {}
    for user in (editor, coordinator, outsider):
        client.force_login(user)
        dashboards[user.username] = client.get("/admin/").content.decode()

    assert "2 offers of support in the last 30 days" in dashboards["editor"]
    assert "3 offers of support in the last 30 days" in dashboards["coordinator"]
    assert "offers of support in the last" not in dashboards["outsider"]
    assert not any("Own action supporter" in page for page in dashboards.values())


def test_users_without_an_organisation_see_no_offers(client, outsider, offers):
    client.force_login(outsider)

    response = client.get(URLS.index_url)
    inspect = client.get(URLS.get_action_url("inspect", offers["own action"].pk))

    assert response.status_code == 302
    assert inspect.status_code == 302
    assert "Own action supporter" not in response.content.decode() + inspect.content.decode()


def test_an_editor_of_two_organisations_sees_both(client, organisation, other_organisation, offers):
    editor = make_user(
        "two-hats",
        groups=[
            ensure_organisation_editors(organisation),
            ensure_organisation_editors(other_organisation),
        ],
    )
    client.force_login(editor)

    content = listed(client)

    assert all(offer.supporter_name in content for offer in offers.values())


def test_nobody_adds_edits_or_deletes_offers(client, coordinator, offers):
    client.force_login(coordinator)
    offer = offers["own action"]

    assert client.get(URLS.create_url).status_code == 302
    assert client.get(URLS.get_action_url("edit", offer.pk)).status_code == 302
    assert client.post(URLS.get_action_url("delete", offer.pk)).status_code == 302
    assert ReceivedSupportOffer.objects.count() == 3


def test_every_view_of_an_offer_is_logged_by_id(client, editor, offers):
    client.force_login(editor)
    own = [offers["own action"].pk, offers["own service"].pk]

    listed(client)
    client.get(URLS.get_action_url("inspect", own[0]))

    accesses = list(PersonalDataAccess.objects.order_by("pk"))
    assert [(a.action, a.user, a.received_offer_ids) for a in accesses] == [
        ("view", editor, sorted(own)),
        ("view", editor, [own[0]]),
    ]


# --- Access, erasure, retention ---------------------------------------------------------------


def test_an_access_request_exports_the_offers_with_the_address(organisation):
    offer = personal_offer(make_action(organisation))
    out = StringIO()

    call_command("supporter_data", "export", EMAIL.upper(), stdout=out)

    data = json.loads(out.getvalue())
    assert data["sign_ups"] == []
    (exported,) = data["offers_from_synathina"]
    assert (exported["id"], exported["email"], exported["phone"]) == (
        offer.pk,
        EMAIL,
        "+30 690 555 5555",
    )
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.received_offer_ids) == ("export", [offer.pk])


def test_erasure_leaves_no_trace_of_the_offer_and_keeps_what_was_offered(
    client, coordinator, organisation
):
    offer = personal_offer(make_action(organisation), types=(10, 27))
    client.force_login(coordinator)
    client.get(URLS.get_action_url("inspect", offer.pk))

    call_command("supporter_data", "erase", EMAIL, stdout=StringIO())

    leaks = [
        (table, marker)
        for table, row in every_row_of_every_table()
        for marker in MARKERS
        if marker in row
    ]
    assert leaks == []
    offer.refresh_from_db()
    assert offer.erased_at is not None
    assert offer.support_types.count() == 2
    assert offer.action_id is not None
    assert PersonalDataAccess.objects.filter(action="erase", received_offer_ids=[offer.pk]).exists()


def test_offers_past_retention_are_erased(organisation):
    action = make_action(organisation)
    day = datetime.timedelta(days=1)
    retention = RECEIVED_OFFER_RETENTION_DAYS * day
    old = personal_offer(action, received_at=timezone.now() - retention - day)
    recent = make_received_offer(action, received_at=timezone.now() - retention + day)
    out = StringIO()

    call_command("erase_expired_support_offers", stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.supporter_email, old.supporter_name, old.message) == ("", "", "")
    assert old.erased_at is not None
    assert recent.supporter_email == "sofia@example.org"
    assert recent.erased_at is None
    assert "1 offer" in out.getvalue()
