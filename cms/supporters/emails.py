"""The supporters network's e-mails, in each recipient's language where known.

Templates are under `templates/supporters/emails/` (`<name>_subject.txt`, `<name>.txt`),
rendered by the onboarding's `compose`.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.editorial.roles import find_organisation_editors
from cms.onboarding.emails import admin_url, compose

from .models import CONFIRMATION_DAYS
from .signup import confirmation_token

TEMPLATE_DIR = "supporters/emails"


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
        profile = getattr(editor, "wagtail_userprofile", None)
        language = (profile and profile.preferred_language) or settings.LANGUAGE_CODE
        messages.append(
            compose(
                "introduction_organisation",
                to=[editor.email],
                language=language,
                template_dir=TEMPLATE_DIR,
                context=context,
            )
        )
    return messages
