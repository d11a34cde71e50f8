"""The coordinators' inbox in the admin: listing, filters, the detail view, approve and
reject, and who may see any of it."""

import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from cms.onboarding import decisions, modeladmin
from cms.onboarding.modeladmin import registrations_admin
from cms.onboarding.models import OrganisationRegistration
from tests.factories import make_organisation

from .conftest import make_registration, make_user

pytestmark = pytest.mark.django_db

INDEX_URL = "/admin/onboarding/organisationregistration/"


def url(action, registration):
    return registrations_admin.url_helper.get_action_url(action, registration.pk)


def status_of(registration):
    registration.refresh_from_db()
    return registration.status


@pytest.fixture
def registration(site_tree):
    return make_registration()


@pytest.fixture
def editor(client, db):
    """Anyone else with admin access (an organisation's editor, say)."""
    user = make_user("editor")
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client, db):
    """May look at registrations, not decide them."""
    user = make_user("viewer", permissions=["onboarding.view_organisationregistration"])
    client.force_login(user)
    return client


# --- Listing ----------------------------------------------------------------------------


def test_the_list_shows_each_registration(coordinator_client, registration):
    """Each row names the application and its type, with approve, reject and inspect."""
    response = coordinator_client.get(INDEX_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert registration.name in content
    assert registration.organisation_type.name in content
    assert url("approve", registration) in content
    assert url("reject", registration) in content
    assert url("inspect", registration) in content


def test_the_list_offers_no_add_or_edit(coordinator_client, registration):
    """Applications are the applicant's words: they arrive through the API only."""
    content = coordinator_client.get(INDEX_URL).content.decode()

    assert registrations_admin.url_helper.create_url not in content
    assert url("edit", registration) not in content
    assert coordinator_client.get(registrations_admin.url_helper.create_url).status_code != 200
    assert coordinator_client.get(url("edit", registration)).status_code != 200


def distinct(name, person):
    """A registration sharing no e-mail or website with any other."""
    return make_registration(
        name=name,
        website="",
        public_email="",
        contacts=[{"name": person, "email": f"{person}@{person}.example.com"}],
    )


@pytest.fixture
def inbox(site_tree):
    registrations = {
        "first": make_registration(name="Kypseli Network"),
        "duplicate": distinct("Kypseli Network", "nikos"),
        "rejected": distinct("Rejected Association", "giorgos"),
        "books": distinct("Friends of Books", "eleni"),
    }
    OrganisationRegistration.objects.filter(pk=registrations["rejected"].pk).update(
        status=OrganisationRegistration.Status.REJECTED
    )
    return registrations


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"first", "duplicate", "rejected", "books"}),
        ("status__exact=pending", {"first", "duplicate", "books"}),
        ("status__exact=rejected", {"rejected"}),
        ("possible_duplicate__exact=1", {"duplicate"}),
        ("possible_duplicate__exact=0", {"first", "rejected", "books"}),
        ("q=books", {"books"}),
        ("q=nikos%40nikos.example.com", {"duplicate"}),
    ],
)
def test_filters_and_search(coordinator_client, inbox, query, expected):
    """Filters by status and duplicate flag; search in names and contacts' e-mails."""
    response = coordinator_client.get(f"{INDEX_URL}?{query}")

    assert response.status_code == 200
    listed = set(response.context["view"].queryset)
    assert {key for key, registration in inbox.items() if registration in listed} == expected


def test_the_list_flags_duplicates(coordinator_client, inbox):
    """Only the later of two applications is flagged: it was compared with the first."""
    rows = response_rows(coordinator_client.get(INDEX_URL))

    assert "possible duplicate" in rows[inbox["duplicate"].pk]
    assert "possible duplicate" not in rows[inbox["first"].pk]


def response_rows(response):
    """Each listed registration's row HTML, by primary key."""
    content = response.content.decode()
    rows = {}
    for chunk in content.split('data-object-pk="')[1:]:
        pk, _, rest = chunk.partition('"')
        rows[int(pk)] = rest.split("</tr>", 1)[0]
    return rows


# --- Detail -------------------------------------------------------------------------------


