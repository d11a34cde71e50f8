"""Keeping services current: confirming a service, overdue reviews, reminders, dashboards.

Services here are overdue when last checked a year ago (their review was due six
months ago) and fresh when checked today.
"""

import datetime
import smtplib
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import GroupPagePermission, PageLogEntry, Revision, WorkflowState
from wagtail.users.models import UserProfile
from wagtail_localize.models import TranslationSource

from cms.editorial.models import ReviewReminder
from cms.editorial.review_hooks import OverdueReviewsPanel
from cms.editorial.reviews import (
    SERVICE_CONFIRMED,
    confirm_service,
    overdue_listing_url,
    send_review_reminders,
)
from cms.editorial.roles import ensure_coordinators, ensure_organisation_editors
from pages.models import ServicePage
from pages.models.services import months_after
from tests.factories import english, make_organisation, make_service, translate_page

pytestmark = pytest.mark.django_db

User = get_user_model()


def today():
    return timezone.localdate()


def a_year_ago():
    return months_after(today(), -12)


def make_user(username, *groups, language="", **fields):
    """An admin user in `groups`, with an e-mail address unless `fields` say otherwise."""
    user = User.objects.create_user(
        username, **{"email": f"{username}@example.org", "password": "x", **fields}
    )
    user.groups.add(*groups)
    if language:
        UserProfile.objects.create(user=user, preferred_language=language)
    return user


def logged_in(user, **client_options):
    client = Client(**client_options)
    client.force_login(user)
    return client


def permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def confirm_url(page):
    return reverse("editorial_confirm_service", args=[page.pk])


def review_dates_of(page):
    return ServicePage.objects.filter(pk=page.pk).values_list("last_verified", "next_review").get()


@pytest.fixture
def organisation(site_tree):
    return make_organisation(title="Οργάνωση Α")


@pytest.fixture
def service(organisation):
    """An overdue live service, translated into English."""
    service = make_service(organisation, title="Ιατρείο Α", last_verified=a_year_ago())
    translate_page(organisation, "en", title="Organisation A")
    translate_page(service, "en", title="Clinic A")
    return service


@pytest.fixture
def english_service(service):
    return service.get_translation(english())


@pytest.fixture
def editors(organisation, service):
    return ensure_organisation_editors(organisation)


@pytest.fixture
def editor(editors):
    return make_user("editor", editors, language="en")


@pytest.fixture
def coordinator(site_tree):
    return make_user("coordinator", ensure_coordinators(site_tree.home), language="en")


def expected_confirmation():
    return (today(), months_after(today(), 6))


# --- Confirming a service through the admin ----------------------------------------------


def test_editor_confirms_service_with_one_csrf_protected_post(service, english_service, editor):
    """An editor's POST (with its CSRF token) dates the check today on every locale copy.

    The next review is six months later; the page stays live with no pending
    changes; no revision, workflow or moderation is involved; a success message says so.
    """
    client = logged_in(editor, enforce_csrf_checks=True)
    copies = [service, english_service]
    revisions_before = Revision.page_revisions.filter(object_id__in=[str(p.pk) for p in copies])
    revision_count = revisions_before.count()
    latest_revision_ids = {p.pk: p.latest_revision_id for p in copies}

    confirmation_page = client.get(confirm_url(service))
    assert confirmation_page.status_code == 200
    assert f'action="{confirm_url(service)}"' in confirmation_page.content.decode()
    assert client.post(confirm_url(service)).status_code == 403  # no CSRF token
    assert review_dates_of(service) != expected_confirmation()

    response = client.post(
        confirm_url(service), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[service.pk])
    for copy in ServicePage.objects.filter(pk__in=[p.pk for p in copies]):
        assert (copy.last_verified, copy.next_review) == expected_confirmation()
        assert copy.live is True
        assert copy.has_unpublished_changes is False
        assert copy.latest_revision_id == latest_revision_ids[copy.pk]
    assert revisions_before.count() == revision_count
    assert not WorkflowState.objects.filter(object_id__in=[str(p.pk) for p in copies]).exists()
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "success"
    assert "Ιατρείο Α" in message.message


