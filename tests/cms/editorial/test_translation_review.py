"""A translator's work goes live only once a coordinator approves it.

A coordinator starts a synced translation with wagtail-localize's "Translate this page";
the Arabic translator translates its strings in wagtail-localize's editor. Publishing is
refused them by every route; "Submit translation for review" saves their translation as
a draft (the live page untouched) and submits it to the moderation workflow, and the
coordinator's approval publishes it.
"""

from urllib.parse import urlencode

import pytest
from django.contrib.messages import constants, get_messages
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail_localize.models import StringSegment

from cms.editorial.moderation_hooks import SUBMIT_TRANSLATION_URL_NAME
from cms.editorial.roles import ensure_coordinators, ensure_translators
from cms.editorial.workflows import install_moderation, synced_translation
from tests.factories import make_open_call, make_organisation

from .backoffice import (
    assert_refused,
    edit_url,
    locale,
    logged_in,
    member,
    translated_tree,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

GREEK_TITLE = "Ζητούνται εθελοντές"
ARABIC_TITLE = "مطلوب متطوعون"


@pytest.fixture
def coordinator(site_tree):
    install_moderation()
    return member("coordinator", ensure_coordinators())


@pytest.fixture
def translator(coordinator):
    return member("translator", ensure_translators(locale("ar")))


def translate_this_page(client, page, language_code):
    """A coordinator's "Translate this page" into one locale (wagtail-localize's view)."""
    url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    response = client.post(url, {"locales": [locale(language_code).pk]})
    assert response.status_code == 302, response


@pytest.fixture
def arabic_call(coordinator, django_capture_on_commit_callbacks):
    """The Arabic synced translation of a live open call, as wagtail-localize leaves it
    when a coordinator starts it (a draft, with the Greek text standing in)."""
    translated_tree("ar")
    organisation = make_organisation(title="Οργάνωση Α")
    call = make_open_call(organisation, title=GREEK_TITLE)
    client = logged_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        translate_this_page(client, organisation, "ar")
        translate_this_page(client, call, "ar")
    return call.get_translation(locale("ar")).specific


def translate_title(client, page, text):
    """The translator types the title's translation in wagtail-localize's editor."""
    translation = synced_translation(page)
    segment = StringSegment.objects.get(source=translation.source, context__path="title")
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    return client.put(
        url, urlencode({"value": text}), content_type="application/x-www-form-urlencoded"
    )


def submit_for_review(client, page):
    return client.post(reverse(SUBMIT_TRANSLATION_URL_NAME, args=[page.pk]))


def public_state(page):
    """What the API serves of the page: its row's title and its published revision."""
    return Page.objects.filter(pk=page.pk).values_list("title", "live", "live_revision_id").get()


def test_a_translation_goes_live_only_through_a_coordinators_approval(
    arabic_call, translator, coordinator
):
    """The translator cannot publish their translation by wagtail-localize's Publish,
    Wagtail's Publish or the bulk Publish; submitting it for review changes nothing live
    and tells the coordinators; the translator cannot approve it; a coordinator's approval
    publishes it."""
    as_translator = logged_in(translator)
    published = public_state(arabic_call)
    assert translate_title(as_translator, arabic_call, ARABIC_TITLE).status_code in {200, 201}

    localize_publish = as_translator.post(edit_url(arabic_call), {"action": "publish"})
    assert_refused(localize_publish, translator)
    as_translator.post(edit_url(arabic_call), {"action-publish": "action-publish"})
    bulk_publish = (
        reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
        + f"?id={arabic_call.pk}"
    )
    as_translator.post(bulk_publish, {"include_descendants": ""})
    assert public_state(arabic_call) == published

    response = submit_for_review(as_translator, arabic_call)

    assert response.status_code == 302
    assert public_state(arabic_call) == published
    submitted = Page.objects.get(pk=arabic_call.pk).specific
    assert submitted.get_latest_revision_as_object().title == ARABIC_TITLE
    assert submitted.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert_refused(
        as_translator.post(workflow_action_url(submitted, "approve"), {"comment": ""}), translator
    )

    logged_in(coordinator).post(workflow_action_url(submitted, "approve"), {"comment": ""})

    assert public_state(arabic_call)[:2] == (ARABIC_TITLE, True)


def test_only_people_who_may_edit_a_translation_submit_it(arabic_call, coordinator):
    """Anonymous visitors and translators of another locale are refused; a page that is
    not a synced translation (the Greek source) is not submitted, and the reason shown."""
    english_translator = member("english-translator", ensure_translators(locale("en")))
    greek_call = arabic_call.get_translation(locale("el"))

    assert_refused(submit_for_review(logged_in(None), arabic_call), None)
    assert_refused(
        submit_for_review(logged_in(english_translator), arabic_call), english_translator
    )
    response = submit_for_review(logged_in(coordinator), greek_call)

    assert [m.level for m in get_messages(response.wsgi_request)] == [constants.ERROR]
    assert WorkflowState.objects.exists() is False


def test_submitting_again_restarts_ones_own_review_only(arabic_call, translator):
    """Resubmitting while one's own submission awaits review restarts the review on the new
    draft; a colleague cannot take over a review someone else asked for."""
    colleague = member("colleague", ensure_translators(locale("ar")))
    submit_for_review(logged_in(translator), arabic_call)
    first = Page.objects.get(pk=arabic_call.pk).specific.current_workflow_state

    translate_title(logged_in(translator), arabic_call, ARABIC_TITLE)
    submit_for_review(logged_in(translator), arabic_call)
    second = Page.objects.get(pk=arabic_call.pk).specific.current_workflow_state

    submit_for_review(logged_in(colleague), arabic_call)
    third = Page.objects.get(pk=arabic_call.pk).specific.current_workflow_state

    first.refresh_from_db()
    assert first.status == WorkflowState.STATUS_CANCELLED
    assert second.status == WorkflowState.STATUS_IN_PROGRESS
    assert second.requested_by == translator
    assert third == second


def test_resubmitting_after_changes_were_requested_resumes_the_review(
    arabic_call, translator, coordinator
):
    """After a coordinator requests changes, the translator's next submission resumes the
    same review, on the new draft."""
    submit_for_review(logged_in(translator), arabic_call)
    page = Page.objects.get(pk=arabic_call.pk).specific
    logged_in(coordinator).post(workflow_action_url(page, "reject"), {"comment": "Τίτλος;"})

    translate_title(logged_in(translator), arabic_call, ARABIC_TITLE)
    submit_for_review(logged_in(translator), arabic_call)

    page = Page.objects.get(pk=arabic_call.pk).specific
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.revision.as_object().title == ARABIC_TITLE
    assert WorkflowState.objects.filter(object_id=str(page.pk)).count() == 1


def test_the_submit_button_is_offered_to_those_who_cannot_publish(
    arabic_call, translator, coordinator
):
    """The translator finds "Submit translation for review" in the page listing; the
    coordinator, who publishes directly, does not."""
    listing_url = reverse("wagtailadmin_explore", args=[arabic_call.get_parent().pk])
    submit_url = reverse(SUBMIT_TRANSLATION_URL_NAME, args=[arabic_call.pk])

    translator_listing = logged_in(translator).get(listing_url).content.decode()
    coordinator_listing = logged_in(coordinator).get(listing_url).content.decode()

    assert submit_url in translator_listing
    assert submit_url not in coordinator_listing


def test_only_publishers_may_turn_a_translation_back_into_an_alias(
    arabic_call, translator, coordinator
):
    """Converting a translation back to an alias of the source changes the public page at
    once, so a translator is refused and nothing changes; a coordinator may do it."""
    url = reverse("wagtail_localize:convert_to_alias", args=[arabic_call.pk])
    before = public_state(arabic_call)

    assert_refused(logged_in(translator).post(url), translator)
    assert public_state(arabic_call) == before
    assert Page.objects.get(pk=arabic_call.pk).alias_of_id is None

    allowed = logged_in(coordinator).post(url)

    assert allowed.status_code == 302
    assert Page.objects.get(pk=arabic_call.pk).alias_of_id is not None
