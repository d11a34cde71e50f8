"""The services' read model (`ServiceListing`): kept in step with pages, restrictions and
categories by signals, and equal to a full rebuild."""

import io
import json
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from pages.api.service_listing import rebuild_service_listings
from pages.models import ServiceListing, ServiceListingGeneration, ServicePage
from snippets.models import ServiceCategory
from tests.factories import (
    PAGRATI,
    category,
    language,
    make_organisation,
    make_service,
    target_group,
    translate_page,
)

pytestmark = pytest.mark.django_db

service_listing_terms = import_module("pages.migrations.0007_service_listing_terms")


def rows(service):
    """{language: (served language, served title, item)} of the service's rows."""
    return {
        row.language: (row.served_language, row.title, json.loads(row.payload.item))
        for row in ServiceListing.objects.filter(service=service)
    }


def snapshot():
    fields = [field.name for field in ServiceListing._meta.concrete_fields if field.name != "id"]
    return sorted(ServiceListing.objects.values_list(*fields, "payload__item", "payload__feature"))


def publish(page, **fields):
    page = type(page).objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


@pytest.fixture
def organisation(site_tree):
    return make_organisation(title="Πράξις")


def test_a_published_service_has_a_greek_and_an_english_row(organisation):
    """The English row falls back to the Greek text until there is a translation."""
    service = make_service(organisation, title="Ιατρείο", categories=[category("food")])

    listed = rows(service)

    assert set(listed) == {"el", "en"}
    assert listed["en"][:2] == ("el", "Ιατρείο")
    item = listed["el"][2]
    assert (item["id"], item["categories"], item["organisation"]) == (
        service.pk,
        ["food"],
        {"id": organisation.pk, "title": "Πράξις"},
    )
    feature = json.loads(ServiceListing.objects.get(service=service, language="el").payload.feature)
    assert feature["properties"]["main_category"] == category("food").parent.slug
    assert feature["geometry"]["coordinates"] == [item["longitude"], item["latitude"]]


def test_a_row_keeps_the_services_terms_as_keys(organisation):
    """What the taxonomy filters test (decision 86), in every language's row."""
    food, women, arabic = category("food"), target_group("women"), language("ar")
    service = make_service(
        organisation, categories=[food], target_groups=[women], languages=[arabic]
    )

    terms = {row.language: row.terms for row in ServiceListing.objects.filter(service=service)}

    expected = {f"category:{food.pk}": True, f"target_group:{women.pk}": True}
    expected[f"language:{arabic.pk}"] = True
    assert terms == {"el": expected, "en": expected}


def test_the_migration_fills_the_terms_of_existing_rows(organisation):
    """Migration 0007 gives rows written before it the terms the code would write."""
    make_service(organisation, categories=[category("food")], target_groups=[target_group("women")])
    make_service(organisation)
    written = snapshot()
    ServiceListing.objects.update(terms={})

    service_listing_terms.fill_terms(apps, schema_editor=None)

    assert snapshot() == written


def test_drafts_and_unpublished_services_have_no_rows(organisation):
    assert rows(make_service(organisation, publish=False)) == {}
    service = make_service(organisation)

    service.unpublish()

    assert rows(service) == {}


def test_a_translation_changes_its_row_and_a_greek_edit_the_fallbacks(organisation):
    service = make_service(organisation, title="Ιατρείο")

    translate_page(service, "en", title="Clinic")
    translate_page(service, "ar", title="عيادة")
    publish(service, title="Ιατρείο Αθήνας")

    listed = rows(service)
    assert {language: listed[language][:2] for language in listed} == {
        "el": ("el", "Ιατρείο Αθήνας"),
        "en": ("en", "Clinic"),
        "ar": ("ar", "عيادة"),
    }


def test_an_organisation_translation_gives_its_language_a_row(organisation):
    """The organisation's name is served in the request's language: a language where
    only the organisation is translated needs its own row."""
    service = make_service(organisation, title="Ιατρείο")
    translate_page(organisation, "fa", title="پراکسیس")
    publish(service)  # the organisation's translation is published before this service's

    listed = rows(service)
    assert listed["fa"][:2] == ("el", "Ιατρείο")
    assert listed["fa"][2]["organisation"] == {"id": organisation.pk, "title": "پراکسیس"}
    assert listed["en"][2]["organisation"]["title"] == "Πράξις"


