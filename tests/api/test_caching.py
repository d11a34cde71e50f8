"""HTTP caching of the API: conditional GETs, the response cache and its invalidation."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from cms.api.caching import (
    VERSION_KEY,
    AnswerStore,
    ContentVersion,
    _request_key,
    content_version,
    current_version,
    invalidate_responses,
)
from snippets.models import ServiceCategory
from tests.factories import category, english, make_organisation, make_service, translate_page

pytestmark = [pytest.mark.django_db, pytest.mark.response_cache]

TAXONOMY = "/api/v1/taxonomies/categories"


def service_url(service, query=""):
    return f"/api/v1/services/{service.pk}{query}"


@pytest.fixture
def organisation(site_tree):
    organisation = make_organisation(title="Πράξις")
    translate_page(organisation, "en", title="Praksis")
    return organisation


@pytest.fixture
def service(organisation):
    return make_service(organisation, title="Ιατρείο")


def test_a_success_carries_validators_and_public_caching(client, service, settings):
    response = client.get(service_url(service))

    assert response.status_code == 200
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    assert response["Last-Modified"].endswith(" GMT")
    assert response["Cache-Control"] == f"public, max-age={settings.API_CACHE_MAX_AGE}"
    assert "Accept-Language" in response["Vary"]


def test_a_matching_if_none_match_is_a_304_with_cors(client, service):
    etag = client.get(service_url(service))["ETag"]

    response = client.get(service_url(service), headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Accept-Language" in response["Vary"]


def test_another_etag_gets_the_full_answer(client, service):
    response = client.get(service_url(service), headers={"If-None-Match": '"stale", W/"old"'})

    assert response.status_code == 200
    assert response.json()["title"] == "Ιατρείο"


def test_if_modified_since_is_answered_from_last_modified(client, service):
    last_modified = client.get(service_url(service))["Last-Modified"]

    current = client.get(service_url(service), headers={"If-Modified-Since": last_modified})
    older = client.get(service_url(service), headers={"If-Modified-Since": http_date(0)})

    assert current.status_code == 304
    assert older.status_code == 200


def test_a_repeated_request_skips_the_view(client, service, django_assert_num_queries):
    """Only the shared content version is read: no query of the view runs again."""
    first = client.get(service_url(service))

    with django_assert_num_queries(1):
        again = client.get(service_url(service))

    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_no_cache_from_the_client_renders_anew(client, service):
    client.get(service_url(service))
    # An update sends no signal: a write the cache cannot know about.
    type(service).objects.filter(pk=service.pk).update(title="Άλλο όνομα")

    cached = client.get(service_url(service))
    fresh = client.get(service_url(service), headers={"Cache-Control": "no-cache"})

    assert cached.json()["title"] == "Ιατρείο"
    assert fresh.json()["title"] == "Άλλο όνομα"
    assert fresh["ETag"] != cached["ETag"]


def test_publishing_serves_the_new_content_with_a_new_etag(client, service):
    before = client.get(service_url(service))
    service.title = "Κλινική"
    service.save_revision().publish()

    after = client.get(service_url(service), headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after.json()["title"] == "Κλινική"
    assert after["ETag"] != before["ETag"]


def test_publishing_a_translation_changes_that_language(client, service):
    assert client.get(service_url(service, "?lang=en")).json()["language"] == "el"

    translate_page(service, "en", title="Clinic")

    body = client.get(service_url(service, "?lang=en")).json()
    assert (body["language"], body["title"]) == ("en", "Clinic")


def test_unpublishing_withdraws_the_cached_answer(client, service):
    etag = client.get(service_url(service))["ETag"]

    service.unpublish()

    response = client.get(service_url(service), headers={"If-None-Match": etag})
    assert response.status_code == 404


def test_deleting_withdraws_the_cached_answer(client, service):
    url = service_url(service)
    assert client.get(url).status_code == 200

    service.delete()

    assert client.get(url).status_code == 404


def test_a_taxonomy_edit_renames_the_term(client):
    before = client.get(f"{TAXONOMY}?lang=en")
    term = ServiceCategory.objects.get(locale=english(), slug="primary-care")
    term.name = "Primary health care"
    term.save()

    after = client.get(f"{TAXONOMY}?lang=en", headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    names = {item["slug"]: item["name"] for item in after.json()["results"]}
    assert names["primary-care"] == "Primary health care"


def test_a_taxonomy_filter_resolved_before_costs_no_query(client, service):
    """Under one content version, a filter's slugs are looked up once: rendering the same
    list again (no-cache) runs every query but that one."""
    url, fresh = "/api/v1/services?category=health", {"Cache-Control": "no-cache"}
    client.get("/api/v1/services?district=1")  # the version and the listings, made once
    with CaptureQueriesContext(connection) as first:
        assert client.get(url, headers=fresh).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(url, headers=fresh).status_code == 200

    assert len(again) == len(first) - 1
    assert not any("snippets_servicecategory" in query["sql"] for query in again)


def test_a_renamed_slug_is_looked_up_again(client, service):
    fresh = {"Cache-Control": "no-cache"}
    assert client.get("/api/v1/services?category=primary-care", headers=fresh).status_code == 200
    for term in ServiceCategory.objects.filter(slug="primary-care"):
        term.slug = "primary"
        term.save()

    before = client.get("/api/v1/services?category=primary-care", headers=fresh)
    after = client.get("/api/v1/services?category=primary", headers=fresh)

    assert before.status_code == 400
    assert after.status_code == 200


def test_the_version_is_dropped_again_once_the_transaction_commits(
    client, service, django_capture_on_commit_callbacks
):
    """With a cache outside the database, only the commit makes the change visible."""
    with django_capture_on_commit_callbacks() as callbacks:
        service.save_revision().publish()

    assert invalidate_responses in callbacks


def test_a_write_without_signals_is_announced_by_hand(client, service):
    version = current_version()
    client.get(service_url(service))
    type(service).objects.filter(pk=service.pk).update(title="Χωρίς σήμα")

    invalidate_responses()

    assert current_version() != version
    assert client.get(service_url(service)).json()["title"] == "Χωρίς σήμα"


@pytest.mark.parametrize(
    ("greek", "english_"),
    [
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}),
        ({"QUERY_STRING": "lang=el"}, {"QUERY_STRING": "lang=en"}),
    ],
)
def test_each_language_has_its_own_entry(client, service, greek, english_):
    translate_page(service, "en", title="Clinic")

    in_greek = client.get(service_url(service), **greek)
    in_english = client.get(service_url(service), **english_)
    in_greek_again = client.get(service_url(service), **greek)

    assert in_greek.json()["title"] == in_greek_again.json()["title"] == "Ιατρείο"
    assert in_english.json()["title"] == "Clinic"
    assert in_greek["ETag"] != in_english["ETag"]


def test_the_order_of_query_parameters_does_not_matter(rf):
    def key(query, language="el"):
        return _request_key(rf.get(f"/api/v1/services?{query}"), language, "1")

    assert key("district=3&category=health") == key("category=health&district=3")
    assert key("category=health") != key("category=housing")
    assert key("category=health") != key("category=health", language="en")


def test_a_404_is_cacheable_but_becomes_a_200_when_published(client, organisation):
    draft = make_service(organisation, publish=False)
    missing = client.get(service_url(draft))
    assert missing.status_code == 404
    assert missing["Cache-Control"].startswith("public")
    assert not missing.has_header("ETag")

    draft.save_revision().publish()

    assert client.get(service_url(draft)).status_code == 200


@pytest.mark.parametrize("query", ["?fields=title", "?lang=xx"])
def test_other_errors_are_never_stored(client, service, query):
    first = client.get(service_url(service, query))
    again = client.get(service_url(service, query))

    assert first.status_code == again.status_code == 400
    assert first["Cache-Control"] == "no-store"
    assert not first.has_header("ETag")
    assert first["Access-Control-Allow-Origin"] == "*"


def test_posts_are_left_alone(client):
    response = client.post(
        "/api/v1/registrations/organisations", data="{}", content_type="application/json"
    )

    assert response.status_code in (400, 422)
    assert not response.has_header("ETag")
    assert not response.get("Cache-Control", "").startswith("public")


def test_requests_with_credentials_are_neither_kept_nor_public(client, service):
    client.get(service_url(service))
    type(service).objects.filter(pk=service.pk).update(title="Με διαπιστευτήρια")

    response = client.get(service_url(service), headers={"Authorization": "Bearer partner"})

    assert response.json()["title"] == "Με διαπιστευτήρια"
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("ETag")


def test_other_paths_are_not_cached(client, site_tree):
    response = client.get("/admin/login/")

    assert not response.has_header("ETag")


def test_a_cached_answer_is_the_views_own(client):
    """The cached taxonomy answer is the view's own, byte for byte."""
    fresh = client.get(TAXONOMY, headers={"Cache-Control": "no-cache"})
    cached = client.get(TAXONOMY)

    assert cached.content == fresh.content
    assert category("primary-care").slug in {item["slug"] for item in cached.json()["results"]}