def test_the_detail_shows_everything_with_contacts_and_duplicate_reasons(
    coordinator_client, registration
):
    """The detail view shows the fields, the contact persons and why it may be a duplicate."""
    later = make_registration(name="Kypseli solidarity", website="", public_email="")

    response = coordinator_client.get(url("inspect", later))

    assert response.status_code == 200
    content = response.content.decode()
    for value in (
        later.name,
        later.description.splitlines()[0],
        later.public_phone,
        later.address,
        "Εκπαίδευση",  # a field of activity
        "Μαρία Παπαδοπούλου",
        "maria@solidarity-kypseli.example.org",
        "6900000000",
        f"same e-mail address (amir@example.net) as the pending application “{registration.name}”",
        url("approve", later),
        url("reject", later),
    ):
        assert value in content, value


def test_a_decided_registration_offers_no_decision(coordinator_client, registration):
    """Once decided, neither approve nor reject is offered."""
    OrganisationRegistration.objects.filter(pk=registration.pk).update(status="rejected")

    content = coordinator_client.get(url("inspect", registration)).content.decode()

    assert url("approve", registration) not in content
    assert url("reject", registration) not in content


# --- Approve and reject ---------------------------------------------------------------------


def test_approving_asks_for_confirmation_first(coordinator_client, registration):
    """GET shows a confirmation form and changes nothing."""
    response = coordinator_client.get(url("approve", registration))

    assert response.status_code == 200
    assert b'method="POST"' in response.content
    assert status_of(registration) == "pending"


def test_approving_creates_the_organisation_and_invites(
    coordinator_client, registration, django_capture_on_commit_callbacks
):
    """POST approves, e-mails the invitations and links to the new page."""
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url("approve", registration))

    assert response.status_code == 302
    assert response["Location"] == url("inspect", registration)
    registration.refresh_from_db()
    assert registration.status == "approved"
    assert registration.organisation.live is False
    assert len(mail.outbox) == 2
    page = coordinator_client.get(response["Location"]).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[registration.organisation_id]) in page


def test_rejecting_needs_a_reason(coordinator_client, registration):
    """Without a reason the form comes back with an error; nothing is decided or sent."""
    response = coordinator_client.post(url("reject", registration), {"reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert status_of(registration) == "pending"
    assert mail.outbox == []


def test_rejecting_sends_the_reason(
    coordinator_client, registration, django_capture_on_commit_callbacks
):
    """POST with a reason rejects, e-mails it and goes back to the list."""
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url("reject", registration), {"reason": "Not based in Athens."}
        )

    assert response.status_code == 302
    assert response["Location"] == INDEX_URL
    assert status_of(registration) == "rejected"
    assert "Not based in Athens." in mail.outbox[0].body


def test_the_history_shows_who_rejected_and_why(
    coordinator_client, coordinator, registration, django_capture_on_commit_callbacks
):
    """The registration's history names the coordinator and the reason."""
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url("reject", registration), {"reason": "Not based in Athens."})

    content = coordinator_client.get(url("history", registration)).content.decode()

    assert "Registration rejected" in content
    assert "Not based in Athens." in content
    assert coordinator.get_username() in content


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_decided_registration_cannot_be_decided_again(coordinator_client, registration, action):
    """A second decision is refused with a message; the first one stands."""
    OrganisationRegistration.objects.filter(pk=registration.pk).update(status="rejected")

    response = coordinator_client.post(url(action, registration), {"reason": "Again."})

    assert response.status_code == 302
    assert response["Location"] == url("inspect", registration)
    registration.refresh_from_db()
    assert registration.status == "rejected"
    assert registration.rejection_reason == ""
    assert mail.outbox == []


def test_when_emails_fail_the_decision_stands_and_the_coordinator_is_told(
    coordinator_client, registration, monkeypatch
):
    """An SMTP failure after the commit keeps the approval and shows an error message."""

    def approve_then_fail_to_send(registration, coordinator):
        # What approve_registration raises when the SMTP server refuses its e-mails:
        # after its transaction has been committed (see test_decisions).
        decisions.approve_registration(registration, coordinator)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(modeladmin, "approve_registration", approve_then_fail_to_send)

    response = coordinator_client.post(url("approve", registration), follow=True)

    assert status_of(registration) == "approved"
    messages = [str(message) for message in response.context["messages"]]
    assert any("could not be sent" in message for message in messages)


