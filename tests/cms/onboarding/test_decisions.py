"""Approving creates the organisation, its editors and their invitations in one go;
rejecting tells the applicant why. Both happen once, and only to pending applications."""

import re
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from wagtail.models import PageLogEntry

from cms.editorial.roles import organisation_editors_group_name
from cms.onboarding import decisions
from cms.onboarding.decisions import (
    RegistrationAlreadyDecided,
    approve_registration,
    reject_registration,
    resend_invitations,
)
from cms.onboarding.models import OrganisationRegistration
from pages.models import OrganisationPage
from tests.factories import (
    category,
    greek,
    make_organisation,
    organisation_type,
    organisations_index,
)

from .conftest import make_registration, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
LINK = re.compile(r"http://testserver/admin/password_reset/confirm/[^/\s]+/[^/\s]+/")


@pytest.fixture
def registration(site_tree):
    return make_registration()


@pytest.fixture
def approve(django_capture_on_commit_callbacks, coordinator):
    """Approve as the coordinator, running what waits for the commit (the e-mails)."""

    def approve(registration):
        with django_capture_on_commit_callbacks(execute=True):
            return approve_registration(registration, coordinator)

    return approve


# --- Approve ------------------------------------------------------------------------------


def test_approval_creates_the_organisation_as_a_greek_draft(registration, approve, coordinator):
    """A Greek draft under Members, with the application's fields and a first revision."""
    approved = approve(registration)

    page = OrganisationPage.objects.get(pk=approved.organisation_id)
    assert page.get_parent().specific == organisations_index()
    assert page.locale == greek()
    assert page.live is False
    assert page.has_unpublished_changes is True
    assert page.latest_revision is not None
    assert page.latest_revision.user == coordinator
    assert page.title == "Δίκτυο Αλληλεγγύης Κυψέλης"
    assert page.organisation_type == organisation_type("migrant-community")
    assert set(page.activity_fields.all()) == {category("education"), category("legal-support")}
    assert page.website == registration.website
    assert page.public_email == registration.public_email
    assert page.public_phone == registration.public_phone
    assert page.address == registration.address
    assert [(p.name, p.email) for p in page.contact_persons.all()] == [
        ("Μαρία Παπαδοπούλου", "maria@solidarity-kypseli.example.org"),
        ("Amir Rahimi", "amir@example.net"),
    ]
    assert PageLogEntry.objects.filter(page=page, action="wagtail.create").exists() is True


def test_the_draft_revision_keeps_every_field_of_activity(registration, approve):
    """What the editor opens is the draft revision: it has the fields of activity too."""
    page = approve(registration).organisation

    revision = page.latest_revision.as_object()

    assert set(revision.activity_fields.all()) == {category("education"), category("legal-support")}


def test_the_description_becomes_escaped_paragraphs(registration, approve):
    """Plain text becomes paragraphs; HTML special characters are escaped."""
    page = approve(registration).organisation

    assert page.description == (
        "<p>Μαθήματα ελληνικών και νομική βοήθεια.</p>\n\n<p>Κάθε Τρίτη &amp; Πέμπτη.</p>"
    )


def test_the_registration_records_the_decision(registration, approve, coordinator):
    """Status, coordinator, time and the created page are recorded."""
    approved = approve(registration)

    approved.refresh_from_db()
    assert approved.status == OrganisationRegistration.Status.APPROVED
    assert approved.decided_by == coordinator
    assert approved.decided_at is not None
    assert approved.organisation is not None


def test_each_contact_person_gets_an_editor_account(registration, approve):
    """User name = e-mail, no usable password yet, in the organisation's editors' group."""
    page = approve(registration).organisation

    group_name = organisation_editors_group_name(page)
    for email in ("maria@solidarity-kypseli.example.org", "amir@example.net"):
        user = User.objects.get(username=email)
        assert user.email == email
        assert user.has_usable_password() is False
        assert list(user.groups.values_list("name", flat=True)) == [group_name]
        assert user.wagtail_userprofile.preferred_language == "el"
    assert User.objects.get(username="amir@example.net").first_name == "Amir Rahimi"


def test_each_contact_person_is_invited_with_their_own_link(registration, approve):
    """One e-mail per contact person, plain text and HTML, each with its own link."""
    approve(registration)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "amir@example.net",
        "maria@solidarity-kypseli.example.org",
    ]
    links = {LINK.search(message.body).group() for message in mail.outbox}
    assert len(links) == 2
    for message in mail.outbox:
        assert "\n" not in message.subject
        assert message.to[0] in message.body  # their user name
        html, media_type = message.alternatives[0]
        assert media_type == "text/html"
        assert LINK.search(message.body).group() in html


def test_invitations_are_written_in_the_applicants_language(site_tree, approve):
    """The e-mails are rendered in the language stored with the application."""
    approve(make_registration(language="en"))

    assert all('lang="en"' in message.alternatives[0][0] for message in mail.outbox)


def test_an_existing_account_is_reused_and_told_to_log_in(registration, approve):
    """An editor of another organisation keeps their password and gains this organisation."""
    existing = make_user("maria", groups=[])
    existing.email = "Maria@Solidarity-Kypseli.example.org"
    existing.save()

    page = approve(registration).organisation

    existing.refresh_from_db()
    assert existing.has_usable_password() is True
    assert organisation_editors_group_name(page) in existing.groups.values_list("name", flat=True)
    assert User.objects.filter(email__iexact=existing.email).count() == 1
    (message,) = [m for m in mail.outbox if m.to == ["maria@solidarity-kypseli.example.org"]]
    assert LINK.search(message.body) is None
    assert "http://testserver/admin/login/" in message.body