# --- The process's copy of the content version (API_CONTENT_VERSION_TTL) -------------


@pytest.fixture
def clock(settings, monkeypatch):
    """A two-second version TTL, on a clock the test moves (`clock[0]`, seconds)."""
    settings.API_CONTENT_VERSION_TTL = 2
    now = [1000.0]
    monkeypatch.setattr("cms.api.caching.monotonic", lambda: now[0])
    content_version.forget_copy()
    yield now
    content_version.forget_copy()


def test_with_a_ttl_a_cached_answer_costs_no_query(
    client, service, clock, django_assert_num_queries
):
    """The version read is reused for the TTL, then read again."""
    first = client.get(service_url(service))

    with django_assert_num_queries(0):
        again = client.get(service_url(service))
    clock[0] += 2.5
    with django_assert_num_queries(1):
        later = client.get(service_url(service))

    assert first.content == again.content == later.content


def test_the_publishing_process_sees_its_change_at_once(client, service, clock):
    before = client.get(service_url(service))
    service.title = "Κλινική"
    service.save_revision().publish()

    after = client.get(service_url(service), headers={"If-None-Match": before["ETag"]})

    assert after.status_code == 200
    assert after.json()["title"] == "Κλινική"


def test_another_process_sees_a_change_within_the_ttl(client, service, clock):
    """A publish elsewhere drops the shared version only; this process's copy lasts
    until its TTL runs out, then the new content is served."""
    client.get(service_url(service))
    # Another process publishes: the rows change and the shared version goes.
    type(service).objects.filter(pk=service.pk).update(title="Αλλού")
    caches["default"].delete(VERSION_KEY)

    clock[0] += 1.9
    within_ttl = client.get(service_url(service))
    clock[0] += 0.2
    after_ttl = client.get(service_url(service))

    assert within_ttl.json()["title"] == "Ιατρείο"
    assert after_ttl.json()["title"] == "Αλλού"


