"""Acting in the Wagtail admin as the platform's roles: accounts, trees, forms, refusals."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import constants, get_messages
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import querydict_from_html
from wagtail.users.models import UserProfile

from pages.site_tree import ensure_site_tree
from tests.factories import translate_page

PAGE_FORM = "page-edit-form"


def member(username, group, *, language=settings.LANGUAGE_CODE):
    """An active account in `group`, with an e-mail address and an interface language."""
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.org", first_name=username.capitalize()
    )
    user.groups.add(group)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def logged_in(user):
    """A test client signed in as `user` (or anonymous, for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def locale(language_code):
    return Locale.objects.get(language_code=language_code)


def translated_tree(language_code):
    """The locale's home page and organisations index: live copies of the Greek ones.

    What wagtail-localize makes when a coordinator first translates a page into a new
    locale (the session's site tree has Greek and English only).
    """
    tree = ensure_site_tree()
    target = locale(language_code)
    for page in (tree.home, tree.organisations):
        if not page.has_translation(target):
            translate_page(page, language_code)
    return tree.organisations.get_translation(target)


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def page_form(client, url):
    """The admin page form at `url`, as the browser would post it back (a mutable copy)."""
    response = client.get(url)
    assert response.status_code == 200, response
    return querydict_from_html(response.content.decode(), form_id=PAGE_FORM).copy()


def workflow_action_url(page, action):
    """Where a reviewer posts `action` ("approve", "reject") on the page's current task."""
    task_state = page.current_workflow_state.current_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])


def assert_refused(response, user):
    """Refused: the sign-in page for an anonymous visitor; for a signed-in user, a 403 or
    (as some Wagtail views answer) the dashboard with a permission error."""
    if user is None:
        assert response.status_code == 302, response
        assert response.url.startswith(reverse("wagtailadmin_login")), response.url
    elif response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home"), response.url
        errors = [m for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]
        assert errors, "redirected to the dashboard without a permission error"
    else:
        assert response.status_code == 403, response
