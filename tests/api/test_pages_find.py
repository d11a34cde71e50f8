"""GET /api/v1/pages/find?path=...: editorial pages by path, localised."""

import pytest
from wagtail.models import PageViewRestriction

from pages.models import ContentPage, NewsPage
from tests.factories import make_organisation, make_service, translate_page

pytestmark = pytest.mark.django_db


def find(client, path, query="", **headers):
    return client.get("/api/v1/pages/find", {"path": path, **query_dict(query)}, **headers)


def query_dict(query):
    return dict(part.split("=", 1) for part in query.split("&") if part)


def content_page(parent, slug, title, publish=True, **fields):
    page = ContentPage(title=title, slug=slug, **fields)
    page.live = publish
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return ContentPage.objects.get(pk=page.pk)


@pytest.fixture
def about(site_tree):
    return content_page(
        site_tree.home,
        "about",
        "Σχετικά",
        intro="Ποιοι είμαστε.",
        body=[
            ("heading", "Ιστορία"),
            ("paragraph", f'<p>Δείτε <a linktype="page" id="{site_tree.news.pk}">εδώ</a>.</p>'),
            ("call_to_action", {"text": "Γράψου", "url": "https://example.org/"}),
        ],
    )


def test_a_content_page_by_its_greek_path(client, about):
    response = find(client, "/about/")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert (body["id"], body["type"], body["title"], body["path"]) == (
        about.pk,
        "content",
        "Σχετικά",
        "/about/",
    )
    assert (body["language"], body["fallback"]) == ("el", False)
    assert body["intro"] == "Ποιοι είμαστε."
    assert [block["type"] for block in body["body"]] == ["heading", "paragraph", "call_to_action"]
    assert body["body"][0]["value"] == "Ιστορία"
    assert body["body"][1]["value"].startswith("<p>Δείτε <a href=")
    assert 'linktype="page"' not in body["body"][1]["value"]
    assert body["body"][2]["value"] == {"text": "Γράψου", "url": "https://example.org/"}
    assert find(client, "about").status_code == 400  # paths start at the home page
    assert find(client, "/about").json()["id"] == about.pk  # the trailing slash is optional


def test_a_translation_is_found_by_its_own_slug_or_the_greek_one(client, about, site_tree):
    translate_page(about, "en", title="About us", slug="about-us")

    for path in ("/about-us/", "/about/"):
        body = find(client, path, "lang=en").json()
        assert (body["id"], body["title"], body["language"]) == (about.pk, "About us", "en")
        assert body["path"] == "/about-us/"
    # In Greek, the English slug finds the page too (English is in every fallback chain),
    # served in Greek under its Greek path.
    body = find(client, "/about-us/").json()
    assert (body["title"], body["path"], body["language"]) == ("Σχετικά", "/about/", "el")


def test_nested_pages_and_fallback(client, about):
    team = content_page(about, "team", "Ομάδα")

    body = find(client, "/about/team/", "lang=ar").json()
    assert (body["id"], body["language"], body["fallback"], body["dir"]) == (
        team.pk,
        "el",
        True,
        "ltr",
    )


def test_news_articles_and_the_news_index(client, site_tree):
    article = NewsPage(title="Νέο", slug="first", intro="Σύντομα.", body=[])
    site_tree.news.add_child(instance=article)
    article.save_revision().publish()

    body = find(client, "/news/first/").json()
    assert (body["id"], body["type"], body["intro"], body["image"]) == (
        article.pk,
        "news",
        "Σύντομα.",
        None,
    )
    assert body["date"]
    index = find(client, "/news/", "lang=en").json()
    assert (index["type"], index["title"], index["language"]) == ("news_index", "News", "en")


def test_drafts_private_pages_and_draft_translations_are_not_found(client, about, site_tree):
    content_page(site_tree.home, "draft", "Πρόχειρο", publish=False)
    private = content_page(site_tree.home, "private", "Ιδιωτικό")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    translate_page(about, "en", title="Secret draft", slug="secret", publish=False)

    for path in ("/draft/", "/private/", "/secret/"):
        response = find(client, path, "lang=en")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
    assert find(client, "/about/", "lang=en").json()["title"] == "Σχετικά"


def test_an_unpublished_greek_page_withdraws_its_translations(client, about):
    translate_page(about, "en", title="About us", slug="about-us")
    about.unpublish()

    assert find(client, "/about-us/", "lang=en").status_code == 404


def test_other_page_types_are_not_editorial(client, site_tree):
    organisation = make_organisation(slug="praksis")
    make_service(organisation, slug="clinic")

    for path in (
        "/",
        "/organisations/",
        "/organisations/praksis/",
        "/organisations/praksis/clinic/",
    ):
        assert find(client, path).status_code == 404, path


@pytest.mark.parametrize(
    "path",
    ["", "about", "/../", "//", "/a//b/", "/\x00/", "/" + "a" * 600 + "/", "/a\nb/"],
)
def test_bad_paths_are_400_problems(client, site_tree, path):
    response = find(client, path)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "path"


def test_a_missing_path_and_unknown_parameters_are_400(client, site_tree):
    assert client.get("/api/v1/pages/find").json()["errors"][0]["field"] == "path"
    response = client.get("/api/v1/pages/find?path=/about/&slug=about")
    assert [error["field"] for error in response.json()["errors"]] == ["slug"]


def test_an_unknown_path_is_a_404(client, site_tree):
    assert find(client, "/nowhere/").status_code == 404
    assert find(client, "/ΣΧΕΤΙΚΑ/").status_code == 404


def test_contract_of_a_content_page(client, contract, about):
    """The stored response (tests/api/contracts/) of a content page found by path."""
    translate_page(about, "en", title="About us", slug="about-us", intro="Who we are.")

    response = find(client, "/about-us/", "lang=en")
    assert response.status_code == 200
    body = response.json()
    body["last_published_at"] = "<last_published_at>"  # the moment the test published it
    body["body"] = [{**block, "id": "<block>"} for block in body["body"]]
    contract("page-find-en", body, {about.pk: "<page>"})
