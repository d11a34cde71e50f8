"""The accepted path, through the real HTTP views only: an organisation applies through the
API, a coordinator approves it in the admin, and an invited contact person follows the
e-mailed link, chooses a password, logs in and can edit their organisation and no other."""

import re

import pytest
from django.core import mail
from django.test import Client
from wagtail.test.utils.form_data import querydict_from_html

from cms.onboarding.models import OrganisationRegistration
from pages.models import OrganisationPage
from tests.factories import make_organisation

from .conftest import application, post_application

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-Battery-73"
LINK = re.compile(r"http://testserver(/admin/password_reset/confirm/\S+/)")


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def edit_form(client, page):
    """The page's edit form as the browser would post it back."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


@pytest.fixture
def approved(site_tree, coordinator_client, django_capture_on_commit_callbacks):
    """An application sent to the API and approved in the admin; its invitations sent."""
    response = post_application(Client(), application())
    assert response.status_code == 201
    registration = OrganisationRegistration.objects.get(pk=response.json()["id"])

    approve_url = f"/admin/onboarding/organisationregistration/approve/{registration.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_client.post(approve_url).status_code == 302

    registration.refresh_from_db()
    return registration


def invitation_link(email):
    (message,) = [message for message in mail.outbox if message.to == [email]]
    return LINK.search(message.body).group(1)


def set_password(client, link):
    """Follow the one-time link and choose a password, as the contact person would."""
    response = client.get(link)
    assert response.status_code == 302  # Django hides the token behind a session redirect
    form_url = response["Location"]
    assert client.get(form_url).context["validlink"] is True
    return client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})


def test_an_invited_contact_sets_a_password_logs_in_and_edits_their_organisation(approved):
    """The whole path, through the admin's own views."""
    organisation = approved.organisation
    other = make_organisation(title="Άλλη οργάνωση")
    email = "maria@solidarity-kypseli.example.org"
    contact = Client()

    response = set_password(contact, invitation_link(email))
    assert response.status_code == 302
    assert response["Location"] == "/admin/password_reset/complete/"

    response = contact.post("/admin/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    assert contact.get("/admin/").status_code == 200

    # Their own organisation: the edit form opens, and a saved draft is kept.
    data = edit_form(contact, organisation)
    data["title"] = "Δίκτυο Αλληλεγγύης Κυψέλης (ΑΜΚΕ)"
    response = contact.post(edit_url(organisation), data)
    assert response.status_code == 302
    draft = OrganisationPage.objects.get(pk=organisation.pk).get_latest_revision_as_object()
    assert draft.title == "Δίκτυο Αλληλεγγύης Κυψέλης (ΑΜΚΕ)"

    # Another organisation: neither its form nor a post to it.
    response = contact.get(edit_url(other))
    assert response.status_code in (302, 403)
    assert response.get("Location", "") != edit_url(other)
    contact.post(edit_url(other), {**data, "title": "Hijacked"})
    assert OrganisationPage.objects.get(pk=other.pk).get_latest_revision_as_object().title == (
        "Άλλη οργάνωση"
    )
    # Nor the coordinators' inbox.
    inbox = contact.get("/admin/onboarding/organisationregistration/")
    assert inbox.status_code in (302, 403)


def test_the_link_works_only_once(approved):
    """Once a password is set, the same link is refused."""
    link = invitation_link("amir@example.net")
    set_password(Client(), link)

    response = Client().get(link)

    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_before_the_link_is_used_nobody_can_log_in(approved):
    """The accounts have no password at all until their owner chooses one."""
    for password in ("", "!", PASSWORD):
        response = Client().post(
            "/admin/login/", {"username": "amir@example.net", "password": password}
        )
        assert response.status_code == 200  # the login form again, with an error
