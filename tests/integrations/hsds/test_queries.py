"""Each endpoint runs a fixed number of queries, whatever the page size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import ServiceMessagingChannel
from tests.factories import category, language, make_service, target_group, translate_page

from .conftest import hsds

pytestmark = pytest.mark.django_db

SERVICES = 6


def add_services(organisation, count=SERVICES):
    """Services with rows of every kind; every other one translated into English, so a
    page of two already mixes translated and untranslated ones."""
    services = []
    for number in range(count):
        service = make_service(
            organisation,
            categories=[category("primary-care"), category("asylum")],
            target_groups=[target_group("children")],
            title=f"Υπηρεσία {number}",
            languages=[language("ar")],
            opening_hours=[
                (day, datetime.time(9), datetime.time(14)) for day in range(number % 3 + 1)
            ],
            closures=[(datetime.date(2026, 12, 24), datetime.date(2026, 12, 26))],
            phone="+30 210 0000000",
        )
        ServiceMessagingChannel.objects.create(page=service, app="viber", handle="+30 69")
        if number % 2 == 0:
            translate_page(service, "en")
        services.append(service)
    return services


@pytest.fixture
def many_services(rich_organisation):
    return add_services(rich_organisation)


def queries(client, path, query):
    with CaptureQueriesContext(connection) as captured:
        response = hsds(client, path, query)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/services", "full=true&lang=en"),
        ("/services", "full=false&lang=en"),
        ("/services", "full=true&lang=el&search=Υπηρεσία"),
        ("/organizations", "full=true&lang=en"),
        ("/service_at_locations", "full=true&lang=en"),
        ("/taxonomy_terms", "lang=en"),
    ],
)
def test_lists_run_the_same_queries_at_two_page_sizes(client, many_services, path, query):
    small = queries(client, path, f"{query}&per_page=2")
    large = queries(client, path, f"{query}&per_page={SERVICES}")

    assert small == large
    assert 0 < large <= 30  # a few per kind of nested row, not one per item


@pytest.mark.parametrize("lang", ["el", "en"])
def test_an_organisation_with_more_services_costs_no_more_queries(client, rich_organisation, lang):
    add_services(rich_organisation, 2)
    few = queries(client, f"/organizations/{rich_organisation.translation_key}", f"lang={lang}")
    add_services(rich_organisation, 4)
    many = queries(client, f"/organizations/{rich_organisation.translation_key}", f"lang={lang}")

    assert few == many > 0