def test_confirmation_is_in_the_audit_log_and_each_copys_history(service, english_service, editor):
    """Every copy logs `accmr.service_confirmed` by the editor, shown in its page history."""
    client = logged_in(editor)
    client.post(confirm_url(service))

    with translation.override("en"):
        message = "Confirmed as still accurate; next review on " + date_format(
            months_after(today(), 6)
        )
    for copy in (service, english_service):
        entry = PageLogEntry.objects.get(page=copy, action=SERVICE_CONFIRMED)
        assert entry.user == editor
        assert entry.data["last_verified"] == today().isoformat()
        assert entry.content_changed is False
        history = client.get(reverse("wagtailadmin_pages:history", args=[copy.pk]))
        assert message in history.content.decode()


def test_editor_of_another_organisation_is_refused(service, editors):
    """Someone who may not edit the service gets 403, and nothing is recorded."""
    others = ensure_organisation_editors(make_organisation(title="Οργάνωση Β"))
    outsider = make_user("outsider", others)
    client = logged_in(outsider)
    before = review_dates_of(service)

    assert client.get(confirm_url(service)).status_code == 403
    assert client.post(confirm_url(service)).status_code == 403

    assert review_dates_of(service) == before
    assert not PageLogEntry.objects.filter(action=SERVICE_CONFIRMED).exists()


def test_translator_may_not_confirm_through_their_locale_copy(service, english_service):
    """Permission to edit the English copy alone is not enough: confirming dates every locale."""
    english_tree = Group.objects.create(name="Editors of the English copy only")
    english_tree.permissions.add(permission("wagtailadmin", "access_admin"))
    GroupPagePermission.objects.create(
        group=english_tree,
        page=english_service.get_parent(),
        permission=permission("wagtailcore", "change_page"),
    )
    translator = make_user("translator", english_tree)
    client = logged_in(translator)
    assert (
        client.get(reverse("wagtailadmin_pages:edit", args=[english_service.pk])).status_code == 200
    )

    response = client.post(confirm_url(english_service))

    assert response.status_code == 403
    assert review_dates_of(english_service)[0] == a_year_ago()


def test_confirm_button_is_in_the_service_edit_view_header(service, editor):
    """The edit view's "…" menu posts to the confirm view with Wagtail's w-action controller."""
    response = logged_in(editor).get(reverse("wagtailadmin_pages:edit", args=[service.pk]))

    html = response.content.decode()
    assert f'data-w-action-url-value="{confirm_url(service)}"' in html
    assert 'data-action="w-action#post"' in html


# --- Confirmation survives later publishing -------------------------------------------------


def test_publishing_a_draft_saved_before_the_confirmation_keeps_it(service, editor):
    """A draft from before the confirmation, published later, keeps the new dates."""
    draft = ServicePage.objects.get(pk=service.pk)
    draft.summary = "Νέα περιγραφή."
    draft.save_revision(user=editor)

    confirm_service(service, editor)
    ServicePage.objects.get(pk=service.pk).get_latest_revision().publish()

    published = ServicePage.objects.get(pk=service.pk)
    assert published.summary == "Νέα περιγραφή."
    assert (published.last_verified, published.next_review) == expected_confirmation()


def test_syncing_a_translation_after_the_confirmation_keeps_it(service, english_service, editor):
    """Saving a translation copies synchronised fields from the source snapshot: the new dates."""
    source, _created = TranslationSource.get_or_create_from_instance(service)

    confirm_service(service, editor)
    source.refresh_from_db()
    source.create_or_update_translation(english(), publish=False, fallback=True)

    assert review_dates_of(english_service) == expected_confirmation()


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_go_to_the_organisations_editors_in_their_language(service, editors, coordinator):
    """Each active editor with an e-mail gets their own reminder, in their interface language.

    Coordinators, inactive users, users without an e-mail address and another
    organisation's editors get nothing.
    """
    english_editor = make_user("english-editor", editors, language="en")
    greek_editor = make_user("greek-editor", editors)
    make_user("former-editor", editors, is_active=False)
    make_user("no-email-editor", editors, email="")
    other_organisation = make_organisation(title="Οργάνωση Β")
    make_service(other_organisation, title="Φρέσκια υπηρεσία")
    make_user("other-editor", ensure_organisation_editors(other_organisation))

    call_command("send_review_reminders", stdout=StringIO())

    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {(english_editor.email,), (greek_editor.email,)}
    due = service.next_review
    with translation.override("en"):
        in_english = date_format(due)
    with translation.override("el"):
        in_greek = date_format(due)
    assert in_english != in_greek
    english_body = by_recipient[(english_editor.email,)].body
    greek_body = by_recipient[(greek_editor.email,)].body
    assert "Ιατρείο Α" in english_body
    assert in_english in english_body
    assert in_greek in greek_body
    assert "http://testserver" + confirm_url(service) in english_body
    assert "Οργάνωση Α" in by_recipient[(english_editor.email,)].subject


