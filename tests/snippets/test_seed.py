"""The starting taxonomies: complete, translated, and installed idempotently.

The session fixture has already run `install_taxonomies()` once; these tests
check what it left and what running it again does.
"""

import json
import re
from collections import Counter

import pytest
from django.db import IntegrityError, transaction
from wagtail.models import Locale

from snippets.models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    SupportType,
    TargetGroup,
    ThematicArea,
)
from snippets.seed import DATA_DIR, install_taxonomies
from tests.factories import english, greek

pytestmark = pytest.mark.django_db

TERM_MODELS = [
    ServiceCategory,
    TargetGroup,
    OrganisationType,
    Language,
    MunicipalDistrict,
    ThematicArea,
    SupportType,
]

# DESIGN.md, "A starting service taxonomy", in its own words.
DESIGN_SERVICE_TAXONOMY = {
    "Housing": [
        "Emergency shelter",
        "Rent support and housing programmes",
        "Services for homeless people",
    ],
    "Health": [
        "Primary care",
        "Mental health and psychosocial support",
        "Sexual and reproductive health",
        "Medicines",
    ],
    "Education": [
        "Greek language",
        "Other languages",
        "School support",
        "Adult education and vocational training",
        "Early childhood",
    ],
    "Legal support": [
        "Asylum",
        "Residence permits and documents",
        "Family reunification",
        "Labour rights",
        "Court representation",
    ],
    "Labour-market integration": [
        "Job counselling",
        "Job placement",
        "Entrepreneurship",
        "Recognition of skills",
    ],
    "Culture and leisure": ["Arts", "Sports", "Community events"],
    "Basic needs": ["Food", "Clothing", "Hygiene items", "Financial assistance"],
    "Protection": [
        "Children and unaccompanied minors",
        "Gender-based violence",
        "Trafficking survivors",
        "LGBTQI+ support",
    ],
    "Information and interpretation": [
        "Information desks",
        "Interpretation and cultural mediation",
        "Digital access",
    ],
    "Social services": [
        "Social work and case management",
        "Registrations for benefits, AMKA/PAAYPA",
        "Municipal social services",
    ],
}

GREEK_LETTERS = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


def load(name):
    with open(DATA_DIR / name, encoding="utf-8") as data_file:
        return json.load(data_file)


SYNATHINA = load("synathina-taxonomies.json")


def counts():
    return {model.__name__: model.objects.count() for model in TERM_MODELS}


def english_of(term):
    return type(term).objects.get(translation_key=term.translation_key, locale=english())


# --- Idempotency --------------------------------------------------------------------------


def test_second_run_creates_nothing():
    """Running the installer again returns 0 and leaves every count as it was."""
    before = counts()

    assert install_taxonomies() == 0
    assert counts() == before


def test_rerun_keeps_a_coordinators_edit():
    """A term a coordinator renamed is not renamed back."""
    housing = ServiceCategory.objects.get(locale=greek(), slug="housing")
    housing.name = "Στέγαση και φιλοξενία"
    housing.save()

    assert install_taxonomies() == 0
    housing.refresh_from_db()
    assert housing.name == "Στέγαση και φιλοξενία"


def test_rerun_restores_a_missing_translation():
    """A deleted English term is translated again, and only that one."""
    english_food = english_of(ServiceCategory.objects.get(locale=greek(), slug="food"))
    english_food.delete()
    before = counts()

    assert install_taxonomies() == 1
    restored = english_of(ServiceCategory.objects.get(locale=greek(), slug="food"))
    assert restored.name == "Food"
    assert counts()["ServiceCategory"] == before["ServiceCategory"] + 1


def test_rerun_restores_a_missing_term():
    """A Greek term nobody uses, deleted with its translation, comes back with both."""
    greek_arts = ServiceCategory.objects.get(locale=greek(), slug="arts")
    ServiceCategory.objects.filter(translation_key=greek_arts.translation_key).delete()

    assert install_taxonomies() == 2
    arts = ServiceCategory.objects.get(locale=greek(), slug="arts")
    assert arts.parent.slug == "culture-leisure"
    assert english_of(arts).name == "Arts"


# --- Service categories ----------------------------------------------------------------------


def test_every_design_category_is_present_in_greek_and_english():
    """Each main category of DESIGN.md has its Greek term and English translation."""
    categories = ServiceCategory.objects.filter(locale=greek(), parent=None)
    english_names = {english_of(category).name: category for category in categories}

    assert set(english_names) == set(DESIGN_SERVICE_TAXONOMY)
    for english_name, category in english_names.items():
        assert GREEK_LETTERS.search(category.name), (english_name, category.name)


@pytest.mark.parametrize("main_category", list(DESIGN_SERVICE_TAXONOMY))
def test_every_design_subcategory_is_present_in_greek_and_english(main_category):
    """Two levels: the subcategories hang under their main category, in both languages."""
    english_parent = ServiceCategory.objects.get(locale=english(), name=main_category, parent=None)
    greek_parent = english_parent.get_translation(greek())
    english_children = ServiceCategory.objects.filter(parent=english_parent)

    assert [child.name for child in english_children.order_by("sort_order")] == (
        DESIGN_SERVICE_TAXONOMY[main_category]
    )
    for greek_child in greek_parent.subcategories.all():
        assert GREEK_LETTERS.search(greek_child.name), greek_child.name
        assert english_of(greek_child).parent == english_parent
        assert greek_child.subcategories.exists() is False