def test_an_approved_registrations_contacts_can_be_invited_again(
    coordinator_client, registration, django_capture_on_commit_callbacks
):
    """ "Invite again" is offered once approved, and sends fresh invitations."""
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url("approve", registration))
    mail.outbox.clear()
    assert (
        url("invite", registration)
        in coordinator_client.get(url("inspect", registration)).content.decode()
    )
    assert coordinator_client.get(url("invite", registration)).status_code == 200

    response = coordinator_client.post(url("invite", registration))

    assert response.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amir@example.net",
        "maria@solidarity-kypseli.example.org",
    ]


def test_a_pending_registration_cannot_be_invited(coordinator_client, registration):
    """Before approval there is no account to invite: nothing is offered or sent."""
    assert (
        url("invite", registration)
        not in coordinator_client.get(url("inspect", registration)).content.decode()
    )

    response = coordinator_client.post(url("invite", registration))

    assert response.status_code == 302
    assert mail.outbox == []
    assert status_of(registration) == "pending"


# --- Who may ------------------------------------------------------------------------------


def test_others_do_not_see_registrations(editor, registration):
    """No menu item, no list, no detail, no decision for anyone without the permissions."""
    dashboard = editor.get("/admin/").content.decode()
    assert INDEX_URL not in dashboard

    for action in ("index", "inspect", "approve", "reject", "invite", "history"):
        address = INDEX_URL if action == "index" else url(action, registration)
        response = editor.get(address)
        assert response.status_code in (302, 403), address
        assert response.get("Location", "") != address

    editor.post(url("approve", registration))
    editor.post(url("reject", registration), {"reason": "No."})
    assert status_of(registration) == "pending"


def test_a_viewer_may_look_but_not_decide(viewer, registration):
    """The view permission alone lists and inspects, but approving is refused."""
    assert viewer.get(INDEX_URL).status_code == 200
    content = viewer.get(url("inspect", registration)).content.decode()
    assert url("approve", registration) not in content

    response = viewer.post(url("approve", registration))

    assert response.status_code in (302, 403)
    assert status_of(registration) == "pending"


def test_anonymous_visitors_are_sent_to_log_in(client, registration):
    """Not logged in: the login page, and no decision."""
    response = client.post(url("approve", registration))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert status_of(registration) == "pending"


def test_an_approved_registration_cannot_be_deleted(coordinator_client, registration):
    """Approved applications are the record of how an organisation joined."""
    OrganisationRegistration.objects.filter(pk=registration.pk).update(status="approved")

    coordinator_client.post(url("delete", registration))

    assert OrganisationRegistration.objects.filter(pk=registration.pk).exists() is True


def test_a_pending_registration_can_be_deleted(coordinator_client, registration):
    """Spam goes away."""
    coordinator_client.post(url("delete", registration))

    assert OrganisationRegistration.objects.filter(pk=registration.pk).exists() is False


# --- Dashboard ------------------------------------------------------------------------------


def test_the_dashboard_counts_pending_registrations(coordinator_client, inbox):
    """The panel counts pending applications and links to the filtered list."""
    content = coordinator_client.get("/admin/").content.decode()

    assert "3 registrations waiting for a decision" in content
    assert f"{INDEX_URL}?status__exact=pending" in content


def test_the_dashboard_says_when_nothing_waits(coordinator_client, site_tree):
    """With nothing pending, the panel says so."""
    content = coordinator_client.get("/admin/").content.decode()

    assert "No registration is waiting for a decision." in content


def test_others_have_no_registrations_panel(editor, inbox):
    """Users without registration permissions see no panel."""
    content = editor.get("/admin/").content.decode()

    assert "waiting for a decision" not in content


def test_an_organisation_outside_the_inbox_is_not_listed(coordinator_client, site_tree):
    """The inbox lists applications, not the organisations already on the platform."""
    make_organisation(title="Already a member")

    assert b"Already a member" not in coordinator_client.get(INDEX_URL).content
