"""The benchmark's bulk dataset: a sound page tree, translations the API serves."""

import pytest
from wagtail.models import Page

from benchmarks.dataset import Sizes, current_sizes, ensure_dataset
from pages.models import OrganisationPage, ServiceListing, ServicePage
from tests.factories import english, greek

pytestmark = pytest.mark.django_db

NO_PROBLEMS = ([], [], [], [], [])


@pytest.fixture
def dataset(site_tree):
    return ensure_dataset(Sizes(services=12, organisations=3, actions=4))


def test_the_tree_has_no_problems_and_every_item_is_translated(dataset):
    assert dataset == Sizes(services=12, organisations=3, actions=4)
    assert Page.find_problems() == NO_PROBLEMS
    assert ServicePage.objects.filter(locale=english(), live=True).count() == 12
    for service in ServicePage.objects.filter(locale=greek()):
        translation = service.get_translation(english())
        source_parent = translation.get_parent().specific.get_translation(greek())
        assert source_parent.pk == service.get_parent().pk


def test_it_grows_without_breaking_the_tree(dataset):
    assert ensure_dataset(Sizes(services=30, organisations=5, actions=4)) == Sizes(30, 5, 4)
    assert Page.find_problems() == NO_PROBLEMS
    # Services are spread over every organisation, old and new.
    assert all(
        organisation.get_children().type(ServicePage).exists()
        for organisation in OrganisationPage.objects.filter(locale=greek())
    )
    assert current_sizes() == Sizes(30, 5, 4)
    # The services' read model is rebuilt: a Greek and an English row each.
    assert ServiceListing.objects.filter(language="el").count() == 30
    assert ServiceListing.objects.filter(language="en", served_language="en").count() == 30


def test_the_api_serves_the_generated_services_in_both_languages(client, dataset):
    service = ServicePage.objects.filter(locale=greek()).order_by("path").first()
    translation = service.get_translation(english())

    in_greek = client.get(f"/api/v1/services/{service.pk}").json()
    in_english = client.get(f"/api/v1/services/{service.pk}?lang=en").json()

    assert (in_greek["language"], in_greek["title"]) == ("el", service.title)
    assert (in_english["language"], in_english["fallback"]) == ("en", False)
    assert in_english["title"] == translation.title
    assert in_english["organisation"]["id"] == service.get_parent().pk
    assert in_english["categories"]


def test_text_search_finds_the_generated_services(client, dataset):
    """Scenario (c) searches words of the generated titles: each must find services."""
    service = ServicePage.objects.filter(locale=greek()).order_by("path").first()
    english_word = service.get_translation(english()).title.split()[0]
    greek_word = service.title.split()[0]

    for word, language in ((english_word, "en"), (greek_word, "el")):
        found = client.get("/api/v1/services", {"q": word, "lang": language}).json()
        assert service.pk in [item["id"] for item in found["results"]], (word, found)
