"""HSDS pagination and parameters: each filter, the bounds, and 400s for anything else."""

import datetime

import pytest
from django.utils import timezone

from cms.api.problems import PROBLEM_CONTENT_TYPE
from pages.models import ServicePage
from snippets.models import ServiceCategory
from tests.factories import category, district, language, organisation_type, target_group

from .conftest import hsds

pytestmark = pytest.mark.django_db

LISTS = ["/services", "/organizations", "/service_at_locations", "/taxonomies", "/taxonomy_terms"]


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["contents"]]


def problem_fields(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["Access-Control-Allow-Origin"] == "*"
    return sorted(error["field"] for error in response.json()["errors"])


# --- Pagination -------------------------------------------------------------------


def test_pages_walk_through_the_list(client, directory, hidden):
    """Three live services (the hidden fixture adds one), two a page."""
    first = hsds(client, "/services", "per_page=2").json()
    second = hsds(client, "/services", "per_page=2&page=2").json()

    assert {key: first[key] for key in first if key != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert (second["page_number"], second["size"], second["first_page"]) == (2, 1, False)
    assert second["last_page"] is True
    ids = [item["id"] for item in first["contents"] + second["contents"]]
    assert len(set(ids)) == 3


def test_a_page_past_the_end_is_empty_not_an_error(client, directory):
    body = hsds(client, "/services", "page=5").json()

    assert (body["contents"], body["size"], body["empty"]) == ([], 0, True)
    assert (body["total_items"], body["page_number"]) == (2, 5)
    assert (body["first_page"], body["last_page"]) == (False, True)


def test_per_page_defaults_to_20_and_allows_100(client, directory):
    terms = hsds(client, "/taxonomy_terms").json()
    hundred = hsds(client, "/taxonomy_terms", "per_page=100").json()

    assert terms["size"] == 20
    assert hundred["size"] == min(100, hundred["total_items"])


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("per_page=0", ["per_page"]),
        ("per_page=101", ["per_page"]),
        ("per_page=ten", ["per_page"]),
        ("page=0", ["page"]),
        ("page=-2", ["page"]),
        ("page=1.5&per_page=", ["page", "per_page"]),
    ],
)
def test_bad_pagination_is_a_400_naming_each_field(client, site_tree, path, query, fields):
    assert problem_fields(hsds(client, path, query)) == fields


# --- Unknown and malformed parameters ---------------------------------------------


@pytest.mark.parametrize("path", ["/", *LISTS])
def test_unknown_parameters_are_a_400_naming_each(client, site_tree, path):
    response = hsds(client, path, "page_size=5&minimal=true")

    assert problem_fields(response) == ["minimal", "page_size"]


def test_detail_endpoints_refuse_unknown_parameters(client, directory):
    service = directory["rich"]

    response = hsds(client, f"/services/{service.translation_key}", "full=true")

    assert problem_fields(response) == ["full"]


def test_every_malformed_value_is_named_in_one_400(client, site_tree):
    response = hsds(
        client,
        "/services",
        "full=maybe&modified_after=last-week&taxonomy_term_id=health&organization_id=12",
    )

    assert problem_fields(response) == [
        "full",
        "modified_after",
        "organization_id",
        "taxonomy_term_id",
    ]


def test_taxonomy_term_parameters_are_checked(client, site_tree):
    response = hsds(client, "/taxonomy_terms", "taxonomy_id=x&parent_id=y&top_only=perhaps")

    assert problem_fields(response) == ["parent_id", "taxonomy_id", "top_only"]


def test_an_unsupported_language_is_a_400(client, site_tree):
    assert problem_fields(hsds(client, "/services", "lang=de")) == ["lang"]


@pytest.mark.parametrize("path", ["/services/", "/organizations/"])
@pytest.mark.parametrize("item_id", ["42", "not-a-uuid", "5e1c4a4e-4d63-4a38-b8a6-9b1e6c1f4d3a"])
def test_unknown_ids_are_404_problems(client, site_tree, path, item_id):
    response = hsds(client, f"{path}{item_id}")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


# --- Filters ----------------------------------------------------------------------


def term_id(term):
    return str(term.translation_key)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (lambda: category("legal-support"), ["Πολυιατρείο"]),  # main category of `asylum`
        (lambda: category("health"), ["Πολυιατρείο", "Γραμμή βοήθειας"]),
        (lambda: category("mental-health"), ["Πολυιατρείο"]),
        (lambda: category("housing"), []),
        (lambda: target_group("asylum-seekers"), ["Πολυιατρείο"]),
        (lambda: language("fa"), ["Πολυιατρείο"]),
        (lambda: district(2), ["Πολυιατρείο"]),
        (lambda: organisation_type("informal-group"), ["Γραμμή βοήθειας"]),
    ],
)
def test_taxonomy_term_id_filters_services(client, directory, term, expected):
    query = f"taxonomy_term_id={term_id(term())}"

    assert names(hsds(client, "/services", query)) == expected


