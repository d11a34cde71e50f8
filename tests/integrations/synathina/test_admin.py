"""The coordinators' synAthina admin and each action's sync status for its editors."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.editorial.roles import ensure_coordinators, ensure_organisation_editors
from integrations.synathina.models import ImportedAction, Notification, PartnerApiKey
from integrations.synathina.pull import find_partner_organisation, pull
from pages.models import ActionPage
from tests.cms.editorial.backoffice import add_url, logged_in, member
from tests.factories import english, make_action, make_organisation

pytestmark = pytest.mark.django_db

KEYS_URL = "/admin/synathina/partnerapikey/"
NOTIFICATIONS_URL = "/admin/synathina/notification/"


@pytest.fixture
def coordinator(site_tree):
    return logged_in(member("coordinator", ensure_coordinators(site_tree.home), language="en"))


@pytest.fixture
def organisation(site_tree):
    return make_organisation()


@pytest.fixture
def editor(organisation):
    return logged_in(member("editor", ensure_organisation_editors(organisation), language="en"))


def _dead_letter():
    return Notification.objects.create(
        event=Notification.Event.CHANGED,
        action_id=7,
        modified=timezone.now(),
        status=Notification.Status.DEAD,
        attempts=12,
        last_error="HTTP 503: unavailable",
    )


def test_a_coordinator_issues_a_key_shown_once(coordinator, client):
    response = coordinator.post(f"{KEYS_URL}create/", {"name": "synAthina production"})
    assert response.status_code == 200
    token = re.search(r"<code data-partner-key>([^<]+)</code>", response.content.decode())[1]
    key = PartnerApiKey.objects.get()
    assert key.name == "synAthina production"
    assert token.split(".")[1] not in key.secret_hash
    assert PartnerApiKey.authenticate(token) == key
    # Never shown again: not in the listing.
    assert token not in coordinator.get(KEYS_URL).content.decode()
    feed = client.get("/api/v1/synathina/actions", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert feed.status_code == 200


def test_a_coordinator_revokes_a_key(coordinator):
    key, token = PartnerApiKey.issue("old")
    revoke_url = f"{KEYS_URL}revoke/{key.pk}/"
    assert revoke_url in coordinator.get(KEYS_URL).content.decode()
    assert coordinator.get(revoke_url).status_code == 200
    assert coordinator.post(revoke_url).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert PartnerApiKey.authenticate(token) is None
    assert revoke_url not in coordinator.get(KEYS_URL).content.decode()


def test_editors_cannot_manage_keys_or_the_outbox(editor):
    for url in (KEYS_URL, f"{KEYS_URL}create/", NOTIFICATIONS_URL, reverse("synathina_status")):
        response = editor.get(url)
        assert response.status_code in (302, 403), url
    assert not PartnerApiKey.objects.exists()


def test_a_coordinator_sees_and_retries_dead_letters(coordinator, notifying):
    dead = _dead_letter()
    status = coordinator.get(reverse("synathina_status")).content.decode()
    assert "Dead letters: 1." in status
    assert "HTTP 503: unavailable" in status
    listing = coordinator.get(f"{NOTIFICATIONS_URL}?status__exact=dead").content.decode()
    retry_url = f"{NOTIFICATIONS_URL}retry/{dead.pk}/"
    assert retry_url in listing
    assert coordinator.post(retry_url).status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (Notification.Status.PENDING, 0)
    status = coordinator.get(reverse("synathina_status")).content.decode()
    assert "Dead letters: 0." in status
    assert "Backlog: 1 pending, of which 1 due now." in status


def test_an_editor_sees_their_actions_sync_status(editor, organisation, coordinator):
    shared = make_action(organisation, share_on_synathina=True)
    private = make_action(organisation)
    edit_page = editor.get(reverse("wagtailadmin_pages:edit", args=[shared.pk])).content.decode()
    status_url = reverse("synathina_action_status", args=[shared.pk])
    assert status_url in edit_page
    page = editor.get(status_url).content.decode()
    assert 'data-sharing-state="shared"' in page
    page = editor.get(reverse("synathina_action_status", args=[private.pk])).content.decode()
    assert 'data-sharing-state="not-shared"' in page
    assert "has not agreed to share it" in page
    other = make_action(make_organisation(), share_on_synathina=True)
    refused = editor.get(reverse("synathina_action_status", args=[other.pk]))
    assert refused.status_code in (302, 403)
    assert "data-sharing-state" not in refused.content.decode()


def _refused(client, url, page, method="get", data=None):
    response = getattr(client, method)(url, data or {}, follow=True)
    explore = reverse("wagtailadmin_explore", args=[page.get_parent().pk])
    assert response.redirect_chain[-1][0] == explore, url
    assert "is imported from synAthina and cannot be changed here" in response.content.decode()


def test_imported_pages_are_read_only_in_the_admin(coordinator, feed):
    feed.action(9101)
    pull()
    page = ImportedAction.objects.get().page
    translation = page.get_translation(english())
    partner = find_partner_organisation()
    for target in (page, translation, partner):
        for view in ("edit", "delete", "copy"):
            _refused(coordinator, reverse(f"wagtailadmin_pages:{view}", args=[target.pk]), target)
        unpublish = reverse("wagtailadmin_pages:unpublish", args=[target.pk])
        _refused(coordinator, unpublish, target, "post")
    _refused(coordinator, add_url(ActionPage, partner), partner)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    _refused(coordinator, edit, page, "post", {"title": "Changed", "slug": page.slug})
    _refused(coordinator, reverse("wagtailadmin_pages:delete", args=[page.pk]), page, "post")
    for target in (page, translation, partner):
        target.refresh_from_db()
        assert target.live
    assert page.title == "Δράση 9101"
    # ACCMR's own actions are edited as ever.
    own = make_action(make_organisation())
    response = coordinator.get(reverse("wagtailadmin_pages:edit", args=[own.pk]))
    assert response.status_code == 200


def test_the_status_page_shows_the_last_pull(coordinator, feed):
    status_url = reverse("synathina_status")
    assert "No pull yet" in coordinator.get(status_url).content.decode()
    feed.action(9101)
    feed.action(9102, date="soon")
    pull()
    status = coordinator.get(status_url).content.decode()
    assert "succeeded" in status
    assert "Created 1, updated 0, removed 0, unchanged 0, skipped 1." in status
    assert "date: &#x27;soon&#x27; is not YYYY-MM-DD HH:MM:SS" in status
    assert "Partner actions in synAthina's feed: 1." in status
    feed.stand_in.feed_fault("fail", status=503)
    pull()
    status = coordinator.get(status_url).content.decode()
    assert "failed" in status
    assert "Nothing was changed: SynathinaRejected: HTTP 503" in status
    assert "Last successful pull" in status
    assert "data-failed-pulls" in status
