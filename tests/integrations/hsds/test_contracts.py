"""Representative HSDS calls against their stored responses (tests/api/contracts/hsds-*,
regenerated deliberately with --update-contracts, see tests/api/contract.py).

Items get fixed `translation_key`s so their HSDS ids (and the ids derived from them)
are the same on every run; taxonomy terms, whose keys the seed draws at random, are
named `<kind:slug>`, and attributes (whose ids derive from the term's) after their term.
"""

import datetime
import uuid

import pytest

from integrations.hsds.terms import TAXONOMIES
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

from .conftest import hsds

pytestmark = pytest.mark.django_db

ORGANISATION_KEY = uuid.UUID("0b6a0f5e-6f0e-4a52-9d38-3a4f1d7c2b10")
SERVICE_KEY = uuid.UUID("7d1e3c2a-95a4-4c55-8a1f-0f6b2f8e9c21")


@pytest.fixture
def directory(site_tree):
    organisation = make_organisation(
        title="Πράξις",
        translation_key=ORGANISATION_KEY,
        public_email="info@example.org",
        public_phone="+30 210 5205200",
    )
    translate_page(organisation, "en", title="Praksis")
    service = make_service(
        organisation,
        title="Κοινωνικό ιατρείο",
        translation_key=SERVICE_KEY,
        summary="Δωρεάν ιατρική φροντίδα για όλους.",
        categories=[category("primary-care")],
        target_groups=[target_group("asylum-seekers")],
        languages=[language("ar")],
        opening_hours=[(0, datetime.time(9), datetime.time(14))],
        phone="+30 210 5200000",
        website="https://example.org/clinic",
        last_verified=datetime.date(2026, 9, 1),
        district=district(1),
    )
    ServiceMessagingChannel.objects.create(page=service, app="viber", handle="+30 690000000")
    translate_page(service, "en", title="Social clinic", summary="Free medical care for everyone.")


def with_named_terms(body):
    names = {
        str(term.translation_key): f"<{taxonomy.kind}:{term.slug}>"
        for taxonomy in TAXONOMIES
        for term in taxonomy.model.objects.in_source_locale()
    }

    def name(value):
        if isinstance(value, dict):
            named = {key: name(item) for key, item in value.items()}
            if "taxonomy_term_id" in named:
                named["id"] = f"<attribute {named['taxonomy_term_id']}>"
            return named
        if isinstance(value, list):
            return [name(item) for item in value]
        return names.get(value, value) if isinstance(value, str) else value

    return name(body)


def test_service_detail_in_english(client, contract, directory):
    response = hsds(client, f"/services/{SERVICE_KEY}", "lang=en")

    assert response.status_code == 200
    contract("hsds-service-detail-en", with_named_terms(response.json()))


def test_organization_list(client, contract, directory):
    response = hsds(client, "/organizations", "full=true&lang=en")

    assert response.status_code == 200
    contract("hsds-organizations-full-en", with_named_terms(response.json()))


def test_bad_parameters_problem(client, contract, site_tree):
    response = hsds(client, "/services", "per_page=500&full=maybe")

    assert response.status_code == 400
    contract("hsds-problem-parameters", response.json())
