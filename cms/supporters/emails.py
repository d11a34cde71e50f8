"""The supporters network's e-mails, in each recipient's language where known.

Templates are under `templates/supporters/emails/` (`<name>_subject.txt`, `<name>.txt`),
rendered by the onboarding's `compose`.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cms.editorial.roles import coordinators_group, find_organisation_editors
from cms.onboarding.emails import admin_url, compose

from .models import CONFIRMATION_DAYS, ReceivedSupportOffer
from .signup import confirmation_token

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "supporters/emails"
EMAIL_ERRORS = (smtplib.SMTPException, OSError)


def confirmation(supporter):
    """The double opt-in link, to the address the sign-up gave."""
    path = reverse("api-v1:confirm_supporter", args=[confirmation_token(supporter)])
    return compose(
        "confirmation",
        to=[supporter.email],
        language=supporter.language,
        template_dir=TEMPLATE_DIR,
        context={
            "supporter": supporter,
            "confirm_url": admin_url(path),
            "valid_days": CONFIRMATION_DAYS,
        },
    )


def organisation_editors(organisation):
    """The active editors of `organisation` who have an e-mail address."""
    group = find_organisation_editors(organisation)
    if group is None:
        return get_user_model().objects.none()
    return group.user_set.filter(is_active=True).exclude(email="")


def _admin_language(user):
    profile = getattr(user, "wagtail_userprofile", None)
    return (profile and profile.preferred_language) or settings.LANGUAGE_CODE


def introductions(match):
    """The introduction: one e-mail to the supporter (in their language) and one to each
    of the organisation's editors (in their admin language, else Greek)."""
    need = match.need
    context = {"match": match, "need": need, "supporter": match.supporter}
    messages = [
        compose(
            "introduction_supporter",
            to=[match.supporter.email],
            language=match.supporter.language,
            template_dir=TEMPLATE_DIR,
            context=context,
        )
    ]
    for editor in organisation_editors(need.organisation).select_related("wagtail_userprofile"):
        messages.append(
            compose(
                "introduction_organisation",
                to=[editor.email],
                language=_admin_language(editor),
                template_dir=TEMPLATE_DIR,
                context=context,
            )
        )
    return messages


def _offer_recipients(offer):
    """The organisation's editors and the coordinators, once each (by address)."""
    coordinators = coordinators_group().user_set.filter(is_active=True).exclude(email="")
    recipients = {}
    for users in (organisation_editors(offer.organisation), coordinators):
        for user in users.select_related("wagtail_userprofile").order_by("pk"):
            recipients.setdefault(user.email.lower(), user)
    return list(recipients.values())


def received_offer(offer):
    """One e-mail per recipient, in their admin language: which page got an offer of which
    kind, and where to read it. The supporter's details stay in the admin, behind its
    permissions and audit log."""
    from .modeladmin import received_offers_admin  # the admin imports this module

    context = {
        "offer": offer,
        "target": offer.target,
        "support_types": list(offer.support_types.order_by("synathina_id")),
        "offer_url": admin_url(
            received_offers_admin.url_helper.get_action_url("inspect", quote(offer.pk))
        ),
    }
    return [
        compose(
            "received_offer",
            to=[user.email],
            language=_admin_language(user),
            template_dir=TEMPLATE_DIR,
            context=context,
        )
        for user in _offer_recipients(offer)
    ]


def send_received_offer_notifications(offer_id):
    """E-mail a stored offer's recipients (run after the commit). A mail server's failure
    is logged and leaves `notified_at` empty: the offer itself is already stored, and the
    admin lists it either way."""
    offer = ReceivedSupportOffer.objects.select_related("organisation", "action", "service").get(
        pk=offer_id
    )
    try:
        for message in received_offer(offer):
            message.send()
    except EMAIL_ERRORS:
        logger.exception("E-mails about the offer of support %s could not be sent", offer_id)
        return
    ReceivedSupportOffer.objects.filter(pk=offer_id).update(notified_at=timezone.now())
