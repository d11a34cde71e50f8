"""GET /api/v1/open-calls and /api/v1/open-calls/{id}."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from pages.models import OpenCallAttachment, OpenCallPage
from tests.factories import (
    make_open_call,
    make_organisation,
    thematic_area,
    translate_page,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def days(number):
    return NOW + datetime.timedelta(days=number)


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def listing(client, query=""):
    return client.get(f"/api/v1/open-calls{query}")


@pytest.fixture
def organisation(site_tree):
    organisation = make_organisation(title="Πράξις")
    translate_page(organisation, "en", title="Praksis")
    return organisation


def test_open_calls_by_default_soonest_deadline_first_rolling_last(client, organisation):
    rolling = make_open_call(organisation, title="Πάντα")
    later = make_open_call(organisation, deadline=days(20))
    sooner = make_open_call(organisation, deadline=days(2), thematic_areas=[thematic_area(1)])
    closed = make_open_call(organisation, deadline=days(-1))

    response = listing(client)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert ids(response) == [sooner.pk, later.pk, rolling.pk]
    first = response.json()["results"][0]
    assert first["organisation"] == {"id": organisation.pk, "title": "Πράξις"}
    assert (first["call_type"], first["is_open"], first["thematic_areas"]) == (
        "volunteers",
        True,
        [1],
    )
    assert datetime.datetime.fromisoformat(first["deadline"]) == days(2)
    assert ids(listing(client, "?status=closed")) == [closed.pk]
    assert ids(listing(client, "?status=all")) == [rolling.pk, later.pk, sooner.pk, closed.pk]


def test_filters_combine(client, organisation):
    other = make_organisation()
    funding = make_open_call(
        organisation, call_type=OpenCallPage.CallType.FUNDING, thematic_areas=[thematic_area(2)]
    )
    staff = make_open_call(other, call_type=OpenCallPage.CallType.STAFF)
    volunteers = make_open_call(other, thematic_areas=[thematic_area(2), thematic_area(4)])

    assert ids(listing(client, "?call_type=funding")) == [funding.pk]
    assert set(ids(listing(client, "?call_type=funding,staff"))) == {funding.pk, staff.pk}
    assert set(ids(listing(client, "?thematic_area=2"))) == {funding.pk, volunteers.pk}
    assert ids(listing(client, f"?thematic_area=2,4&organisation={other.pk}")) == [volunteers.pk]
    assert ids(listing(client, f"?organisation={organisation.pk}&call_type=staff")) == []


def test_translations_and_fallback(client, organisation):
    call = make_open_call(organisation, title="Εθελοντές")
    translate_page(call, "en", title="Volunteers", summary="We need you.")

    item = listing(client, "?lang=en").json()["results"][0]
    assert (item["id"], item["title"], item["summary"], item["language"]) == (
        call.pk,
        "Volunteers",
        "We need you.",
        "en",
    )
    assert item["organisation"]["title"] == "Praksis"
    body = listing(client, "?lang=uk").json()
    assert (body["language"], body["fallback"]) == ("en", True)


def test_drafts_private_calls_and_unapproved_organisations_never_appear(client, organisation):
    listed = make_open_call(organisation)
    draft = make_open_call(organisation, publish=False)
    private = make_open_call(organisation)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    hidden = make_open_call(make_organisation(publish=False))
    translate_page(listed, "en", title="Draft English", publish=False)

    assert ids(listing(client, "?status=all")) == [listed.pk]
    assert listing(client, "?lang=en").json()["results"][0]["language"] == "el"
    for page in (draft, private, hidden):
        assert client.get(f"/api/v1/open-calls/{page.pk}").status_code == 404


def test_an_open_call_in_full_with_public_attachments(client, organisation, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    root = Collection.get_first_root_node()
    private_collection = root.add_child(name="Εσωτερικά")
    CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type="login"
    )
    public = Document.objects.create(title="Αίτηση", file=ContentFile(b"%PDF", name="form.pdf"))
    private = Document.objects.create(
        title="Μισθοί",
        file=ContentFile(b"%PDF", name="salaries.pdf"),
        collection=private_collection,
    )
    call = make_open_call(organisation, deadline=days(-3), description="<p>Λεπτομέρειες</p>")
    call.attachments = [OpenCallAttachment(document=public), OpenCallAttachment(document=private)]
    call.save_revision().publish()

    response = client.get(f"/api/v1/open-calls/{call.pk}?lang=en")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["is_open"], body["language"], body["fallback"]) == (
        call.pk,
        False,
        "el",
        True,
    )
    assert body["description"] == "<p>Λεπτομέρειες</p>"
    assert body["attachments"] == [
        {
            "title": "Αίτηση",
            "url": f"http://testserver/documents/{public.pk}/form.pdf",
            "file_extension": "pdf",
        }
    ]


@pytest.mark.parametrize("call_id", ["x", "0", "99999999999999999999"])
def test_unknown_ids_are_404_problems(client, organisation, call_id):
    response = client.get(f"/api/v1/open-calls/{call_id}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("?status=expired", ["status"]),
        ("?open=false", ["open"]),
        ("?call_type=money", ["call_type"]),
        ("?thematic_area=a", ["thematic_area"]),
        ("?organisation=1e3", ["organisation"]),
        ("?status=x&call_type=y", ["status", "call_type"]),
        ("?page_size=1000", ["page_size"]),
    ],
)
def test_bad_parameters_are_400_problems(client, organisation, query, fields):
    response = listing(client, query)

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == fields


@pytest.mark.parametrize("lang", ["el", "fr"])
def test_a_fixed_number_of_queries_whatever_the_page_size(client, organisation, lang):
    translate_page(organisation, "fr", title="Praksis FR")
    for index in range(6):
        call = make_open_call(organisation, thematic_areas=[thematic_area(1), thematic_area(2)])
        if index % 2:
            translate_page(call, "fr", title=f"Appel {index}")

    counts = []
    for size in (2, 6):
        with CaptureQueriesContext(connection) as captured:
            assert len(ids(listing(client, f"?lang={lang}&page_size={size}"))) == size
        counts.append(len(captured))
    assert counts[0] == counts[1] > 0


def test_contract_of_the_list_and_the_detail(client, contract, organisation):
    """Stored responses (tests/api/contracts/): a fixed open call, listed and in full."""
    call = make_open_call(
        organisation,
        title="Εθελοντές για μαθήματα",
        slug="volunteers",
        summary="Ζητάμε εθελοντές.",
        description="<p>Δύο ώρες την εβδομάδα.</p>",
        deadline=datetime.datetime(2099, 6, 30, 21, 0, tzinfo=datetime.UTC),
        thematic_areas=[thematic_area(2)],
    )
    translate_page(call, "en", title="Volunteer teachers", summary="Volunteers wanted.")
    placeholders = {call.pk: "<open_call>", organisation.pk: "<organisation>"}

    listed = listing(client, "?lang=en&call_type=volunteers")
    assert listed.status_code == 200
    contract("open-calls-list-en", listed.json(), placeholders)
    detail = client.get(f"/api/v1/open-calls/{call.pk}")
    assert detail.status_code == 200
    contract("open-call-detail-el", detail.json(), placeholders)
