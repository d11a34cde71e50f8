"""Admin hooks for roles, moderation and translation review.

Translators (and organisation editors working on a translation of their organisation)
cannot publish; wagtail-localize's editor offers them no way to submit either. This
adds a "Submit translation for review" action to synced translations: in the page
listing's "More" menu and the page header's menu, for people who may edit the page
but not publish it.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Page
from wagtail_localize.views import convert as wagtail_localize_convert

from . import workflows
from .buttons import one_click_post_button

SUBMIT_TRANSLATION_URL_NAME = "editorial_submit_translation_for_review"
SUBMIT_TRANSLATION_LABEL = _("Submit translation for review")


@require_POST
def submit_translation_for_review(request, page_id):
    """Save the page's synced translation as a draft and submit it for moderation."""
    page = get_object_or_404(Page, id=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    try:
        translation = workflows.submit_translation_for_review(page, request.user)
    except workflows.SubmissionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The translation “%(title)s” has been submitted for review.")
            % {"title": page.get_admin_display_title()},
        )
        if workflows.untranslated_string_count(translation):
            messages.warning(
                request,
                _("Some of its text is not translated yet: the source text stands in for it."),
            )
    next_url = get_valid_next_url_from_request(request)
    return redirect(next_url or reverse("wagtailadmin_explore", args=[page.get_parent().id]))


def convert_to_alias_if_publisher(request, page_id):
    """wagtail-localize's "convert back to alias", for those who may publish only.

    Converting replaces a translation, live at once, with the source's content: it lets
    anyone who may edit the translation change the public page without review.
    """
    page = get_object_or_404(Page, id=page_id)
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return wagtail_localize_convert.convert_to_alias(request, page_id)


@hooks.register("register_admin_urls")
def register_translation_review_urls():
    return [
        path(
            "editorial/translations/<int:page_id>/submit-for-review/",
            submit_translation_for_review,
            name=SUBMIT_TRANSLATION_URL_NAME,
        ),
        # Same address as wagtail-localize's view: this app's hooks load first, so this wins.
        path(
            "localize/page/<int:page_id>/convert_to_alias/",
            convert_to_alias_if_publisher,
            name="editorial_convert_to_alias",
        ),
    ]


def submit_translation_button(page, user, priority):
    """A one-click POST to the submit view, or None where it does not apply.

    Wagtail's `w-action` controller posts with the CSRF token and the current address
    as `next`. Whoever may publish the page publishes it instead.
    """
    permissions = page.permissions_for_user(user)
    if permissions.can_publish() or not permissions.can_edit():
        return None
    if workflows.synced_translation(page) is None:
        return None
    url = reverse(SUBMIT_TRANSLATION_URL_NAME, args=[page.pk])
    return one_click_post_button(
        SUBMIT_TRANSLATION_LABEL, url, icon_name="resubmit", priority=priority
    )


@hooks.register("register_page_header_buttons")
def submit_translation_in_page_header(page, user, view_name, next_url=None):
    if button := submit_translation_button(page, user, priority=14):
        yield button


@hooks.register("register_page_listing_more_buttons")
def submit_translation_in_page_listing(page, user, next_url=None):
    if button := submit_translation_button(page, user, priority=14):
        yield button