def test_a_read_racing_an_invalidation_is_not_kept(db, clock, monkeypatch):
    """A version read while this process invalidates may be the old one: it is used
    for the request under way but not kept, so the next request reads again."""
    versions = ContentVersion()
    old = versions.current()
    versions.forget_copy()
    read_shared = ContentVersion._read_shared

    def read_then_invalidate():
        version = read_shared()
        versions.drop()  # another thread of this process publishes meanwhile
        return version

    monkeypatch.setattr(versions, "_read_shared", read_then_invalidate)
    assert versions.current() == old
    monkeypatch.setattr(versions, "_read_shared", read_shared)

    assert versions.current() != old


def test_without_a_ttl_every_request_reads_the_version(
    client, service, settings, django_assert_num_queries
):
    settings.API_CONTENT_VERSION_TTL = 0
    client.get(service_url(service))

    for _request in range(2):
        with django_assert_num_queries(1):
            client.get(service_url(service))


# --- The process's answers ---------------------------------------------------------


def test_a_head_is_answered_from_the_kept_answer(client, service):
    full = client.get(service_url(service))

    head = client.head(service_url(service))

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(full.content))
    assert head["ETag"] == full["ETag"]


def test_the_store_keeps_the_most_recently_used_answers(settings):
    settings.API_RESPONSE_CACHE_ENTRIES = 2
    store = AnswerStore()
    store.set("a", "answer a")
    store.set("b", "answer b")

    assert store.get("a") == "answer a"
    store.set("c", "answer c")

    assert (store.get("a"), store.get("b"), store.get("c")) == ("answer a", None, "answer c")
    assert len(store) == 2


def test_a_stored_answer_expires(settings, monkeypatch):
    settings.API_RESPONSE_CACHE_SECONDS = 300
    now = [50.0]
    monkeypatch.setattr("cms.api.caching.monotonic", lambda: now[0])
    store = AnswerStore()
    store.set("a", "answer a")

    now[0] += 299
    assert store.get("a") == "answer a"
    now[0] += 1
    assert store.get("a") is None
    assert len(store) == 0
