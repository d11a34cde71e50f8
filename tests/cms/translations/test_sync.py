"""Synced mode: every locale's tree mirrors the Greek one with aliases, which follow
their source and are never served by the API as translations."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page
from wagtail_localize.fields import get_translatable_fields
from wagtail_localize.models import (
    LocaleSynchronization,
    OverridableSegment,
    StringSegment,
    TranslationSource,
)

from cms.translations.sync import install_locale_sync
from pages.models import ActionOccurrence, OrganisationPage, ServicePage
from snippets.models import MunicipalDistrict, SupportType
from tests.cms.editorial.backoffice import add_url, locale, logged_in, page_form
from tests.factories import PAGRATI, category, translate_page

pytestmark = pytest.mark.django_db

OTHER_LOCALES = ["ar", "en", "fa", "fr", "uk", "ur"]


@pytest.fixture
def every_locale_synced(site_tree):
    install_locale_sync()


def aliases_of(page):
    return dict(Page.objects.filter(alias_of=page).values_list("locale__language_code", "pk"))


def test_every_other_locale_is_synced_from_greek_and_gets_aliases(service, organisation):
    call_command("install_locale_sync", stdout=StringIO())

    syncs = LocaleSynchronization.objects.select_related("locale", "sync_from")
    assert sorted(sync.locale.language_code for sync in syncs) == OTHER_LOCALES
    assert {sync.sync_from.language_code for sync in syncs} == {"el"}
    # English has real translations of the site tree; the organisation and service are
    # aliases in every locale, under their parent's copy in that locale.
    assert sorted(aliases_of(service)) == OTHER_LOCALES
    arabic_service = Page.objects.get(pk=aliases_of(service)["ar"])
    assert arabic_service.get_parent().pk == aliases_of(organisation)["ar"]
    assert arabic_service.live and arabic_service.title == "Ιατρείο"


def test_installing_again_only_adds_what_is_missing(service, every_locale_synced):
    pages = Page.objects.count()

    call_command("install_locale_sync", stdout=StringIO())

    assert Page.objects.count() == pages
    assert LocaleSynchronization.objects.count() == len(OTHER_LOCALES)


def test_a_page_added_in_the_admin_appears_in_every_locale(
    organisation, every_locale_synced, coordinator
):
    """wagtail-localize's after_create_page hook, once the locales are synced."""
    client = logged_in(coordinator)
    form = page_form(client, add_url(ServicePage, organisation))
    form.update(
        {
            "title": "Νομική βοήθεια",
            "slug": "nomiki-voitheia",
            "summary": "Συμβουλές για άσυλο.",
            "categories": [str(category("primary-care").pk)],
            "delivery": "remote",
        }
    )
    response = client.post(add_url(ServicePage, organisation), form)
    assert response.status_code == 302, response.content.decode()[:2000]

    created = ServicePage.objects.get(locale__language_code="el", slug="nomiki-voitheia")
    assert sorted(aliases_of(created)) == OTHER_LOCALES


def test_source_edits_flow_to_the_aliases(service, synced):
    service.summary = "Δωρεάν ιατρική και οδοντιατρική εξέταση."
    service.save_revision().publish()

    arabic = ServicePage.objects.get(pk=aliases_of(service)["ar"])
    assert arabic.summary == "Δωρεάν ιατρική και οδοντιατρική εξέταση."


def test_the_api_serves_an_alias_as_a_fallback_not_as_a_translation(client, service, synced):
    """The Arabic alias is live, with the Greek text: the API falls back to Greek."""
    body = client.get(f"/api/v1/services/{service.pk}?lang=ar").json()

    assert (body["language"], body["fallback"], body["dir"]) == ("el", True, "ltr")
    assert body["title"] == "Ιατρείο"


def test_the_api_prefers_an_english_translation_to_an_arabic_alias(client, organisation, service):
    translate_page(organisation, "en", title="Solidarity network")
    translate_page(service, "en", title="Surgery", summary="Free medical check-up.")
    install_locale_sync()
    assert "ar" in aliases_of(service) and "en" not in aliases_of(service)

    body = client.get(f"/api/v1/services/{service.pk}?lang=ar").json()

    assert (body["language"], body["fallback"], body["title"]) == ("en", True, "Surgery")


# --- Synchronised, never translated ------------------------------------------------


def test_ids_places_and_dates_are_never_strings_to_translate(service, organisation):
    service.latitude, service.longitude = PAGRATI
    service.phone = "+30 210 000 0000"
    service.save_revision().publish()
    service.refresh_from_db()

    source, _ = TranslationSource.get_or_create_from_instance(service)

    paths = set(StringSegment.objects.filter(source=source).values_list("context__path", flat=True))
    assert paths == {"title", "slug", "address", "summary", "eligibility"}
    # Nor can a translation override them: no overridable segment for the district or phone.
    assert not OverridableSegment.objects.filter(
        source=source, context__path__in=["district", "phone"]
    ).exists()


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (OrganisationPage, ["organisation_type", "district", "public_phone", "synathina_team_id"]),
        (ServicePage, ["district", "phone", "latitude", "longitude", "last_verified", "status"]),
        (ActionOccurrence, ["latitude", "longitude", "district", "start", "end"]),
        (MunicipalDistrict, ["slug", "number", "boundary"]),
        (SupportType, ["slug", "synathina_id", "published"]),
    ],
)
def test_fields_that_must_not_be_translated_are_synchronised_and_not_overridable(model, fields):
    declared = {field.field_name: field for field in get_translatable_fields(model)}
    for name in fields:
        assert declared[name].is_synchronized(model()), name
        assert not declared[name].is_overridable(model()), name


def test_a_second_locale_install_leaves_a_coordinators_choice(service, every_locale_synced):
    """A coordinator may sync a locale from English instead (Settings → Locales)."""
    sync = LocaleSynchronization.objects.get(locale=locale("fr"))
    sync.sync_from = locale("en")
    sync.save()

    call_command("install_locale_sync", stdout=StringIO())

    assert LocaleSynchronization.objects.get(locale=locale("fr")).sync_from == locale("en")
