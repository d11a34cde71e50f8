"""The e-mails an applicant's contact persons receive, in the application's language.

Each e-mail is a set of templates under `templates/onboarding/emails/`: `<name>_subject.txt`,
`<name>.txt` and, optionally, `<name>.html`.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

TEMPLATE_DIR = "onboarding/emails"
SECONDS_PER_DAY = 24 * 60 * 60


def admin_url(path):
    """An absolute admin address, for links in e-mails."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def set_password_url(user):
    """Wagtail's password reset confirmation, as a one-time link: the token embeds the
    user's current password hash, so it stops working once a password is set."""
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return admin_url(path)


def compose(name, *, to, language, context, template_dir=TEMPLATE_DIR):
    """The e-mail `name` (templates in `template_dir`), rendered in `language`."""
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    with translation.override(language):
        subject = render_to_string(f"{template_dir}/{name}_subject.txt", context)
        body = render_to_string(f"{template_dir}/{name}.txt", context)
        try:
            html = render_to_string(f"{template_dir}/{name}.html", context)
        except TemplateDoesNotExist:
            html = None
    # A header cannot hold line breaks.
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message


def invitation(user, contact, registration, organisation):
    """Invites a contact person to edit their organisation's page.

    A user who has no password yet gets a one-time link to set one; one who already has
    a password (an editor of another organisation, say) is told to log in as usual.
    """
    needs_password = not user.has_usable_password()
    return compose(
        "invitation",
        to=[contact.email],
        language=registration.language,
        context={
            "contact": contact,
            "registration": registration,
            "organisation": organisation,
            "username": user.get_username(),
            "set_password_url": set_password_url(user) if needs_password else "",
            "link_valid_days": settings.PASSWORD_RESET_TIMEOUT // SECONDS_PER_DAY,
            "login_url": admin_url(reverse("wagtailadmin_login")),
            "edit_url": admin_url(reverse("wagtailadmin_pages:edit", args=[organisation.pk])),
        },
    )


def rejection(registration):
    """Tells an application's contact persons that it was rejected, and why."""
    return compose(
        "rejection",
        to=[contact.email for contact in registration.contacts.all()],
        language=registration.language,
        context={"registration": registration},
    )