def test_greek_categories_point_to_greek_parents():
    """A subcategory's parent is in its own locale, never across languages."""
    for locale in (greek(), english()):
        children = ServiceCategory.objects.filter(locale=locale, parent__isnull=False)
        assert children.count() == sum(map(len, DESIGN_SERVICE_TAXONOMY.values()))
        assert {child.parent.locale_id for child in children} == {locale.pk}


@pytest.mark.parametrize(
    ("model", "key"),
    [
        (TargetGroup, "target_groups"),
        (OrganisationType, "organisation_types"),
        (Language, "languages"),
    ],
)
def test_flat_taxonomies_are_complete(model, key):
    """Target groups, organisation types and languages: every entry, in Greek and English."""
    entries = load("taxonomies.json")[key]
    greek_terms = {term.slug: term for term in model.objects.filter(locale=greek())}

    assert set(greek_terms) == {entry["slug"] for entry in entries}
    for entry in entries:
        term = greek_terms[entry["slug"]]
        assert term.name == entry["el"]
        assert english_of(term).name == entry["en"]


def test_languages_keep_their_native_names():
    arabic = Language.objects.get(locale=greek(), slug="ar")

    assert arabic.native_name == "العربية"
    assert english_of(arabic).native_name == arabic.native_name


# --- Districts ----------------------------------------------------------------------------------


def test_seven_districts_with_numbers_and_boundaries():
    districts = MunicipalDistrict.objects.filter(locale=greek())

    assert [d.number for d in districts] == [1, 2, 3, 4, 5, 6, 7]
    assert [d.slug for d in districts] == ["1", "2", "3", "4", "5", "6", "7"]
    for d in districts:
        assert d.boundary["type"] in {"Polygon", "MultiPolygon"}
        assert len(d.boundary["coordinates"][0]) >= 4


def test_district_translations_share_number_and_boundary():
    for greek_district in MunicipalDistrict.objects.filter(locale=greek()):
        translation = english_of(greek_district)
        assert translation.number == greek_district.number
        assert translation.boundary == greek_district.boundary
        assert translation.name == f"{_ordinal(greek_district.number)} Municipal Community"


def _ordinal(number):
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(number, f"{number}th")


# --- synAthina --------------------------------------------------------------------------------


def test_every_synathina_thematic_area_carries_its_id():
    areas = {area.synathina_id: area for area in ThematicArea.objects.filter(locale=greek())}

    assert set(areas) == {entry["id"] for entry in SYNATHINA["thematic_areas"]}
    for entry in SYNATHINA["thematic_areas"]:
        area = areas[entry["id"]]
        assert area.name == entry["name_el"]
        translation = english_of(area)
        assert translation.name == entry["name_en"]
        assert translation.synathina_id == entry["id"]


def test_every_synathina_support_type_carries_its_id_and_parent():
    """All of synAthina's support types, unpublished ones too, with their hierarchy."""
    types = {kind.synathina_id: kind for kind in SupportType.objects.filter(locale=greek())}

    assert set(types) == {entry["id"] for entry in SYNATHINA["support_types"]}
    for entry in SYNATHINA["support_types"]:
        kind = types[entry["id"]]
        assert kind.name == entry["name_el"]
        assert kind.published is entry["published"]
        assert (kind.parent.synathina_id if kind.parent else None) == entry["parent_id"]
        translation = english_of(kind)
        assert translation.name == entry["name_en"]
        assert translation.synathina_id == entry["id"]
        assert translation.published is entry["published"]
        if kind.parent:
            assert translation.parent == english_of(kind.parent)


def test_clashing_synathina_names_get_distinct_slugs():
    """synAthina has two "Space" types: the published one keeps the plain slug."""
    published = SupportType.objects.get(locale=greek(), synathina_id=32)
    hidden = SupportType.objects.get(locale=greek(), synathina_id=14)

    assert published.slug == "space"
    assert hidden.slug == "space-14"


# --- Translations and slugs ---------------------------------------------------------------------


@pytest.mark.parametrize("model", TERM_MODELS, ids=lambda model: model.__name__)
def test_translations_share_slug_and_translation_key(model):
    """Every Greek term has one English translation with the same slug and key, and vice versa."""
    greek_terms = model.objects.filter(locale=greek())
    english_terms = model.objects.filter(locale=english())

    assert greek_terms.exists() is True
    assert {(t.translation_key, t.slug) for t in english_terms} == {
        (t.translation_key, t.slug) for t in greek_terms
    }


@pytest.mark.parametrize("model", TERM_MODELS, ids=lambda model: model.__name__)
def test_slugs_are_unique_per_locale(model):
    for locale in Locale.objects.all():
        slugs = Counter(model.objects.filter(locale=locale).values_list("slug", flat=True))
        assert [slug for slug, count in slugs.items() if count > 1] == []


@pytest.mark.parametrize("model", TERM_MODELS, ids=lambda model: model.__name__)
def test_slugs_are_latin(model):
    """Slugs are the same in every language, so they are plain Latin identifiers."""
    for slug in model.objects.values_list("slug", flat=True):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug


def test_database_refuses_a_duplicate_slug_in_one_locale():
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetGroup.objects.create(locale=greek(), slug="women", name="Γυναίκες ξανά")


def test_same_slug_is_allowed_in_another_locale_for_a_new_term():
    """The constraint is per locale: the French term may reuse the slug."""
    french = Locale.objects.get(language_code="fr")
    TargetGroup.objects.create(locale=french, slug="women", name="Femmes")

    assert TargetGroup.objects.filter(slug="women").count() == 3