def test_an_unknown_taxonomy_term_matches_nothing(client, directory):
    query = "taxonomy_term_id=5e1c4a4e-4d63-4a38-b8a6-9b1e6c1f4d3a"

    assert names(hsds(client, "/services", query)) == []


def test_taxonomy_term_id_filters_organizations_by_their_own_terms(client, directory):
    by_type = f"taxonomy_term_id={term_id(organisation_type('informal-group'))}"
    by_field = f"taxonomy_term_id={term_id(category('legal-support'))}"
    by_group = f"taxonomy_term_id={term_id(target_group('asylum-seekers'))}"

    assert names(hsds(client, "/organizations", by_type)) == ["Ομάδα Γειτονιάς"]
    assert names(hsds(client, "/organizations", by_field)) == ["Πράξις"]
    assert names(hsds(client, "/organizations", by_group)) == []


def test_organization_id_filters_services_and_their_locations(client, directory):
    rich_organisation = directory["rich"].get_parent()
    query = f"organization_id={rich_organisation.translation_key}"

    assert names(hsds(client, "/services", query)) == ["Πολυιατρείο"]
    locations = hsds(client, "/service_at_locations", query).json()["contents"]
    assert [item["service_id"] for item in locations] == [str(directory["rich"].translation_key)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("search=πολυιατρ", ["Πολυιατρείο"]),  # title, any case
        ("search=ΔΩΡΕΆΝ%20ΙΑΤΡΙΚΉ%20ΦΡΟΝΤΊΔΑ", ["Πολυιατρείο"]),  # summary
        ("search=polyclinic&lang=en", ["Polyclinic"]),  # the English translation
        ("search=nowhere", []),
    ],
)
def test_search_matches_title_and_summary(client, directory, query, expected):
    assert names(hsds(client, "/services", query)) == expected


def test_search_filters_organizations_taxonomies_and_terms(client, directory):
    assert names(hsds(client, "/organizations", "search=praksis&lang=en")) == ["Praksis"]
    assert names(hsds(client, "/taxonomies", "search=target&lang=en")) == ["Target groups"]
    terms = names(hsds(client, "/taxonomy_terms", "search=asylum&lang=en"))
    assert sorted(terms) == ["Asylum", "Asylum seekers"]


def test_modified_after_counts_the_latest_publication_in_any_language(client, directory):
    """A service is modified when its Greek page or any live translation is published."""
    rich, minimal = directory["rich"], directory["minimal"]
    january = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    ServicePage.objects.filter(translation_key=rich.translation_key).update(
        last_published_at=january
    )
    ServicePage.objects.filter(pk=minimal.pk).update(
        last_published_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    )

    assert names(hsds(client, "/services", "modified_after=2026-03-01")) == ["Γραμμή βοήθειας"]
    assert names(hsds(client, "/services", "modified_after=2025-12-31T23:00Z")) == [
        "Πολυιατρείο",
        "Γραμμή βοήθειας",
    ]

    english = ServicePage.objects.get(
        translation_key=rich.translation_key, locale__language_code="en"
    )
    ServicePage.objects.filter(pk=english.pk).update(
        last_published_at=datetime.datetime(2026, 7, 1, 9, 30, tzinfo=datetime.UTC)
    )
    body = hsds(client, "/services", "modified_after=2026-03-01").json()

    assert [item["name"] for item in body["contents"]] == ["Πολυιατρείο", "Γραμμή βοήθειας"]
    assert body["contents"][0]["last_modified"] == "2026-07-01T09:30:00.000Z"
    assert names(hsds(client, "/services", f"modified_after={timezone.now().year + 1}-01-01")) == []


def test_full_adds_the_nested_parts(client, directory):
    summary = hsds(client, "/services", "full=false").json()["contents"][0]
    full = hsds(client, "/services", "full=true").json()["contents"][0]

    assert "schedules" not in summary and "attributes" not in summary
    assert full["schedules"] and full["attributes"] and full["service_at_locations"]
    assert {key: full[key] for key in summary} == summary


def test_taxonomy_terms_filter_by_taxonomy_parent_and_top_level(client, site_tree):
    taxonomies = {
        item["name"]: item["id"]
        for item in hsds(client, "/taxonomies", "lang=en").json()["contents"]
    }
    health = term_id(category("health"))
    categories = f"taxonomy_id={taxonomies['Service categories']}&per_page=100"

    all_categories = hsds(client, "/taxonomy_terms", categories).json()
    top = hsds(client, "/taxonomy_terms", f"{categories}&top_only=true").json()
    under_health = hsds(client, "/taxonomy_terms", f"parent_id={health}&lang=en").json()

    assert {item["taxonomy"] for item in all_categories["contents"]} == {"categories"}
    assert all_categories["total_items"] == ServiceCategory.objects.in_source_locale().count()
    assert all("parent_id" not in item for item in top["contents"])
    assert top["total_items"] == 10
    assert {item["code"] for item in under_health["contents"]} == {
        "primary-care",
        "mental-health",
        "sexual-reproductive-health",
        "medicines",
    }
    assert {item["parent_id"] for item in under_health["contents"]} == {health}
