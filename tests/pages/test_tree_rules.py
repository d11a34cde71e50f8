"""The page tree keeps its shape: each page type lives only where DESIGN.md puts it.

HomePage > OrganisationIndexPage > OrganisationPage > Service/Action/OpenCall,
HomePage > NewsIndexPage > NewsPage, HomePage > ContentPage > ContentPage.
"""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from wagtail.models import Page

from pages.models import (
    ActionPage,
    ContentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OpenCallPage,
    OrganisationIndexPage,
    OrganisationPage,
    ServicePage,
)
from tests.factories import english, make_organisation, make_service, translate_page

pytestmark = pytest.mark.django_db

ORGANISATION_CHILDREN = [ServicePage, ActionPage, OpenCallPage]


@pytest.fixture
def tree(site_tree):
    """The site tree plus an organisation, a service and a content page, by role."""
    organisation = make_organisation(publish=False)
    about = site_tree.home.add_child(instance=ContentPage(title="Σχετικά", slug="about"))
    return {
        "root": Page.get_first_root_node(),
        "home": site_tree.home,
        "organisations": site_tree.organisations,
        "news": site_tree.news,
        "organisation": organisation,
        "service": make_service(organisation, publish=False),
        "content": about,
    }


def allowed_parents(model, tree):
    """The roles in `tree` under which a new `model` page may be created."""
    return {role for role, page in tree.items() if model.can_create_at(page)}


@pytest.mark.parametrize("model", ORGANISATION_CHILDREN)
def test_organisation_content_only_under_an_organisation(tree, model):
    """Services, actions and open calls belong to an organisation and nowhere else."""
    assert allowed_parents(model, tree) == {"organisation"}
    assert set(model.allowed_parent_page_models()) == {OrganisationPage}


@pytest.mark.parametrize("model", ORGANISATION_CHILDREN)
def test_organisation_content_has_no_children(model):
    """Services, actions and open calls are leaves."""
    assert model.allowed_subpage_models() == []


def test_organisation_only_under_the_organisations_index(tree):
    """An organisation lives under "Members", not at the top or in the news."""
    assert allowed_parents(OrganisationPage, tree) == {"organisations"}


def test_organisation_children_are_services_actions_and_open_calls():
    """Nothing else (news, content, another organisation) goes under an organisation."""
    assert set(OrganisationPage.allowed_subpage_models()) == set(ORGANISATION_CHILDREN)


def test_news_only_under_the_news_index(tree):
    assert allowed_parents(NewsPage, tree) == {"news"}
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert NewsPage.allowed_subpage_models() == []


def test_content_page_under_home_or_another_content_page(tree):
    """Content pages nest (about, then a user guide under it), but stay out of the indexes."""
    assert allowed_parents(ContentPage, tree) == {"home", "content"}
    assert ContentPage.allowed_subpage_models() == [ContentPage]


def test_home_page_only_under_the_root(tree):
    """A home page starts a locale's tree; it cannot be nested in another page."""
    assert allowed_parents(HomePage, tree) == {"root"}
    assert HomePage.can_exist_under(tree["home"]) is False
    assert HomePage.can_exist_under(tree["root"]) is True


def test_home_page_children():
    assert set(HomePage.allowed_subpage_models()) == {
        OrganisationIndexPage,
        NewsIndexPage,
        ContentPage,
    }


def test_existing_pages_fit_the_rules(tree):
    """`can_exist_under` agrees with the tree the fixtures built."""
    assert OrganisationPage.can_exist_under(tree["organisations"]) is True
    assert ServicePage.can_exist_under(tree["organisation"]) is True
    assert ServicePage.can_exist_under(tree["home"]) is False
    assert ActionPage.can_exist_under(tree["service"]) is False
    assert OrganisationPage.can_exist_under(tree["organisation"]) is False
    assert NewsPage.can_exist_under(tree["organisations"]) is False


@pytest.mark.parametrize("model", [OrganisationIndexPage, NewsIndexPage])
def test_one_index_of_each_kind_per_home_page(tree, model):
    """The home page already has its index: a second one cannot be added there."""
    assert model.can_exist_under(tree["home"]) is True
    assert model.can_create_at(tree["home"]) is False
    assert allowed_parents(model, tree) == set()


