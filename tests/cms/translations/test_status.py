"""The translation status report: coverage per locale, out-of-date translations, CSV,
who may see it, and a fixed number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.translations.status import coverage
from tests.cms.editorial.backoffice import logged_in
from tests.factories import make_action, make_service, translate_page

from .conftest import CONTACT_NAME

pytestmark = pytest.mark.django_db

STATUS_URL = reverse("translations_status")


def figures(language_code, kind):
    [row] = [row for row in coverage() if (row.language_code, row.kind) == (language_code, kind)]
    return row.translated, row.total


def test_only_published_translations_count_not_aliases_or_drafts(organisation, service, synced):
    second = make_service(organisation)
    third = make_service(organisation)
    make_service(organisation, publish=False)  # a draft is no live content
    translate_page(organisation, "en")
    translate_page(service, "en")
    translate_page(second, "en")
    translate_page(third, "en", publish=False)

    assert figures("en", "services") == (2, 3)
    assert figures("en", "organisations") == (1, 1)
    assert figures("ar", "services") == (0, 3)  # live Arabic aliases do not count
    assert figures("en", "actions") == (0, 0)


def test_taxonomy_terms_count_per_locale():
    translated, total = figures("en", "terms")
    assert total > 50 and translated == total  # the seed terms come with English
    assert figures("ar", "terms") == (0, total)


def test_a_translation_is_out_of_date_once_its_source_is_published_again(
    organisation, service, coordinator
):
    translate_page(organisation, "en")
    english = translate_page(service, "en")
    client = logged_in(coordinator)
    assert english.title not in client.get(STATUS_URL).content.decode()

    service.save_revision().publish()

    page = client.get(STATUS_URL).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[english.pk]) in page
    assert reverse("wagtailadmin_pages:edit", args=[service.pk]) in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("translations_out_of_date_csv")).content.decode())
        )
    )
    assert [row[:3] for row in rows[1:]] == [["en", "servicepage", english.title]]


def test_the_coverage_csv(organisation, service, coordinator):
    translate_page(organisation, "en")

    response = logged_in(coordinator).get(reverse("translations_status_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["language", "kind", "translated", "total", "percent"]
    assert ["en", "organisations", "1", "1", "100"] in rows
    assert len(rows) == 1 + 6 * 4  # six target languages, four kinds
    assert CONTACT_NAME not in response.content.decode()


def test_only_coordinators_see_the_report(
    client, coordinator, arabic_translator, organisation_editor
):
    urls = [STATUS_URL, reverse("translations_status_csv"), reverse("translations_out_of_date_csv")]
    for url in urls:
        assert logged_in(coordinator).get(url).status_code == 200
        assert logged_in(arabic_translator).get(url).status_code == 403
        assert logged_in(organisation_editor).get(url).status_code == 403
        assert client.get(url).status_code == 302  # to the sign-in page
    menu = logged_in(coordinator).get(reverse("wagtailadmin_home")).content.decode()
    assert STATUS_URL in menu
    assert (
        STATUS_URL
        not in logged_in(arabic_translator).get(reverse("wagtailadmin_home")).content.decode()
    )


def test_a_fixed_number_of_queries(organisation, service, coordinator):
    client = logged_in(coordinator)
    translate_page(organisation, "en")
    translate_page(service, "en").save_revision()
    service.save_revision().publish()
    client.get(STATUS_URL)  # warm up the session and caches

    with CaptureQueriesContext(connection) as few:
        assert client.get(STATUS_URL).status_code == 200

    for _ in range(3):
        other = make_service(organisation)
        make_action(organisation)
        translate_page(other, "en")
        other.save_revision().publish()
    with CaptureQueriesContext(connection) as many:
        assert client.get(STATUS_URL).status_code == 200

    assert len(many) == len(few) > 0
