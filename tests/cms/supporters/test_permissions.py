"""Who reaches what: supporters' personal data is for coordinators only; organisation
editors write (and submit) needs for their own organisation only."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.supporters.matching import record_match
from cms.supporters.modeladmin import (
    access_log_admin,
    matches_admin,
    needs_admin,
    offers_admin,
    supporters_admin,
)
from cms.supporters.models import Need
from tests.factories import make_organisation, support_type

from .conftest import NEEDS_URL, SIGN_UP_URL, make_need, make_supporter

pytestmark = pytest.mark.django_db

SECRET_NAME = "Hidden Supporter 4242"
SECRET_EMAIL = "hidden4242@example.org"


@pytest.fixture
def supporter():
    return make_supporter(name=SECRET_NAME, email=SECRET_EMAIL, phone="+30 699 424 2424")


@pytest.fixture
def back_office_urls(supporter, organisation, coordinator):
    need = make_need(organisation)
    match = record_match(supporter, need, coordinator)
    supporters = supporters_admin.url_helper
    return [
        supporters.index_url,
        supporters.index_url + "?export=csv",
        supporters.index_url + "?export=xlsx",
        supporters.get_action_url("inspect", supporter.pk),
        supporters.get_action_url("edit", supporter.pk),
        supporters.get_action_url("export", supporter.pk),
        supporters.get_action_url("erase", supporter.pk),
        needs_admin.url_helper.index_url,
        needs_admin.url_helper.get_action_url("matching", need.pk),
        matches_admin.url_helper.index_url,
        matches_admin.url_helper.get_action_url("inspect", match.pk),
        offers_admin.url_helper.index_url,
        access_log_admin.url_helper.index_url,
    ]


def assert_no_personal_data(response):
    content = response.content.decode()
    assert SECRET_NAME not in content
    assert SECRET_EMAIL not in content


def test_anonymous_clients_are_sent_to_the_login(client, back_office_urls):
    for url in back_office_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login")), url


@pytest.mark.parametrize("user", ["editor", "outsider"])
def test_editors_and_other_admin_users_are_refused(client, back_office_urls, user, request):
    client.force_login(request.getfixturevalue(user))

    for url in back_office_urls:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403), url
        assert response.redirect_chain or response.status_code == 403, url
        assert_no_personal_data(response)


def test_editors_cannot_post_to_the_back_office(client, editor, supporter, organisation):
    need = make_need(organisation)
    client.force_login(editor)

    client.post(
        needs_admin.url_helper.get_action_url("matching", need.pk), {"supporter": supporter.pk}
    )
    client.post(supporters_admin.url_helper.get_action_url("erase", supporter.pk))

    assert need.matches.exists() is False
    supporter.refresh_from_db()
    assert supporter.erased_at is None


def test_editors_admin_menu_has_no_back_office(client, editor):
    client.force_login(editor)

    content = client.get(reverse("wagtailadmin_home")).content.decode()

    assert supporters_admin.url_helper.index_url not in content
    assert reverse("wagtailsnippets_supporters_need:list") in content


def test_coordinators_reach_everything(client, coordinator, back_office_urls):
    client.force_login(coordinator)

    for url in back_office_urls:
        assert client.get(url).status_code == 200, url


def test_the_public_api_serves_no_supporter(client, supporter, organisation):
    make_need(organisation)

    assert client.get(SIGN_UP_URL).status_code == 405
    assert client.get(f"{SIGN_UP_URL}/{supporter.pk}").status_code == 404
    assert_no_personal_data(client.get(NEEDS_URL))
    assert_no_personal_data(client.get(reverse("api-v1:openapi-json")))


# --- Needs: editors write their own, moderated -------------------------------------------------


def need_form(organisation, **changes):
    return {
        "organisation": organisation.pk,
        "service": "",
        "support_type": support_type(7).pk,
        "description": "Χειμερινά ρούχα για παιδιά",
        "needed_until": "",
        "accepts_introductions": "on",
        **changes,
    }


def test_an_editor_adds_a_need_for_their_organisation_and_submits_it(
    client, editor, organisation, coordinator
):
    """It is saved as a draft under moderation, not public until a coordinator approves."""
    client.force_login(editor)

    response = client.post(
        reverse("wagtailsnippets_supporters_need:add"),
        {**need_form(organisation), "action-submit": "Submit"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    need = Need.objects.get()
    assert need.live is False
    state = need.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(NEEDS_URL).json()["count"] == 0

    state.current_task_state.task.specific.on_action(
        state.current_task_state, coordinator, "approve"
    )

    need.refresh_from_db()
    assert need.live is True
    assert client.get(NEEDS_URL).json()["count"] == 1


def test_an_editor_cannot_add_a_need_for_another_organisation(client, editor):
    other = make_organisation(title="Άλλη οργάνωση")
    client.force_login(editor)

    response = client.post(reverse("wagtailsnippets_supporters_need:add"), need_form(other))

    assert response.status_code == 200  # the form again, with an error
    assert "organisation" in response.context["form"].errors
    assert Need.objects.exists() is False


def test_an_editor_cannot_publish_a_need(client, editor, organisation):
    client.force_login(editor)

    client.post(
        reverse("wagtailsnippets_supporters_need:add"),
        {**need_form(organisation), "action-publish": "Publish"},
    )

    assert Need.objects.filter(live=True).exists() is False


def test_an_editor_sees_and_edits_only_their_organisations_needs(client, editor, organisation):
    own = make_need(organisation)
    others = make_need(make_organisation())
    client.force_login(editor)

    listing = client.get(reverse("wagtailsnippets_supporters_need:list"))
    assert [need.pk for need in listing.context["object_list"]] == [own.pk]
    assert (
        client.get(reverse("wagtailsnippets_supporters_need:edit", args=[own.pk])).status_code
        == 200
    )
    refused = client.get(reverse("wagtailsnippets_supporters_need:edit", args=[others.pk]))
    assert refused.status_code in (302, 403)
