"""The partner feed, organisation lookup and images, as synAthina reads them."""

import datetime

import pytest
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from integrations.synathina.feed import display_dates, escape
from integrations.synathina.models import PartnerApiKey
from pages.models import ActionSupportRequest
from tests.factories import (
    make_action,
    make_occurrence,
    make_organisation,
    support_type,
    thematic_area,
    translate_page,
)

pytestmark = pytest.mark.django_db

FEED = "/api/v1/synathina/actions"
FEATURE_FIELDS = {
    "type", "object_constructor", "coordinates", "id", "action_id", "is_featured", "slug",
    "url", "team_url", "category_id", "category_name", "team_id", "team_name",
    "team_members", "address", "sponsor_title", "date", "date_end", "dates", "title",
    "content", "content_img", "logo", "logo_sponsor", "logo_team",
    # ACCMR's additions (CONTRACT.md 2.A.1)
    "origin", "accmr_action_id", "modified", "org_donation", "supporters_message",
}  # fmt: skip


def _features(partner, **params):
    response = partner.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()["features"]


def _action_ids(features):
    return {feature["action_id"] for feature in features}


def _shared_action(organisation=None, **fields):
    return make_action(organisation or make_organisation(), share_on_synathina=True, **fields)


# --- Keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer nonsense", "Bearer abcdefgh.wrong-secret", "Basic dXNlcjpwYXNz"],
)
def test_feed_needs_a_valid_key(client, partner_key, authorization):
    """Without a valid key every endpoint answers a 401 problem."""
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    for path in (FEED, "/api/v1/synathina/teams/1", "/api/v1/synathina/actions/1/images"):
        response = client.get(path, **headers)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401


def test_a_revoked_key_is_refused(client):
    """A key works until a coordinator revokes it; only its hash is stored."""
    key, token = PartnerApiKey.issue("synAthina")
    assert token.split(".", 1)[1] not in key.secret_hash
    authorization = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(FEED, **authorization).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    key.revoke()
    response = client.get(FEED, HTTP_ACCEPT_LANGUAGE="en", **authorization)
    assert response.status_code == 401
    assert response.json()["title"] == "Unknown or revoked API key."


# --- What is listed ------------------------------------------------------------------


def test_only_consented_approved_live_upcoming_accmr_actions_are_listed(partner):
    """Not consented, in draft, of an organisation not yet approved, over, or imported
    from synAthina: none of these is in the feed."""
    organisation = make_organisation()
    shared = _shared_action(organisation)
    make_action(organisation)  # not consented
    _shared_action(organisation, publish=False)  # a draft
    _shared_action(make_organisation(publish=False))  # organisation not approved
    past = timezone.now() - datetime.timedelta(days=3)
    _shared_action(organisation, occurrences=[{"start": past}])  # over
    _shared_action(organisation, source="synathina")  # a partner action
    assert _action_ids(_features(partner)) == {shared.pk}


def test_an_action_is_listed_while_one_occurrence_ends_today_or_later(partner):
    """Only its upcoming occurrences are features; an occurrence that ends today counts."""
    now = timezone.now()
    ends_today = make_occurrence(start=now - datetime.timedelta(days=1), end=now)
    over = make_occurrence(start=now - datetime.timedelta(days=9))
    action = _shared_action(occurrences=[over, ends_today])
    (feature,) = _features(partner)
    assert feature["action_id"] == action.pk
    assert feature["date_end"] == timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S")


def test_a_feature_has_synathinas_shape(partner):
    """Latitude first, [0, 0] without a location, naive Athens times, HTML-escaped text,
    team_id a string, thematic-area and support-type ids, and ACCMR's fields."""
    organisation = make_organisation(title='Ομάδα "Γειτονιά" & φίλοι')
    start = timezone.make_aware(datetime.datetime(2031, 12, 5, 18, 0))
    action = _shared_action(
        organisation,
        short_description="Μαθήματα για πρόσφυγες & μετανάστες, 'δωρεάν'",
        occurrences=[
            make_occurrence(
                start=start,
                end=start + datetime.timedelta(hours=3),
                subtitle="Κυψέλη <βράδυ>",
                thematic_areas=[thematic_area(12), thematic_area(9)],
            ),
            make_occurrence(
                start=start + datetime.timedelta(days=7),
                address="",
                latitude=None,
                longitude=None,
            ),
        ],
    )
    ActionSupportRequest.objects.create(
        page=action, support_type=support_type(1), message="Ρούχα & παπούτσια", sort_order=0
    )
    action.save_revision().publish()
    first, second = _features(partner, lang="el")
    assert set(first) == FEATURE_FIELDS
    assert first["type"] == "Point" and first["object_constructor"] == "Activity"
    assert first["coordinates"] == [37.975527, 23.734547]
    assert second["coordinates"] == [0, 0]
    assert [first["id"], second["id"]] == [0, 1]
    assert first["action_id"] == first["accmr_action_id"] == action.pk
    assert first["origin"] == 2
    assert first["team_id"] == str(organisation.pk)
    assert first["team_name"] == "Ομάδα &quot;Γειτονιά&quot; &amp; φίλοι"
    assert first["content"] == "Μαθήματα για πρόσφυγες &amp; μετανάστες, &#039;δωρεάν&#039;"
    assert first["title"] == "Κυψέλη &lt;βράδυ&gt;"
    assert second["title"] == escape(action.title)
    assert first["date"] == "2031-12-05 18:00:00"
    assert first["date_end"] == "2031-12-05 21:00:00"
    assert first["dates"] == "05-12-2031, 18:00 - 21:00"
    assert first["category_id"] == [9, 12]
    assert first["category_name"] == escape(thematic_area(9).name)
    assert second["category_id"] == [] and second["category_name"] == ""
    assert first["org_donation"] == [1]
    assert first["supporters_message"] == {"1": "Ρούχα &amp; παπούτσια"}
    assert datetime.datetime.fromisoformat(first["modified"]).utcoffset() is not None
    assert first["url"].startswith("http") and first["team_url"].startswith("http")


