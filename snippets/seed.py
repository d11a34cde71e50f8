"""The starting taxonomies, installed idempotently from the files in `snippets/data/`.

Only missing terms are added: a coordinator's later edits to a term are never
overwritten. Each term is created in Greek (the source locale) and translated
into English through wagtail-localize.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from cms.content_translation import translate

from .models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    SupportType,
    TargetGroup,
    ThematicArea,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
TRANSLATED_LANGUAGE = "en"
# Subcategories sort right after their category in one flat list (e.g. 300, 301, 302…).
CATEGORY_SORT_STEP = 100


def _load(name):
    with open(DATA_DIR / name, encoding="utf-8") as data_file:
        return json.load(data_file)


def ensure_locales():
    """Every content language has its Locale (the source one first)."""
    return {
        code: Locale.objects.get_or_create(language_code=code)[0]
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
    }


class TaxonomyInstaller:
    def __init__(self):
        locales = ensure_locales()
        self.source_locale = locales[SOURCE_LANGUAGE]
        self.target_locale = locales[TRANSLATED_LANGUAGE]
        self.created = 0

    def term(self, model, *, slug, el, en, **fields):
        """Get or create the Greek term `slug`; make sure it has its English translation."""
        term = model.objects.filter(locale=self.source_locale, slug=slug).first()
        if term is None:
            term = model(locale=self.source_locale, slug=slug, name=el, **fields)
            term.save()
            self.created += 1
        if not model.objects.filter(
            translation_key=term.translation_key, locale=self.target_locale
        ).exists():
            translate(term, self.target_locale, {el: en, term.name: en})
            self.created += 1
        return term

    def install(self):
        taxonomies = _load("taxonomies.json")
        for order, category in enumerate(taxonomies["service_categories"]):
            parent = self.term(
                ServiceCategory,
                slug=category["slug"],
                el=category["el"],
                en=category["en"],
                sort_order=order * CATEGORY_SORT_STEP,
            )
            for child_order, child in enumerate(category["children"]):
                self.term(
                    ServiceCategory,
                    slug=child["slug"],
                    el=child["el"],
                    en=child["en"],
                    sort_order=order * CATEGORY_SORT_STEP + child_order + 1,
                    parent=parent,
                )
        for model, key in (
            (TargetGroup, "target_groups"),
            (OrganisationType, "organisation_types"),
        ):
            for order, item in enumerate(taxonomies[key]):
                self.term(model, slug=item["slug"], el=item["el"], en=item["en"], sort_order=order)
        for order, item in enumerate(taxonomies["languages"]):
            self.term(
                Language,
                slug=item["slug"],
                el=item["el"],
                en=item["en"],
                sort_order=order,
                native_name=item["native"],
            )
        self.install_districts()
        self.install_synathina_terms()
        return self.created

    def install_districts(self):
        boundaries = _load("athens-municipal-districts.geojson")
        for feature in boundaries["features"]:
            properties = feature["properties"]
            self.term(
                MunicipalDistrict,
                slug=str(properties["number"]),
                el=properties["name_el"],
                en=properties["name_en"],
                number=properties["number"],
                boundary=feature["geometry"],
            )

    def install_synathina_terms(self):
        synathina = _load("synathina-taxonomies.json")
        for area, slug in _with_slugs(synathina["thematic_areas"]):
            self.term(
                ThematicArea,
                slug=slug,
                el=area["name_el"],
                en=area["name_en"],
                synathina_id=area["id"],
            )
        by_id = {}
        # Parents come before their children in synAthina's list.
        for support_type, slug in _with_slugs(synathina["support_types"]):
            by_id[support_type["id"]] = self.term(
                SupportType,
                slug=slug,
                el=support_type["name_el"],
                en=support_type["name_en"],
                synathina_id=support_type["id"],
                published=support_type["published"],
                parent=by_id.get(support_type["parent_id"]),
            )


def _slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _with_slugs(entries):
    """Slugs from the English names; on a clash the unpublished entry gets its id appended."""
    ranked = sorted(entries, key=lambda entry: (not entry.get("published", True), entry["id"]))
    taken, slugs = set(), {}
    for entry in ranked:
        slug = _slugify(entry["name_en"])
        if slug in taken:
            slug = f"{slug}-{entry['id']}"
        taken.add(slug)
        slugs[entry["id"]] = slug
    return [(entry, slugs[entry["id"]]) for entry in entries]


@transaction.atomic
def install_taxonomies():
    """Install what is missing; returns how many terms and translations were created."""
    return TaxonomyInstaller().install()
