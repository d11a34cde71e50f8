"""Likely duplicates: the same name, e-mail or website as an organisation or a pending
application, found at submission and kept on the registration with their reasons."""

import pytest
from django.utils import translation

from cms.onboarding.duplicates import describe, find_duplicates, website_key
from cms.onboarding.models import OrganisationRegistration
from pages.models import OrganisationContactPerson
from tests.factories import make_organisation, translate_page

from .conftest import make_registration

pytestmark = pytest.mark.django_db


def unrelated(**fields):
    """An application sharing nothing with the default one, then `fields`."""
    values = {
        "name": "Σύλλογος Φίλων του Βιβλίου",
        "website": "https://books.example.com",
        "public_email": "hello@books.example.com",
        "contacts": [{"name": "Ελένη", "email": "eleni@books.example.com"}],
    }
    return make_registration(**{**values, **fields})


def reasons(registration):
    return [
        (reason["match"], reason["existing"], reason["existing_id"])
        for reason in registration.duplicate_reasons
    ]


@pytest.fixture
def organisation(site_tree):
    page = make_organisation(
        title="Praksis",
        website="https://www.praksis.example.gr/el/",
        public_email="info@praksis.example.gr",
    )
    OrganisationContactPerson.objects.create(page=page, name="Νίκος", email="nikos@praksis.gr")
    return page


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Praksis.example.gr/el/about", "praksis.example.gr"),
        ("http://praksis.example.gr", "praksis.example.gr"),
        ("https://m.facebook.com/Praksis/posts/1", "facebook.com/praksis"),
        ("https://www.facebook.com/", ""),
        ("", ""),
    ],
)
def test_a_website_is_identified_by_its_host(url, key):
    """Host without www., lower case; on shared hosts (facebook...) the page as well."""
    assert website_key(url) == key


def test_an_unrelated_application_is_not_flagged(organisation):
    """Nothing shared, nothing flagged."""
    registration = unrelated()

    assert registration.possible_duplicate is False
    assert registration.duplicate_reasons == []


def test_same_name_as_an_organisation(organisation):
    """Case and spacing do not hide a duplicate."""
    registration = unrelated(name="  PRAKSIS ")

    assert registration.possible_duplicate is True
    assert reasons(registration) == [("name", "organisation", organisation.pk)]


def test_same_name_as_a_translation_names_the_greek_organisation(organisation):
    """A match on an English title names the Greek page."""
    translate_page(organisation, "en", title="Praksis Athens")

    registration = unrelated(name="praksis athens")

    assert reasons(registration) == [("name", "organisation", organisation.pk)]


def test_same_website_host_as_an_organisation(organisation):
    """Another page on the same host is the same website."""
    registration = unrelated(website="http://praksis.example.gr/contact")

    assert reasons(registration) == [("website", "organisation", organisation.pk)]


def test_same_public_email_as_an_organisation(organisation):
    """E-mail addresses match whatever their case."""
    registration = unrelated(public_email="INFO@praksis.example.gr")

    assert reasons(registration) == [("email", "organisation", organisation.pk)]


def test_contact_email_same_as_an_organisations_contact_person(organisation):
    """Contact persons' addresses are compared with organisations' contact persons."""
    registration = unrelated(contacts=[{"name": "Νίκος", "email": "nikos@praksis.gr"}])

    assert reasons(registration) == [("email", "organisation", organisation.pk)]


def test_same_contact_email_as_a_pending_application(site_tree):
    """Pending applications' contact persons count too."""
    earlier = unrelated()

    registration = unrelated(
        name="Άλλο όνομα",
        website="",
        public_email="",
        contacts=[{"name": "Ελένη", "email": "eleni@books.example.com"}],
    )

    assert reasons(registration) == [("email", "registration", earlier.pk)]


def test_decided_applications_are_not_compared(site_tree):
    """A rejected application is no duplicate; an approved one is its organisation."""
    earlier = unrelated()
    OrganisationRegistration.objects.filter(pk=earlier.pk).update(
        status=OrganisationRegistration.Status.REJECTED
    )

    assert unrelated().possible_duplicate is False


def test_one_organisation_matching_on_several_fields_is_named_once_per_field(organisation):
    """One reason per matching field and value, not per language copy."""
    found = find_duplicates(
        name="Praksis",
        emails=["info@praksis.example.gr", "nikos@praksis.gr"],
        website="https://praksis.example.gr",
    )

    assert sorted(duplicate.match for duplicate in found) == ["email", "email", "name", "website"]
    assert {duplicate.existing_id for duplicate in found} == {organisation.pk}


def test_a_reason_is_described_in_words(organisation):
    """Stored reasons are worded in the active language."""
    registration = unrelated(name="Praksis")

    with translation.override("en"):
        text = describe(registration.duplicate_reasons[0])

    assert text == "same name (Praksis) as the organisation “Praksis”"
