"""GET /api/v1/taxonomies/{kind} and the language rules every endpoint shares."""

import json
from pathlib import Path

import pytest
from wagtail.models import Locale

from snippets.models import ServiceCategory
from snippets.seed import _with_slugs
from tests.factories import target_group

DATA_DIR = Path(__file__).resolve().parents[2] / "snippets" / "data"

pytestmark = pytest.mark.django_db


def _load(name):
    with open(DATA_DIR / name, encoding="utf-8") as data_file:
        return json.load(data_file)


def seeded_terms(kind):
    """The seed files' terms of `kind` as {slug: (greek name, english name, extra fields)}."""
    taxonomies = _load("taxonomies.json")
    synathina = _load("synathina-taxonomies.json")
    if kind == "categories":
        terms = {}
        for main in taxonomies["service_categories"]:
            terms[main["slug"]] = (main["el"], main["en"], {"parent": None})
            for child in main["children"]:
                terms[child["slug"]] = (child["el"], child["en"], {"parent": main["slug"]})
        return terms
    if kind in ("target-groups", "organisation-types"):
        key = kind.replace("-", "_")
        return {item["slug"]: (item["el"], item["en"], {}) for item in taxonomies[key]}
    if kind == "languages":
        return {
            item["slug"]: (item["el"], item["en"], {"native_name": item["native"]})
            for item in taxonomies["languages"]
        }
    if kind == "districts":
        return {
            str(feature["properties"]["number"]): (
                feature["properties"]["name_el"],
                feature["properties"]["name_en"],
                {"number": feature["properties"]["number"]},
            )
            for feature in _load("athens-municipal-districts.geojson")["features"]
        }
    if kind == "thematic-areas":
        return {
            slug: (area["name_el"], area["name_en"], {"synathina_id": area["id"]})
            for area, slug in _with_slugs(synathina["thematic_areas"])
        }
    with_slugs = _with_slugs(synathina["support_types"])
    slug_by_id = {entry["id"]: slug for entry, slug in with_slugs}
    return {
        slug: (
            entry["name_el"],
            entry["name_en"],
            {
                "synathina_id": entry["id"],
                "parent": slug_by_id.get(entry["parent_id"]),
                "published": entry["published"],
            },
        )
        for entry, slug in with_slugs
    }


KINDS = [
    "categories",
    "target-groups",
    "organisation-types",
    "languages",
    "districts",
    "thematic-areas",
    "support-types",
]


def get(client, path):
    return client.get(f"/api/v1/taxonomies/{path}")


# --- Every kind, in Greek and English ------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["el", "en"])
def test_each_kind_lists_the_seeded_terms_named_in_the_requested_language(client, kind, lang):
    """Every seeded term of the kind is listed once, by slug, with its name in Greek or
    English as asked and the kind's own fields (parent, number, synathina_id, ...)."""
    response = get(client, f"{kind}?lang={lang}")

    assert response.status_code == 200
    body = response.json()
    expected = seeded_terms(kind)
    assert body["language"] == lang
    assert body["fallback"] is False
    assert body["dir"] == "ltr"
    assert body["count"] == len(expected) == len(body["results"])
    for item in body["results"]:
        el_name, en_name, extra = expected[item["slug"]]
        assert item["name"] == (el_name if lang == "el" else en_name)
        assert item["language"] == lang
        for field, value in extra.items():
            assert item[field] == value, (item["slug"], field)
    assert {item["slug"] for item in body["results"]} == set(expected)


def test_terms_keep_the_order_coordinators_set(client):
    """Categories come in sort order: each main category followed by its subcategories."""
    results = get(client, "categories?lang=en").json()["results"]

    expected = []
    for main in _load("taxonomies.json")["service_categories"]:
        expected += [main["slug"], *(child["slug"] for child in main["children"])]
    assert [item["slug"] for item in results] == expected


# --- Fallbacks -----------------------------------------------------------------------


def test_a_language_without_translations_falls_back_to_english_right_to_left_aside(client):
    """Arabic has no term translations yet: names come in English, marked as a fallback,
    and the response is in English, so left to right."""
    body = get(client, "target-groups?lang=ar").json()

    assert body["language"] == "en"
    assert body["fallback"] is True
    assert body["dir"] == "ltr"
    names = {item["slug"]: item["name"] for item in body["results"]}
    assert names["asylum-seekers"] == "Asylum seekers"
    assert {item["language"] for item in body["results"]} == {"en"}