def test_reminders_are_sent_once_per_period(service, editor, settings):
    """Running twice sends once; the next period, if still overdue, sends again."""
    settings.REVIEW_REMINDER_INTERVAL_DAYS = 7

    call_command("send_review_reminders", stdout=StringIO())
    call_command("send_review_reminders", stdout=StringIO())
    assert len(mail.outbox) == 1

    assert send_review_reminders(on=today() + datetime.timedelta(days=6)).sent == []
    assert len(send_review_reminders(on=today() + datetime.timedelta(days=7)).sent) == 1
    assert len(mail.outbox) == 2
    assert ReviewReminder.objects.filter(organisation=service.organisation).count() == 2


def test_organisation_with_nothing_overdue_gets_nothing(site_tree):
    """Confirmed or fresh services mean no e-mail and no reminder recorded."""
    organisation = make_organisation(title="Οργάνωση Γ")
    checked = make_service(organisation, title="Ελεγμένη", last_verified=a_year_ago())
    make_service(organisation, title="Φρέσκια")
    make_user("editor-c", ensure_organisation_editors(organisation))
    confirm_service(checked, None)

    run = send_review_reminders()

    assert run.sent == []
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()


def test_a_failed_send_is_retried_by_the_next_run(service, editor, monkeypatch):
    """The error reaches cron and the period is not used up."""

    def refuse(self, messages):
        raise smtplib.SMTPException("server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(smtplib.SMTPException):
        send_review_reminders()
    assert not ReviewReminder.objects.exists()

    monkeypatch.undo()
    assert len(send_review_reminders().sent) == 1


def test_organisation_without_editors_is_reported(service):
    """Overdue services nobody can be told about are named on stderr for the operator."""
    stderr = StringIO()

    call_command("send_review_reminders", stdout=StringIO(), stderr=stderr)

    assert "Οργάνωση Α" in stderr.getvalue()
    assert mail.outbox == []


# --- Dashboards and the overdue listing ---------------------------------------------------


def test_coordinator_dashboard_counts_overdue_services_per_organisation(service, coordinator):
    """Organisations with overdue services, with counts; fresh ones and translations don't count."""
    make_service(service.organisation, title="Ιατρείο Α2", last_verified=a_year_ago())
    other = make_organisation(title="Οργάνωση Β")
    make_service(other, title="Ιατρείο Β", last_verified=a_year_ago())
    make_service(make_organisation(title="Οργάνωση Γ"), title="Φρέσκια")

    response = logged_in(coordinator).get(reverse("wagtailadmin_home"))

    [panel] = [p for p in response.context["panels"] if isinstance(p, OverdueReviewsPanel)]
    context = panel.get_context_data({"request": response.wsgi_request})
    counts = {row["organisation"].pk: row["count"] for row in context["rows"]}
    assert counts == {service.organisation.pk: 2, other.pk: 1}
    assert "Overdue service reviews" in response.content.decode()
    assert context["listing_url"] == overdue_listing_url(today())


def test_overdue_listing_lists_only_overdue_source_services(service, coordinator):
    """The dashboard's link opens Directory > Services with just the overdue services."""
    make_service(service.organisation, title="Φρέσκια υπηρεσία")

    response = logged_in(coordinator).get(overdue_listing_url(today()))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ιατρείο Α" in html
    assert "Φρέσκια υπηρεσία" not in html
    assert "Clinic A" not in html


def test_editor_dashboard_lists_their_overdue_services_with_a_confirm_form(service, editor):
    """Editors see their own overdue services, each with a confirm button, not the overview."""
    other = make_organisation(title="Οργάνωση Β")
    someone_elses = make_service(other, title="Ιατρείο Β", last_verified=a_year_ago())

    response = logged_in(editor).get(reverse("wagtailadmin_home"))

    html = response.content.decode()
    assert f'action="{confirm_url(service)}"' in html
    assert confirm_url(someone_elses) not in html
    assert not any(isinstance(p, OverdueReviewsPanel) for p in response.context["panels"])