def test_a_taken_slug_gets_a_suffix(site_tree, approve):
    """Two organisations with one name get distinct slugs under Members."""
    first = approve(make_registration(name="Κοινότητα")).organisation
    second = approve(make_registration(name="Κοινότητα")).organisation

    assert first.slug == "κοινότητα"
    assert second.slug == "κοινότητα-1"


def test_a_name_without_letters_still_gets_a_slug(site_tree, approve):
    """A name that slugifies to nothing falls back to 'organisation'."""
    assert approve(make_registration(name="!!!")).organisation.slug == "organisation"


def test_nothing_is_sent_before_the_approval_is_committed(registration, coordinator):
    """While the transaction is open, no e-mail leaves."""
    approve_registration(registration, coordinator)  # the test's transaction is still open

    assert mail.outbox == []


class RefusingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_an_email_failure_is_raised_once_the_approval_is_committed(registration, approve, settings):
    """The caller learns the e-mails failed; the approval itself is kept."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"

    with pytest.raises(smtplib.SMTPException):
        approve(registration)

    registration.refresh_from_db()
    assert registration.status == OrganisationRegistration.Status.APPROVED
    assert User.objects.filter(username="amir@example.net").exists() is True


def test_a_failed_approval_leaves_nothing_behind(registration, approve, monkeypatch):
    """Page, group, accounts and e-mails stand or fall together."""

    def fail(page):
        raise RuntimeError("the group could not be created")

    monkeypatch.setattr(decisions, "ensure_organisation_editors", fail)
    pages_before = OrganisationPage.objects.count()

    with pytest.raises(RuntimeError):
        approve(registration)

    assert OrganisationPage.objects.count() == pages_before
    assert User.objects.filter(username="amir@example.net").exists() is False
    registration.refresh_from_db()
    assert registration.is_pending is True
    assert mail.outbox == []


def test_a_registration_is_approved_only_once(registration, approve):
    """A second approval is refused and creates nothing more."""
    approve(registration)
    pages = OrganisationPage.objects.count()

    with pytest.raises(RegistrationAlreadyDecided):
        approve(registration)

    assert OrganisationPage.objects.count() == pages
    assert len(mail.outbox) == 2


def test_an_approved_organisation_matches_later_applications_as_an_organisation(
    registration, approve
):
    """Once approved, later look-alike applications point at the organisation's page."""
    page = approve(registration).organisation

    later = make_registration()

    assert {(r["existing"], r["existing_id"]) for r in later.duplicate_reasons} == {
        ("organisation", page.pk)
    }


# --- Invite again ---------------------------------------------------------------------------


def test_invitations_go_again_to_whoever_has_no_password_yet(registration, approve):
    """Invite again skips contact persons who have chosen a password."""
    approved = approve(registration)
    maria = User.objects.get(username="maria@solidarity-kypseli.example.org")
    maria.set_password("Correct-Horse-Battery-73")
    maria.save()
    mail.outbox.clear()

    invited = resend_invitations(approved)

    assert invited == 1
    (message,) = mail.outbox
    assert message.to == ["amir@example.net"]
    assert LINK.search(message.body) is not None


def test_only_an_approved_registration_is_invited_again(registration):
    """A pending application has no accounts to invite."""
    with pytest.raises(ValueError):
        resend_invitations(registration)

    assert mail.outbox == []


# --- Reject --------------------------------------------------------------------------------


def reject(registration, coordinator, capture, reason="We could not verify the organisation."):
    with capture(execute=True):
        return reject_registration(registration, coordinator, reason)


def test_rejection_records_the_reason_and_tells_the_contacts(
    registration, coordinator, django_capture_on_commit_callbacks
):
    """The reason and coordinator are recorded; one e-mail goes to all; no accounts."""
    rejected = reject(registration, coordinator, django_capture_on_commit_callbacks)

    rejected.refresh_from_db()
    assert rejected.status == OrganisationRegistration.Status.REJECTED
    assert rejected.rejection_reason == "We could not verify the organisation."
    assert rejected.decided_by == coordinator
    assert rejected.organisation is None
    (message,) = mail.outbox
    assert sorted(message.to) == ["amir@example.net", "maria@solidarity-kypseli.example.org"]
    assert "We could not verify the organisation." in message.body
    assert User.objects.filter(username="amir@example.net").exists() is False


def test_the_reason_is_sent_as_written(
    registration, coordinator, django_capture_on_commit_callbacks
):
    """Plain text e-mail: nothing is HTML-escaped."""
    reject(registration, coordinator, django_capture_on_commit_callbacks, reason="Name & <type>")

    assert "Name & <type>" in mail.outbox[0].body


def test_a_rejection_needs_a_reason(registration, coordinator):
    """A blank reason is refused and the application stays pending."""
    with pytest.raises(ValueError):
        reject_registration(registration, coordinator, "   ")

    registration.refresh_from_db()
    assert registration.is_pending is True


def test_a_decided_registration_cannot_be_rejected(
    registration, approve, coordinator, django_capture_on_commit_callbacks
):
    """An approved application cannot be rejected afterwards."""
    approve(registration)

    with pytest.raises(RegistrationAlreadyDecided):
        reject(registration, coordinator, django_capture_on_commit_callbacks)

    registration.refresh_from_db()
    assert registration.status == OrganisationRegistration.Status.APPROVED


def test_organisations_unrelated_to_the_registration_are_untouched(registration, approve):
    """Approving touches no other organisation."""
    other = make_organisation(title="Άλλη οργάνωση")

    approve(registration)

    assert OrganisationPage.objects.get(pk=other.pk).title == "Άλλη οργάνωση"
