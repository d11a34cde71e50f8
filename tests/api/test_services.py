"""GET /api/v1/services/{id}: one live service, in the negotiated language."""

import datetime

import pytest
from wagtail.models import PageViewRestriction

from pages.models import ServiceMessagingChannel
from tests.factories import (
    category,
    language,
    make_organisation,
    make_service,
    target_group,
    translate_page,
)

pytestmark = pytest.mark.django_db


def get(client, service_id, query=""):
    return client.get(f"/api/v1/services/{service_id}{query}")


@pytest.fixture
def organisation(site_tree):
    organisation = make_organisation(title="Πράξις")
    translate_page(organisation, "en", title="Praksis")
    return organisation


@pytest.fixture
def service(organisation):
    return make_service(
        organisation,
        title="Ιατρείο",
        categories=[category("primary-care")],
        target_groups=[target_group("asylum-seekers")],
        languages=[language("ar")],
        opening_hours=[(0, datetime.time(9), datetime.time(14))],
        phone="+30 210 0000000",
    )


def test_a_live_service_is_served_in_greek_by_default(client, service, organisation):
    """Without a language, the Greek page is served, with its terms as slugs."""
    response = get(client, service.pk)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert (body["language"], body["fallback"], body["dir"]) == ("el", False, "ltr")
    assert body["id"] == service.pk
    assert body["title"] == "Ιατρείο"
    assert body["organisation"] == {"id": organisation.pk, "title": "Πράξις"}
    assert body["categories"] == ["primary-care"]
    assert body["main_categories"] == [category("primary-care").parent.slug]
    assert body["target_groups"] == ["asylum-seekers"]
    assert body["languages"] == ["ar"]
    assert body["opening_hours"] == [{"weekday": 0, "opens": "09:00:00", "closes": "14:00:00"}]
    assert body["district"] == 1
    assert isinstance(body["latitude"], float)


def test_the_english_translation_is_served_under_the_greek_id(client, service):
    """`?lang=en` serves the live English translation; the id stays the Greek page's."""
    translate_page(service, "en", title="Clinic")

    body = get(client, service.pk, "?lang=en").json()

    assert (body["language"], body["fallback"]) == ("en", False)
    assert (body["id"], body["title"]) == (service.pk, "Clinic")
    assert body["organisation"]["title"] == "Praksis"


def test_a_missing_translation_falls_back_to_english_then_greek(client, service):
    """Arabic isn't there: English is served if live, marked as a fallback; without
    English, Greek."""
    body = get(client, service.pk, "?lang=ar").json()
    assert (body["language"], body["fallback"], body["dir"]) == ("el", True, "ltr")

    translate_page(service, "en", title="Clinic")
    body = get(client, service.pk, "?lang=ar").json()
    assert (body["language"], body["fallback"], body["title"]) == ("en", True, "Clinic")


def test_a_draft_translation_is_not_served(client, service):
    """Only live translations count: a draft English copy leaves the Greek page served."""
    translate_page(service, "en", title="Clinic", publish=False)

    body = get(client, service.pk, "?lang=en").json()

    assert (body["language"], body["fallback"]) == ("el", True)


def test_a_draft_service_is_a_404_problem(client, organisation):
    """A service that was never published is not found."""
    draft = make_service(organisation, publish=False)

    response = get(client, draft.pk)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_unpublished_service_is_a_404_problem(client, service):
    """Unpublishing takes the service out of the API."""
    service.unpublish()

    assert get(client, service.pk).status_code == 404


@pytest.mark.parametrize("service_id", ["999999", "abc", "99999999999", "²"])
def test_unknown_or_malformed_ids_are_404_problems(client, service_id):
    """Ids that are not a service's are 404 problems, never server errors or HTML."""
    response = get(client, service_id)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_translation_id_is_not_an_id(client, service):
    """Services are identified by their Greek page: the English page's id is a 404."""
    english = translate_page(service, "en", title="Clinic")

    assert get(client, english.pk).status_code == 404


def test_a_service_of_an_unpublished_organisation_is_a_404_problem(client, service, organisation):
    """A service is only served while its organisation is approved (live)."""
    organisation.unpublish()

    assert get(client, service.pk).status_code == 404
    assert get(client, service.pk, "?lang=en").status_code == 404


def test_a_restricted_service_is_a_404_problem(client, service):
    """A page behind a view restriction is not public, in any language."""
    translate_page(service, "en", title="Clinic")
    PageViewRestriction.objects.create(page=service, restriction_type="login")

    assert get(client, service.pk).status_code == 404
    assert get(client, service.pk, "?lang=en").status_code == 404


def test_a_restricted_translation_falls_back_to_greek(client, service):
    """A translation behind a view restriction is not served; the Greek page is."""
    english = translate_page(service, "en", title="Clinic")
    PageViewRestriction.objects.create(page=english, restriction_type="login")

    body = get(client, service.pk, "?lang=en").json()

    assert (body["language"], body["fallback"], body["title"]) == ("el", True, "Ιατρείο")


def test_an_organisation_id_is_not_a_service(client, organisation):
    """Only service pages are served here."""
    assert get(client, organisation.pk).status_code == 404


def test_contact_persons_never_appear(client, organisation):
    """The organisation's private contact persons are not part of the service."""
    organisation.contact_persons.create(name="Μαρία Secret", email="secret@example.org")
    organisation.save_revision().publish()
    service = make_service(organisation)

    text = get(client, service.pk).content.decode()

    assert "secret@example.org" not in text
    assert "Secret" not in text


def test_unknown_parameters_and_bad_languages_are_400_problems(client, service):
    """The language and parameter rules are the same as everywhere in the API."""
    assert get(client, service.pk, "?fields=title").status_code == 400
    response = get(client, service.pk, "?lang=xx")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lang"


def test_a_fixed_number_of_queries(client, organisation, django_assert_max_num_queries):
    """Rows of every kind (hours, closures, apps, terms) don't add queries."""
    service = make_service(
        organisation,
        categories=[category("primary-care"), category("emergency-shelter")],
        opening_hours=[(day, datetime.time(9), datetime.time(14)) for day in range(5)],
        closures=[(datetime.date(2026, 8, 10), datetime.date(2026, 8, 20))],
    )
    ServiceMessagingChannel.objects.create(page=service, app="viber", handle="+30 69")
    ServiceMessagingChannel.objects.create(page=service, app="signal", handle="@clinic")
    translate_page(service, "en", title="Clinic")

    # The page with everything it shows, and the view restrictions, in one query.
    with django_assert_max_num_queries(1):
        body = get(client, service.pk, "?lang=en").json()

    assert body["title"] == "Clinic"
    assert len(body["opening_hours"]) == 5
    assert body["messaging_channels"] == [
        {"app": "viber", "handle": "+30 69"},
        {"app": "signal", "handle": "@clinic"},
    ]
    assert body["closures"] == [
        {"start_date": "2026-08-10", "end_date": "2026-08-20", "reason": ""}
    ]
    assert set(body["categories"]) == {"primary-care", "emergency-shelter"}
