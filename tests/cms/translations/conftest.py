"""Synced locales, roles and a live Greek organisation with a service, for the
translation tests. The session's site tree is Greek and English only: each test that
needs every locale's tree installs synced mode itself, as `make setup` does."""

import pytest
from wagtail_localize.models import LocaleSynchronization

from cms.editorial.roles import ensure_coordinators, ensure_organisation_editors, ensure_translators
from cms.editorial.workflows import install_moderation
from pages.models import OrganisationContactPerson
from tests.cms.editorial.backoffice import locale, member
from tests.factories import make_organisation, make_service

CONTACT_NAME = "Ελένη Ιδιωτική"
CONTACT_EMAIL = "eleni.private@example.org"
CONTACT_PHONE = "+30 699 000 1234"


@pytest.fixture
def organisation(site_tree):
    organisation = make_organisation(
        title="Δίκτυο Αλληλεγγύης", description="<p>Στέγη και τροφή.</p>"
    )
    organisation.contact_persons = [
        OrganisationContactPerson(name=CONTACT_NAME, email=CONTACT_EMAIL, phone=CONTACT_PHONE)
    ]
    revision = organisation.save_revision()
    revision.publish()
    return type(organisation).objects.get(pk=organisation.pk)


@pytest.fixture
def service(organisation):
    return make_service(
        organisation,
        title="Ιατρείο",
        summary="Δωρεάν ιατρική εξέταση.",
        eligibility="Για όλους, χωρίς έγγραφα.",
    )


@pytest.fixture
def synced(site_tree):
    """Arabic synced from Greek, with its tree of aliases, as `make setup` leaves every
    locale (one locale is enough here, and six take long)."""
    LocaleSynchronization.objects.create(locale=locale("ar"), sync_from=locale("el"))


@pytest.fixture
def coordinator(site_tree):
    install_moderation()
    return member("coordinator", ensure_coordinators())


@pytest.fixture
def arabic_translator(coordinator):
    return member("translator", ensure_translators(locale("ar")))


@pytest.fixture
def organisation_editor(organisation):
    return member("editor", ensure_organisation_editors(organisation))