def test_translated_terms_are_served_in_the_language_and_the_rest_in_english(client):
    """With one term translated into Arabic, that term is in Arabic, the others fall back
    to English; the response keeps the requested language and its direction."""
    term = target_group("asylum-seekers")
    arabic = term.copy_for_translation(Locale.objects.get(language_code="ar"))
    arabic.name = "طالبو اللجوء"
    arabic.save()

    body = get(client, "target-groups?lang=ar").json()

    assert body["language"] == "ar"
    assert body["dir"] == "rtl"
    assert body["fallback"] is True
    by_slug = {item["slug"]: item for item in body["results"]}
    assert by_slug["asylum-seekers"] == {
        "slug": "asylum-seekers",
        "name": "طالبو اللجوء",
        "language": "ar",
    }
    assert by_slug["unaccompanied-minors"]["language"] == "en"


def test_a_fully_translated_kind_in_a_right_to_left_language_says_rtl(client):
    """When every term is in Arabic, the response is in Arabic, right to left, no fallback."""
    arabic = Locale.objects.get(language_code="ar")
    for term in ServiceCategory.objects.filter(locale__language_code="el"):
        translation = term.copy_for_translation(arabic)
        translation.name = f"ع {term.slug}"
        translation.parent = None  # left unset: the listed parent must come from Greek
        translation.save()

    body = get(client, "categories?lang=ar").json()

    assert (body["language"], body["fallback"], body["dir"]) == ("ar", False, "rtl")
    housing = next(item for item in body["results"] if item["slug"] == "emergency-shelter")
    assert housing["name"] == "ع emergency-shelter"
    assert housing["parent"] == "housing", "the parent comes from the Greek term"


def test_a_term_missing_in_english_falls_back_to_greek(client):
    """A term with no English translation is named in Greek, the last resort."""
    english_term = target_group("asylum-seekers").get_translation(
        Locale.objects.get(language_code="en")
    )
    english_term.delete()

    body = get(client, "target-groups?lang=en").json()

    by_slug = {item["slug"]: item for item in body["results"]}
    assert by_slug["asylum-seekers"]["language"] == "el"
    assert by_slug["asylum-seekers"]["name"] == "Αιτούντες άσυλο"
    assert body["language"] == "en"
    assert body["fallback"] is True


# --- Language negotiation ------------------------------------------------------------


def test_without_lang_or_accept_language_greek_is_served(client):
    """The default language is Greek, the source language."""
    body = get(client, "organisation-types").json()

    assert (body["language"], body["fallback"], body["dir"]) == ("el", False, "ltr")
    assert body["results"][0]["name"] == "Μη κυβερνητική οργάνωση"


def test_accept_language_picks_the_first_supported_language(client):
    """Unsupported languages in Accept-Language are skipped; a regional variant counts
    as its language (en-GB is English)."""
    response = client.get(
        "/api/v1/taxonomies/organisation-types",
        HTTP_ACCEPT_LANGUAGE="de, en-GB;q=0.8, el;q=0.5",
    )

    assert response.json()["language"] == "en"
    assert response.json()["results"][0]["name"] == "Non-governmental organisation"


def test_accept_language_with_no_supported_language_gives_greek(client):
    """Accept-Language naming only unsupported languages falls through to Greek."""
    response = client.get(
        "/api/v1/taxonomies/organisation-types", HTTP_ACCEPT_LANGUAGE="de, it;q=0.5"
    )

    assert response.json()["language"] == "el"


def test_lang_parameter_wins_over_accept_language(client):
    """`?lang=` is the client's explicit choice and overrides the header."""
    response = client.get(
        "/api/v1/taxonomies/organisation-types?lang=el", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json()["language"] == "el"


@pytest.mark.parametrize("lang", ["de", "EN", "", "en-GB"])
def test_an_unsupported_lang_is_a_400_problem_on_the_lang_field(client, lang):
    """`?lang=` must be exactly one of the platform's language codes."""
    response = get(client, f"categories?lang={lang}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert [error["field"] for error in body["errors"]] == ["lang"]


# --- Errors, CORS and queries --------------------------------------------------------


def test_an_unknown_kind_is_a_404_problem(client):
    """Only the seven taxonomies exist; anything else is a 404 problem."""
    response = get(client, "colours")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_an_unknown_query_parameter_is_a_400_problem_naming_it(client):
    """A misspelt parameter is reported rather than silently ignored."""
    response = get(client, "categories?lang=en&sort=name&page=2")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["page", "sort"]


def test_any_origin_may_read_the_taxonomies_and_their_problems(client):
    """Public reads carry `Access-Control-Allow-Origin: *`, errors included."""
    assert get(client, "categories")["Access-Control-Allow-Origin"] == "*"
    assert get(client, "colours")["Access-Control-Allow-Origin"] == "*"
    assert get(client, "categories?lang=xx")["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("kind", ["categories", "support-types"])
def test_one_query_whatever_the_number_of_terms(client, django_assert_max_num_queries, kind):
    """Names, parents and kind fields of every term come from a single query."""
    with django_assert_max_num_queries(1):
        response = get(client, f"{kind}?lang=ar")

    assert response.status_code == 200
    assert response.json()["count"] > 20
