"""What every list shares: pagination, which pages may be served, and in which language."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from cms.api.listing import (
    MAX_PAGE_SIZE,
    list_response,
    live_sources,
    page_request,
    serve_in_language,
)
from cms.api.problems import Problem
from pages.models import ServicePage
from tests.factories import make_organisation, make_service, translate_page

pytestmark = pytest.mark.django_db


def request_for(query=""):
    return RequestFactory().get(f"/api/v1/services?{query}")


@pytest.mark.parametrize(
    ("query", "number", "size"),
    [("", 1, 20), ("page=3", 3, 20), ("page_size=100", 1, 100), ("page=2&page_size=5", 2, 5)],
)
def test_page_and_page_size_default_and_parse(query, number, size):
    page = page_request(request_for(query))

    assert (page.number, page.size, page.offset) == (number, size, (number - 1) * size)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("page=0", ["page"]),
        ("page=-1", ["page"]),
        ("page=two", ["page"]),
        ("page=1.5", ["page"]),
        ("page=%D9%A3", ["page"]),  # an Arabic-Indic digit is a digit, not an ASCII one
        (f"page_size={MAX_PAGE_SIZE + 1}", ["page_size"]),
        ("page_size=0", ["page_size"]),
        ("page=x&page_size=1000", ["page", "page_size"]),
    ],
)
def test_bad_pagination_is_a_400_naming_each_field(query, fields):
    with pytest.raises(Problem) as raised:
        page_request(request_for(query))

    assert raised.value.status_code == 400
    assert [error["field"] for error in raised.value.errors] == fields


def test_a_huge_page_number_is_an_empty_page_not_an_overflow():
    page = page_request(request_for("page=99999999999999999999"))

    assert page.offset > 10**9


def test_next_and_previous_keep_the_other_parameters():
    request = request_for("district=3&page=2&page_size=10")
    page = page_request(request)
    results = [{"language": "el"}]

    middle = list_response(request, count=35, page=page, requested="el", results=results)
    last = list_response(request, count=20, page=page, requested="el", results=results)

    assert middle["next"] == "http://testserver/api/v1/services?district=3&page=3&page_size=10"
    assert middle["previous"] == (
        "http://testserver/api/v1/services?district=3&page=1&page_size=10"
    )
    assert last["next"] is None
    assert (middle["count"], middle["language"], middle["fallback"]) == (35, "el", False)


def test_a_list_in_mixed_languages_is_labelled_with_the_requested_one():
    request = request_for()
    page = page_request(request)
    results = [{"language": "en"}, {"language": "ar"}]

    body = list_response(request, count=2, page=page, requested="ar", results=results)

    assert (body["language"], body["fallback"], body["dir"]) == ("ar", True, "rtl")


def test_services_of_a_draft_organisation_are_not_served(site_tree):
    approved = make_organisation()
    waiting = make_organisation(publish=False)
    served = make_service(approved)
    make_service(waiting)
    make_service(approved, publish=False)

    assert list(live_sources(ServicePage)) == [served]


def test_only_greek_pages_are_sources(site_tree):
    organisation = make_organisation()
    translate_page(organisation, "en")
    service = make_service(organisation)
    translate_page(service, "en", title="Clinic")

    assert list(live_sources(ServicePage)) == [service]


def test_each_source_is_served_in_the_first_language_of_the_chain_that_has_it(site_tree):
    organisation = make_organisation()
    for code in ("en", "ar"):
        translate_page(organisation, code)
    in_arabic = make_service(organisation, title="Ιατρείο")
    translate_page(in_arabic, "en", title="Clinic")
    translate_page(in_arabic, "ar", title="عيادة")
    in_english = make_service(organisation, title="Νομική βοήθεια")
    translate_page(in_english, "en", title="Legal aid")
    greek_only = make_service(organisation, title="Μαθήματα")
    draft_arabic = make_service(organisation, title="Στέγαση")
    translate_page(draft_arabic, "ar", title="سكن", publish=False)

    served = serve_in_language([in_arabic, in_english, greek_only, draft_arabic], "ar")

    assert [(item.page.title, item.language) for item in served] == [
        ("عيادة", "ar"),
        ("Legal aid", "en"),
        ("Μαθήματα", "el"),
        ("Στέγαση", "el"),
    ]
    assert [item.source for item in served] == [in_arabic, in_english, greek_only, draft_arabic]


def test_an_alias_is_not_a_translation(site_tree):
    """wagtail-localize's synced copies carry the Greek text: the source is served."""
    organisation = make_organisation()
    translate_page(organisation, "ar")
    service = make_service(organisation, title="Ιατρείο")
    service.create_alias(
        recursive=False,
        parent=organisation.get_translation(Locale.objects.get(language_code="ar")),
        update_locale=Locale.objects.get(language_code="ar"),
    )

    (served,) = serve_in_language([service], "ar")

    assert (served.page, served.language) == (service, "el")


@pytest.mark.parametrize("requested", ["el", "ar"])
def test_serving_takes_a_fixed_number_of_queries(site_tree, requested, django_assert_num_queries):
    organisation = make_organisation()
    translate_page(organisation, "en")

    def queries_for(count):
        sources = [make_service(organisation) for _ in range(count)]
        for source in sources[::2]:
            translate_page(source, "en")
        sources = list(ServicePage.objects.filter(pk__in=[s.pk for s in sources]))
        with CaptureQueriesContext(connection) as captured:
            for item in serve_in_language(sources, requested, prefetch=("categories",)):
                list(item.page.categories.all())
        return len(captured)

    assert queries_for(2) == queries_for(6) > 0
