"""How ACCMR's content maps to HSDS: ids, languages, statuses, hours, costs, terms."""

import uuid

import pytest

from integrations.hsds.ids import ACCMR_NAMESPACE
from pages.models import ServicePage
from tests.factories import category, make_service

from .conftest import hsds

pytestmark = pytest.mark.django_db


def service(client, page, query="", **headers):
    response = hsds(client, f"/services/{page.translation_key}", query, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_ids_are_the_same_in_every_language(client, directory):
    """A service, its organisation and every nested record keep their ids across
    languages: the item's `translation_key`, and UUID 5 names derived from it."""
    greek = service(client, directory["rich"], "lang=el")
    english = service(client, directory["rich"], "lang=en")

    assert (greek["name"], english["name"]) == ("Πολυιατρείο", "Polyclinic")
    assert greek["id"] == english["id"] == str(directory["rich"].translation_key)
    assert greek["organization_id"] == english["organization_id"]
    for part in ("schedules", "phones", "languages", "attributes", "service_at_locations"):
        assert [item["id"] for item in greek[part]] == [item["id"] for item in english[part]]
    location = greek["service_at_locations"][0]["location_id"]
    key = uuid.UUID(greek["id"])
    assert location == str(uuid.uuid5(key, "location"))
    assert ACCMR_NAMESPACE.version == 4


def test_language_is_negotiated_and_stated_on_each_record(client, directory):
    english = service(client, directory["rich"], "lang=en")
    arabic = service(client, directory["rich"], "lang=ar")  # no Arabic: English
    by_header = service(client, directory["rich"], HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    untranslated = service(client, directory["minimal"], "lang=en")

    assert (english["language"], english["organization"]["language"]) == ("en", "en")
    assert english["organization"]["name"] == "Praksis"
    assert (arabic["language"], arabic["name"]) == ("en", "Polyclinic")
    assert by_header["language"] == "en"
    assert (untranslated["language"], untranslated["name"]) == ("el", "Γραμμή βοήθειας")


def test_terms_are_named_in_the_served_language_with_greek_ids(client, directory):
    english = service(client, directory["rich"], "lang=en")
    greek = service(client, directory["rich"], "lang=el")

    names = {item["taxonomy_term"]["code"]: item["taxonomy_term"] for item in english["attributes"]}
    assert names["asylum"]["name"] == "Asylum"
    assert names["asylum"]["parent_id"] == str(category("legal-support").translation_key)
    assert names["legal-support"]["id"] == str(category("legal-support").translation_key)
    assert names["2"]["taxonomy"] == "districts"
    assert {item["code"]: item["name"] for item in english["languages"]} == {
        "ar": "Arabic",
        "fa": "Farsi",
    }
    assert {item["taxonomy_term"]["language"] for item in greek["attributes"]} == {"el"}


def test_opening_hours_are_weekly_schedules_grouped_by_hours(client, directory):
    schedules = service(client, directory["rich"])["schedules"]

    assert [
        (item["freq"], item["byday"], item["opens_at"], item["closes_at"], item["tzid"])
        for item in schedules
    ] == [
        ("WEEKLY", "MO,WE", "09:00", "14:00", "Europe/Athens"),
        ("WEEKLY", "FR", "16:00", "20:30", "Europe/Athens"),
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ServicePage.Status.ACTIVE, "active"),
        (ServicePage.Status.TEMPORARILY_CLOSED, "temporarily closed"),
        (ServicePage.Status.INACTIVE, "inactive"),
    ],
)
def test_statuses_map_to_hsds_statuses(client, rich_organisation, status, expected):
    page = make_service(rich_organisation, status=status)

    assert service(client, page)["status"] == expected


def test_costs(client, directory):
    paid = service(client, directory["rich"])
    free = service(client, directory["minimal"])

    assert paid["fees_description"] == "5 € η επίσκεψη"
    assert "cost_options" not in paid
    assert free["cost_options"] == [
        {
            "id": free["cost_options"][0]["id"],
            "service_id": free["id"],
            "amount": 0,
            "currency": "EUR",
        }
    ]
    assert "fees_description" not in free


def test_location_address_and_extras(client, directory):
    body = service(client, directory["rich"])
    location = body["service_at_locations"][0]["location"]
    (address,) = location["addresses"]

    assert (location["latitude"], location["longitude"]) == (37.968, 23.747)
    assert (address["address_1"], address["postal_code"], address["country"]) == (
        "Υμηττού 10, 116 33 Αθήνα",
        "116 33",
        "GR",
    )
    assert location["accessibility"][0]["description"] == "Ράμπα στην είσοδο."
    assert body["messaging_channels"] == [
        {"app": "viber", "handle": "+30 690 0000000"},
        {"app": "telegram", "handle": "@praksis"},
    ]
    assert body["closures"] == [
        {"start_date": "2026-12-24", "end_date": "2027-01-02", "reason": "Γιορτές"}
    ]
    assert body["description"] == (
        "Δωρεάν ιατρική φροντίδα.\n\nΓιατροί & νοσηλευτές. Χωρίς ραντεβού."
    )
    assert (body["delivery"], body["access"]) == ("both", "appointment")


def test_a_remote_service_has_no_location(client, directory):
    body = service(client, directory["minimal"])

    assert "service_at_locations" not in body
    assert "phones" not in body and "schedules" not in body


def test_about_points_at_the_profile_and_the_openapi_document(client, site_tree):
    body = hsds(client, "/").json()

    assert body == {
        "version": "3.1",
        "profile": "http://testserver/api/hsds/profile",
        "openapi_url": "http://testserver/api/hsds/openapi.json",
    }
    profile = client.get("/api/hsds/profile")
    assert profile["Content-Type"] == "text/markdown; charset=utf-8"
    assert profile["Access-Control-Allow-Origin"] == "*"


def test_the_openapi_document_lists_every_endpoint_and_its_parameters(client, site_tree):
    paths = hsds(client, "/openapi.json").json()["paths"]

    services = {item["name"] for item in paths["/api/hsds/services"]["get"]["parameters"]}
    terms = {item["name"] for item in paths["/api/hsds/taxonomy_terms"]["get"]["parameters"]}
    assert services == {
        "lang",
        "search",
        "taxonomy_term_id",
        "organization_id",
        "modified_after",
        "full",
        "page",
        "per_page",
    }
    assert {"taxonomy_id", "parent_id", "top_only"} <= terms
    assert {
        "/api/hsds/",
        "/api/hsds/services/{service_id}",
        "/api/hsds/organizations",
        "/api/hsds/organizations/{organization_id}",
        "/api/hsds/service_at_locations",
        "/api/hsds/taxonomies",
    } <= set(paths)