def test_dates_spanning_days_name_both_dates():
    start = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
    end = timezone.make_aware(datetime.datetime(2027, 1, 31, 16, 0))
    assert display_dates(start, end) == "01-12-2026, 10:00 - 31-01-2027, 16:00"


def test_english_feed_serves_the_english_translation(partner):
    """lang=en serves the live English translation, else the Greek page."""
    organisation = make_organisation()
    translate_page(organisation, "en", title="Neighbourhood group")
    translated = _shared_action(organisation)
    translate_page(translated, "en", title="Greek lessons")
    untranslated = _shared_action(organisation)
    features = {feature["action_id"]: feature for feature in _features(partner, lang="en")}
    assert features[translated.pk]["title"] == "Greek lessons"
    assert features[translated.pk]["team_name"] == "Neighbourhood group"
    assert features[untranslated.pk]["title"] == escape(untranslated.title)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lang": "fr"}, "lang"),
        ({"modified_since": "yesterday"}, "modified_since"),
        ({"page": "2"}, "page"),
    ],
)
def test_bad_parameters_are_400_problems(partner, query, field):
    response = partner.get(FEED, query)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


# --- Changes since -----------------------------------------------------------------


def test_modified_since_lists_changes_and_tombstones(partner):
    """Only actions changed since then, and a tombstone for each unpublished, withdrawn or
    deleted one."""
    organisation = make_organisation()
    unchanged = _shared_action(organisation)
    changed = _shared_action(organisation)
    unpublished = _shared_action(organisation)
    withdrawn = _shared_action(organisation)
    deleted = _shared_action(organisation)
    never_shared = make_action(organisation)
    since = timezone.now()
    changed.title = "Νέος τίτλος"
    changed.save_revision().publish()
    unpublished.unpublish()
    withdrawn.share_on_synathina = False
    withdrawn.save_revision().publish()
    deleted_id = deleted.pk
    deleted.delete()
    never_shared.unpublish()

    features = _features(partner, modified_since=since.isoformat())
    listed = [feature for feature in features if not feature.get("deleted")]
    gone = [feature for feature in features if feature.get("deleted")]
    assert _action_ids(listed) == {changed.pk}
    assert {item["action_id"] for item in gone} == {unpublished.pk, withdrawn.pk, deleted_id}
    assert all(set(item) == {"action_id", "deleted", "modified"} for item in gone)
    assert unchanged.pk in _action_ids(_features(partner))


def test_an_organisation_withdrawn_takes_its_actions_out(partner):
    organisation = make_organisation()
    action = _shared_action(organisation)
    since = timezone.now()
    organisation.unpublish()
    features = _features(partner, modified_since=since.isoformat())
    assert features == [
        {"action_id": action.pk, "deleted": True, "modified": features[0]["modified"]}
    ]


# --- Lookup and images ----------------------------------------------------------------


def test_team_lookup(partner):
    organisation = make_organisation(title="Δίκτυο Υγείας")
    response = partner.get(f"/api/v1/synathina/teams/{organisation.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "name", "slug", "logo", "url"}
    assert body["id"] == organisation.pk
    assert body["name"] == "Δίκτυο Υγείας"
    assert body["slug"] == organisation.slug
    assert body["logo"] == ""


@pytest.mark.parametrize("team_id", ["draft", "abc", "99999999999", "0"])
def test_team_lookup_404s(partner, team_id):
    if team_id == "draft":
        team_id = str(make_organisation(publish=False).pk)
    response = partner.get(f"/api/v1/synathina/teams/{team_id}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_images_of_a_shared_action(partner, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    image = Image.objects.create(title="Αφίσα", file=get_test_image_file())
    action = _shared_action(image=image)
    response = partner.get(f"/api/v1/synathina/actions/{action.pk}/images")
    assert response.status_code == 200
    (url,) = response.json()
    assert url.startswith("http://testserver/") and url.endswith(".png")
    (feature,) = _features(partner)
    assert feature["content_img"] == url


def test_images_of_an_action_not_shared_are_404(partner):
    action = make_action(make_organisation())
    response = partner.get(f"/api/v1/synathina/actions/{action.pk}/images")
    assert response.status_code == 404
