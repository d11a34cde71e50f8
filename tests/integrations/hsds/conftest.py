"""A small directory for the HSDS tests: a service with every optional part filled, one
with the least the admin allows, and content that must never be served."""

import datetime

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from pages.models import OrganisationPage, ServiceMessagingChannel, ServicePage
from tests.factories import (
    PAGRATI,
    category,
    district,
    language,
    make_organisation,
    make_service,
    organisation_type,
    target_group,
    translate_page,
)

RICH_DESCRIPTION = "<p>Γιατροί &amp; νοσηλευτές.</p><p>Χωρίς ραντεβού.</p>"


def hsds(client, path, query="", **headers):
    return client.get(f"/api/hsds{path}{'?' if query else ''}{query}", **headers)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def rich_organisation(site_tree, media):
    """A live organisation with everything filled in (and private contact persons),
    translated into English."""
    organisation = make_organisation(
        title="Πράξις",
        description="<p>Ιατρική και νομική <b>βοήθεια</b>.</p>",
        organisation_type=organisation_type("ngo"),
        legal_form=OrganisationPage.LegalForm.NON_PROFIT_COMPANY,
        activity_fields=[category("health"), category("legal-support")],
        website="https://praksis.example.org/",
        facebook_url="https://facebook.com/praksis",
        instagram_url="https://instagram.com/praksis",
        public_phone="+30 210 5205200",
        public_email="info@praksis.example.org",
        logo=Image.objects.create(title="Λογότυπο", file=get_test_image_file()),
    )
    organisation.contact_persons.create(
        name="Μαρία Ιδιωτική", email="maria.private@example.org", phone="+30 699 1111111"
    )
    translate_page(
        organisation, "en", title="Praksis", description="<p>Medical and legal help.</p>"
    )
    return organisation


@pytest.fixture
def rich_service(rich_organisation):
    """A live service with every optional part, translated into English."""
    latitude, longitude = PAGRATI
    service = make_service(
        rich_organisation,
        title="Πολυιατρείο",
        summary="Δωρεάν ιατρική φροντίδα.",
        description=RICH_DESCRIPTION,
        categories=[category("primary-care"), category("mental-health"), category("asylum")],
        target_groups=[target_group("asylum-seekers")],
        languages=[language("ar"), language("fa")],
        eligibility="Όλοι, με ή χωρίς χαρτιά.",
        access=ServicePage.Access.APPOINTMENT,
        how_to_access="Τηλεφωνήστε το πρωί.",
        is_free=False,
        cost_description="5 € η επίσκεψη",
        interpretation_available=True,
        delivery=ServicePage.Delivery.BOTH,
        address="Υμηττού 10, 116 33 Αθήνα",
        latitude=latitude,
        longitude=longitude,
        accessibility="Ράμπα στην είσοδο.",
        phone="+30 210 0000000",
        email="clinic@praksis.example.org",
        website="https://praksis.example.org/clinic",
        status=ServicePage.Status.TEMPORARILY_CLOSED,
        last_verified=datetime.date(2026, 9, 1),
        opening_hours=[
            (0, datetime.time(9), datetime.time(14)),
            (2, datetime.time(9), datetime.time(14)),
            (4, datetime.time(16), datetime.time(20, 30)),
        ],
        closures=[(datetime.date(2026, 12, 24), datetime.date(2027, 1, 2))],
    )
    ServiceMessagingChannel.objects.create(page=service, app="viber", handle="+30 690 0000000")
    ServiceMessagingChannel.objects.create(page=service, app="telegram", handle="@praksis")
    service.closures.update(reason="Γιορτές")
    translate_page(service, "en", title="Polyclinic", summary="Free medical care.")
    return ServicePage.objects.get(pk=service.pk)


@pytest.fixture
def minimal_organisation(site_tree):
    """A live organisation with only what the admin requires, in Greek only."""
    return make_organisation(
        title="Ομάδα Γειτονιάς",
        organisation_type=organisation_type("informal-group"),
        address="",
        latitude=None,
        longitude=None,
    )


@pytest.fixture
def minimal_service(minimal_organisation):
    """A remote service with only the required fields, in Greek only."""
    return make_service(
        minimal_organisation,
        title="Γραμμή βοήθειας",
        delivery=ServicePage.Delivery.REMOTE,
    )


@pytest.fixture
def directory(rich_service, minimal_service):
    """Both, and the district of the rich one (Pagrati)."""
    assert rich_service.district == district(2)
    return {"rich": rich_service, "minimal": minimal_service}


@pytest.fixture
def hidden(rich_organisation, minimal_organisation):
    """Content that must never be served, each with a telling title."""
    draft = make_service(rich_organisation, title="Πρόχειρη υπηρεσία", publish=False)
    private = make_service(rich_organisation, title="Ιδιωτική υπηρεσία")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    unapproved = make_organisation(title="Μη εγκεκριμένη οργάνωση", publish=False)
    of_unapproved = make_service(unapproved, title="Υπηρεσία μη εγκεκριμένης")
    untranslated = make_service(minimal_organisation, title="Μόνο ελληνικά")
    translate_page(minimal_organisation, "en", title="Neighbourhood group")
    translate_page(untranslated, "en", title="Unpublished English title", publish=False)
    return {
        "draft": draft,
        "private": private,
        "unapproved": unapproved,
        "of_unapproved": of_unapproved,
        "untranslated": untranslated,
    }
