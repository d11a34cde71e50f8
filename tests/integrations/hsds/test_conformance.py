"""Every endpoint's output validates against the official HSDS 3.1 schemas, for records
with every optional part filled and for records with the least data, in every form."""

import pytest

from integrations.hsds.terms import TAXONOMIES

from .conformance import about_schema, assert_conforms, assert_page_conforms, errors
from .conftest import hsds

pytestmark = pytest.mark.django_db


def test_the_schemas_are_strict_enough_to_catch_mistakes():
    """The validator does check required fields, enums and formats (a lax one would
    pass anything)."""
    assert errors({"$ref": "service.json"}, {"id": "1", "name": "x", "status": "open"})
    assert errors({"$ref": "service.json"}, {"id": "5e1c4a4e-4d63-4a38-b8a6-9b1e6c1f4d3a"})
    assert errors(
        {"$ref": "service.json"},
        {
            "id": "5e1c4a4e-4d63-4a38-b8a6-9b1e6c1f4d3a",
            "name": "x",
            "status": "active",
            "phones": [{"id": "5e1c4a4e-4d63-4a38-b8a6-9b1e6c1f4d3a"}],  # no number
        },
    )


def test_about_conforms(client):
    response = hsds(client, "/")

    assert response.status_code == 200
    body = response.json()
    assert not errors(about_schema(), body)
    assert body["version"] == "3.1"
    assert hsds(client, "/openapi.json").status_code == 200
    profile = client.get(body["profile"])
    assert profile.status_code == 200
    assert "HSDS" in profile.content.decode()


@pytest.mark.parametrize("lang", ["el", "en", "ar"])
@pytest.mark.parametrize("full", ["true", "false"])
def test_service_lists_conform(client, directory, lang, full):
    body = hsds(client, "/services", f"full={full}&lang={lang}").json()

    assert body["total_items"] == 2
    assert_page_conforms("compiled-service_list.json", body)
    if full == "true":
        for item in body["contents"]:
            assert_conforms("service.json", item)


@pytest.mark.parametrize("which", ["rich", "minimal"])
@pytest.mark.parametrize("lang", ["el", "en"])
def test_service_details_conform(client, directory, which, lang):
    service = directory[which]
    body = hsds(client, f"/services/{service.translation_key}", f"lang={lang}").json()

    assert_conforms("service.json", body)
    assert_conforms("compiled-service_with_definitions.json", body)


def test_the_rich_service_fills_every_part_we_map(client, directory):
    """The rich record has every nested part, so the tests above validated each of them."""
    body = hsds(client, f"/services/{directory['rich'].translation_key}").json()

    for part in (
        "phones",
        "schedules",
        "service_at_locations",
        "languages",
        "attributes",
        "organization",
        "url",
        "email",
        "eligibility_description",
        "application_process",
        "fees_description",
        "interpretation_services",
    ):
        assert body[part], part
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"] and location["accessibility"]


@pytest.mark.parametrize("full", ["true", "false"])
def test_organization_lists_conform(client, directory, full):
    body = hsds(client, "/organizations", f"full={full}").json()

    assert body["total_items"] == 2
    assert_page_conforms("compiled-organization_list.json", body)
    for item in body["contents"]:
        assert_conforms("organization.json", item)


@pytest.mark.parametrize("which", ["rich", "minimal"])
def test_organization_details_conform(client, directory, which):
    organisation = directory[which].get_parent()
    body = hsds(client, f"/organizations/{organisation.translation_key}").json()

    assert_conforms("organization.json", body)
    assert len(body["services"]) == 1
    for service in body["services"]:
        assert_conforms("compiled-service_list.json", service)
    if which == "rich":
        assert body["phones"] and body["locations"] and body["additional_websites"]
        assert body["attributes"] and body["logo"]


@pytest.mark.parametrize("full", ["true", "false"])
def test_service_at_location_lists_conform(client, directory, full):
    body = hsds(client, "/service_at_locations", f"full={full}").json()

    assert body["total_items"] == 1  # the remote service has no place to visit
    assert_page_conforms("service_at_location.json", body)


def test_taxonomy_lists_conform(client, directory):
    taxonomies = hsds(client, "/taxonomies").json()
    terms = hsds(client, "/taxonomy_terms", "per_page=100&lang=en").json()

    assert_page_conforms("taxonomy.json", taxonomies)
    assert taxonomies["total_items"] == len(TAXONOMIES)
    assert_page_conforms("taxonomy_term.json", terms)
    assert terms["total_items"] == sum(
        taxonomy.model.objects.in_source_locale().count() for taxonomy in TAXONOMIES
    )