@pytest.mark.parametrize("model", [OrganisationIndexPage, NewsIndexPage])
def test_a_new_home_page_can_get_its_own_indexes(tree, model):
    """The one-per-home rule is per parent: another home page can have its own index."""
    other_home = tree["root"].add_child(instance=HomePage(title="Άλλη αρχική", slug="other-home"))

    assert model.can_create_at(other_home) is True


def test_translated_tree_follows_the_same_rules(site_tree):
    """The English organisations index takes organisations, not services."""
    english_index = site_tree.organisations.get_translation(english())
    assert english_index.locale.language_code == "en"
    assert OrganisationPage.can_create_at(english_index) is True
    assert ServicePage.can_create_at(english_index) is False


def test_translations_keep_the_shape_of_the_tree(site_tree):
    """An organisation and its service, translated, sit in the same places in English."""
    organisation = make_organisation()
    service = make_service(organisation)

    english_organisation = translate_page(organisation, title="An organisation")
    english_service = translate_page(service, title="A service")

    english_index = site_tree.organisations.get_translation(english())
    assert english_organisation.get_parent().id == english_index.id
    assert english_service.get_parent().id == english_organisation.id
    assert english_organisation.translation_key == organisation.translation_key
    assert english_service.locale == english()
    assert english_service.live is True


# --- The admin enforces the rules ---------------------------------------------------


def assert_admin_refused(response):
    """Wagtail answers a PermissionDenied by sending the user to the dashboard with an error."""
    assert response.status_code == 302
    assert response.url == "/admin/"
    levels = [message.level for message in get_messages(response.wsgi_request)]
    assert levels == [messages.ERROR]


def test_admin_refuses_the_add_form_for_a_disallowed_type(admin_client, tree):
    """A superuser cannot open the "add service" form under the home page."""
    response = admin_client.get(f"/admin/pages/add/pages/servicepage/{tree['home'].id}/")

    assert_admin_refused(response)


def test_admin_refuses_to_create_a_disallowed_type(admin_client, tree):
    """Posting a complete organisation under the news index creates nothing."""
    response = admin_client.post(
        f"/admin/pages/add/pages/organisationpage/{tree['news'].id}/",
        {"title": "Λάθος θέση", "slug": "wrong-place", "action-publish": "action-publish"},
    )

    assert_admin_refused(response)
    assert OrganisationPage.objects.filter(slug="wrong-place").exists() is False


def test_admin_refuses_a_second_organisations_index(admin_client, tree):
    """The home page's "add" form for another organisations index is refused."""
    response = admin_client.get(f"/admin/pages/add/pages/organisationindexpage/{tree['home'].id}/")

    assert_admin_refused(response)


def test_admin_opens_the_add_form_for_an_allowed_type(admin_client, tree):
    """The same superuser may add a service under an organisation (the refusal is the rule)."""
    response = admin_client.get(f"/admin/pages/add/pages/servicepage/{tree['organisation'].id}/")

    assert response.status_code == 200


def test_admin_offers_only_the_allowed_types(admin_client, tree):
    """The "add child page" chooser under an organisation lists its three child types."""
    response = admin_client.get(f"/admin/pages/{tree['organisation'].id}/add_subpage/")

    assert response.status_code == 200
    offered = {
        (app_label, model_name)
        for _verbose_name, app_label, model_name, _description in response.context["page_types"]
    }
    assert offered == {
        ("pages", "servicepage"),
        ("pages", "actionpage"),
        ("pages", "opencallpage"),
    }


def test_admin_goes_straight_to_the_only_allowed_type(admin_client, tree):
    """Under "Members" the only choice is an organisation, so the chooser skips to its form."""
    response = admin_client.get(f"/admin/pages/{tree['organisations'].id}/add_subpage/")

    assert response.status_code == 302
    assert response.url == f"/admin/pages/add/pages/organisationpage/{tree['organisations'].id}/"
