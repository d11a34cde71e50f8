"""A coordinator's decision on an application: approve it or reject it (and, once it is
approved, invite its contact persons again).

Each decision is one transaction; its e-mails go out only once it is committed (an
invitation to an account that was rolled back would be a dead link). A failure to send
them is raised to the caller, after the decision itself has been kept.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.text import slugify
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.users.models import UserProfile

from cms.editorial.roles import ensure_organisation_editors
from pages.models import OrganisationContactPerson, OrganisationPage
from pages.site_tree import ensure_site_tree

from . import emails
from .models import OrganisationRegistration

APPROVE_ACTION = "onboarding.approve"
REJECT_ACTION = "onboarding.reject"
FALLBACK_SLUG = "organisation"
# Room for find_available_slug's "-2", "-3"... within a page slug's 255 characters.
MAX_BASE_SLUG_LENGTH = 240


class RegistrationAlreadyDecided(Exception):
    """The registration is no longer pending (someone else may have just decided it)."""


def approve_registration(registration, coordinator):
    """Create the organisation from an application and invite its contact persons.

    In one transaction: the organisation's Greek page, as a draft with a first revision
    (translators add the other languages later), its editors' group, and an editor
    account in that group for each contact person. Then each contact person is
    e-mailed an invitation. Returns the approved registration.
    """
    with transaction.atomic():
        registration = _pending_for_update(registration)
        contacts = list(registration.contacts.all())
        organisation = _create_organisation_page(registration, contacts, coordinator)
        editors = ensure_organisation_editors(organisation)
        invitations = []
        for contact in contacts:
            user = _editor_account(contact, registration.language)
            user.groups.add(editors)
            invitations.append(emails.invitation(user, contact, registration, organisation))
        _decide(registration, OrganisationRegistration.Status.APPROVED, coordinator)
        registration.organisation = organisation
        registration.save()
        log(instance=registration, action=APPROVE_ACTION, user=coordinator)
        transaction.on_commit(partial(_send, invitations))
    return registration


def reject_registration(registration, coordinator, reason):
    """Reject an application and tell its contact persons why. Returns the registration."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A rejection needs a reason.")
    with transaction.atomic():
        registration = _pending_for_update(registration)
        _decide(registration, OrganisationRegistration.Status.REJECTED, coordinator)
        registration.rejection_reason = reason
        registration.save()
        log(instance=registration, action=REJECT_ACTION, user=coordinator, data={"reason": reason})
        transaction.on_commit(partial(_send, [emails.rejection(registration)]))
    return registration


def resend_invitations(registration):
    """Invite again those contact persons of an approved registration who have not chosen a
    password yet (their link expired, or the e-mail was lost), each with a fresh link.
    Returns how many were invited."""
    if registration.status != OrganisationRegistration.Status.APPROVED:
        raise ValueError("Only an approved registration's contact persons are invited.")
    invitations = [
        emails.invitation(user, contact, registration, registration.organisation)
        for contact in registration.contacts.all()
        if (user := _existing_account(contact.email)) and not user.has_usable_password()
    ]
    _send(invitations)
    return len(invitations)


def _pending_for_update(registration):
    """The registration, locked until the transaction ends, if it is still pending."""
    locked = OrganisationRegistration.objects.select_for_update().get(pk=registration.pk)
    if not locked.is_pending:
        raise RegistrationAlreadyDecided(locked)
    return locked


def _decide(registration, status, coordinator):
    registration.status = status
    registration.decided_by = coordinator
    registration.decided_at = timezone.now()


def _create_organisation_page(registration, contacts, coordinator):
    index = ensure_site_tree().organisations
    base_slug = slugify(registration.name, allow_unicode=True)[:MAX_BASE_SLUG_LENGTH]
    page = OrganisationPage(
        title=registration.name,
        slug=find_available_slug(index, base_slug.strip("-") or FALLBACK_SLUG),
        organisation_type=registration.organisation_type,
        # The applicant wrote plain text: paragraphs and line breaks become rich text.
        description=linebreaks(registration.description, autoescape=True),
        website=registration.website,
        public_email=registration.public_email,
        public_phone=registration.public_phone,
        address=registration.address,
        live=False,
        owner=coordinator,
    )
    page.activity_fields = list(registration.service_categories.all())
    page.contact_persons = [
        OrganisationContactPerson(name=contact.name, email=contact.email, phone=contact.phone)
        for contact in contacts
    ]
    index.add_child(instance=page)
    # As Wagtail's own "add page" view does: a first revision, logged as a creation.
    page.save_revision(user=coordinator, log_action=False)
    log(instance=page, action="wagtail.create", user=coordinator, content_changed=True)
    return page


def _existing_account(email):
    """The oldest account whose user name or e-mail is `email`, whatever its case."""
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        .order_by("pk")
        .first()
    )


def _editor_account(contact, language):
    """The contact person's account: an existing one with their address, or a new one
    whose user name is their address and that has no password until they set one."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(contact.email)
    user = _existing_account(email)
    if user is not None:
        return user
    user = user_model(username=email, email=email, first_name=contact.name)
    user.set_unusable_password()
    user.save()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def _send(messages):
    with get_connection() as connection:
        connection.send_messages(messages)
