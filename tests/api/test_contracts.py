"""One representative call of each endpoint against its stored response
(tests/api/contracts/, see tests/api/contract.py for how to regenerate them)."""

import datetime

import pytest

from pages.models import ServiceMessagingChannel
from tests.factories import (
    category,
    district,
    language,
    make_organisation,
    make_service,
    target_group,
    translate_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(site_tree):
    """A small, fixed directory: one organisation in Greek and English with one service."""
    organisation = make_organisation(title="Πράξις", slug="praksis")
    translate_page(organisation, "en", title="Praksis")
    service = make_service(
        organisation,
        title="Κοινωνικό ιατρείο",
        slug="social-clinic",
        summary="Δωρεάν ιατρική φροντίδα για όλους.",
        description="<p>Γενικός γιατρός και παιδίατρος.</p>",
        categories=[category("primary-care")],
        target_groups=[target_group("asylum-seekers")],
        languages=[language("ar"), language("en")],
        opening_hours=[(0, datetime.time(9), datetime.time(14))],
        closures=[(datetime.date(2030, 8, 10), datetime.date(2030, 8, 20))],
        phone="+30 210 5200000",
        email="clinic@example.org",
        website="https://example.org/clinic",
        eligibility="Όλοι, χωρίς έγγραφα.",
        is_free=True,
        district=district(1),
    )
    ServiceMessagingChannel.objects.create(page=service, app="viber", handle="+30 690000000")
    translate_page(
        service,
        "en",
        title="Social clinic",
        summary="Free medical care for everyone.",
        description="<p>General practitioner and paediatrician.</p>",
        eligibility="Everyone, no papers needed.",
    )
    return {"organisation": organisation, "service": service}


def placeholders(directory):
    return {item.pk: f"<{name}>" for name, item in directory.items()}


def test_taxonomy_districts(client, contract):
    response = client.get("/api/v1/taxonomies/districts?lang=en")

    assert response.status_code == 200
    contract("taxonomies-districts-en", response.json())


def test_service_detail_in_english(client, contract, directory):
    response = client.get(f"/api/v1/services/{directory['service'].pk}?lang=en")

    assert response.status_code == 200
    contract("service-detail-en", response.json(), placeholders(directory))


def test_service_detail_in_arabic_falls_back(client, contract, directory):
    response = client.get(f"/api/v1/services/{directory['service'].pk}", HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    contract("service-detail-ar-fallback", response.json(), placeholders(directory))


def test_a_bad_query_parameter_problem(client, contract, directory):
    response = client.get(f"/api/v1/services/{directory['service'].pk}?lang=xx&colour=red")

    assert response.status_code == 400
    contract("problem-bad-language", response.json(), placeholders(directory))


def test_a_registration_with_missing_fields(client, contract):
    response = client.post(
        "/api/v1/registrations/organisations", {}, content_type="application/json"
    )

    assert response.status_code == 422
    contract("problem-registration-fields", response.json())