def test_an_organisation_translation_renames_it_in_its_services_rows(organisation):
    service = make_service(organisation)

    translate_page(organisation, "en", title="Praksis")

    assert rows(service)["en"][2]["organisation"]["title"] == "Praksis"


def test_an_unpublished_organisation_takes_its_services_out(organisation):
    service = make_service(organisation)

    organisation.unpublish()  # its services stay live, but are no longer listed

    assert ServicePage.objects.get(pk=service.pk).live
    assert rows(service) == {}


def test_a_view_restriction_takes_services_out_and_its_removal_back(
    organisation, django_capture_on_commit_callbacks
):
    service = make_service(organisation)

    restriction = PageViewRestriction.objects.create(page=organisation, restriction_type="login")
    assert rows(service) == {}

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert set(rows(service)) == {"el", "en"}


def test_a_category_rename_and_move_change_the_rows(organisation):
    service = make_service(organisation, categories=[category("food")])
    food = category("food")
    other_parent = ServiceCategory.objects.get(
        locale=food.locale, slug=category("primary-care").parent.slug
    )

    food.slug = "meals"
    food.parent = other_parent
    food.save()

    item = rows(service)["el"][2]
    assert (item["categories"], item["main_categories"]) == (["meals"], [other_parent.slug])


def test_deleting_a_service_or_its_translation(organisation, django_capture_on_commit_callbacks):
    service = make_service(organisation, title="Ιατρείο")
    english = translate_page(service, "en", title="Clinic")

    with django_capture_on_commit_callbacks(execute=True):
        english.delete()
    assert rows(service)["en"][:2] == ("el", "Ιατρείο")

    with django_capture_on_commit_callbacks(execute=True):
        ServicePage.objects.get(pk=service.pk).delete()
    assert not ServiceListing.objects.filter(service_id=service.pk).exists()


def test_the_full_rebuild_equals_what_the_signals_kept(organisation):
    """Every kind of change above, then a rebuild from scratch: the same rows."""
    translate_page(organisation, "en", title="Praksis")
    first = make_service(organisation, categories=[category("food")])
    translate_page(first, "en", title="Meals")
    second = make_service(organisation, latitude=PAGRATI[0], longitude=PAGRATI[1])
    translate_page(second, "ar", title="عيادة")
    publish(second, title="Νέος τίτλος")
    make_service(organisation, delivery=ServicePage.Delivery.REMOTE)
    make_service(organisation).unpublish()
    hidden = make_organisation()
    make_service(hidden)
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    kept = snapshot()
    assert len(kept) == 7  # el and en of three services, and the Arabic row

    assert rebuild_service_listings() == len(kept)
    assert snapshot() == kept

    call_command("rebuild_service_listings", stdout=io.StringIO())
    assert snapshot() == kept


def test_the_whole_city_map_follows_every_change(client, organisation):
    """The unfiltered map's services are kept joined until the listings change: a new,
    a retitled or an unpublished service shows at once, in every language."""

    def titles(**query):
        body = client.get("/api/v1/map", {"kind": "service", **query}).json()
        return [feature["properties"]["title"] for feature in body["features"]]

    first = make_service(organisation, title="Α")
    assert titles() == titles(lang="en") == titles(lang="ar") == ["Α"]
    second = make_service(organisation, title="Β")
    assert titles() == ["Α", "Β"]
    translate_page(second, "ar", title="ب")
    assert titles(lang="ar") == ["Α", "ب"]
    assert titles(lang="en") == ["Α", "Β"]
    first.unpublish()
    assert titles() == ["Β"]
    assert titles(lang="ar") == ["ب"]
    publish(second, title="Γ")
    assert titles() == ["Γ"]


def test_the_map_counts_afresh_when_the_generation_row_is_gone(client, organisation):
    """A flushed database (transactional tests) loses the migration's row: the map and
    the next change start counting again rather than failing or serving an old layer."""

    def titles():
        body = client.get("/api/v1/map", {"kind": "service"}).json()
        return [feature["properties"]["title"] for feature in body["features"]]

    make_service(organisation, title="Α")
    assert titles() == ["Α"]
    ServiceListingGeneration.objects.all().delete()

    assert titles() == ["Α"]
    ServiceListingGeneration.objects.all().delete()
    make_service(organisation, title="Β")
    assert titles() == ["Α", "Β"]
