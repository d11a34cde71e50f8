"""The moderation workflow, where it applies, and submitting a translation for review.

One Wagtail workflow, "Moderation by ACCMR", with one task: a coordinator's approval
(approve, or request changes with a comment). It covers each locale's organisations
index, so every organisation's pages in every language, and each translated locale's
home page, so everything translators work on. Coordinators publish directly; everyone
else submits. Once installed, the workflow belongs to the coordinators: installing
again only adds what is missing.

wagtail-localize's translation editor replaces Wagtail's editor on synced translations
and has no "submit for moderation" action, so translators submit through
`submit_translation_for_review` (a button in the page listing and header).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import find_available_slug
from wagtail.locks import WorkflowLock
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowState, WorkflowTask
from wagtail_localize.fields import copy_synchronised_fields
from wagtail_localize.models import Translation
from wagtail_localize.segments.ingest import ingest_segments

from pages.models import HomePage, OrganisationIndexPage

from .roles import ensure_coordinators, translated_locales

MODERATION_WORKFLOW = "Moderation by ACCMR"
COORDINATOR_APPROVAL = "Approval by a coordinator"
# Wagtail's migrations assign this workflow to the root page, reviewed by its starter
# "Moderators" group: the whole tree would be moderated by a group nobody is in.
WAGTAIL_STARTER_WORKFLOW = "Moderators approval"


# --- Installing the workflow -------------------------------------------------------


def ensure_moderation_workflow():
    """The moderation workflow; created with its coordinators' approval task if missing."""
    workflow, created = Workflow.objects.get_or_create(name=MODERATION_WORKFLOW)
    if created:
        task = GroupApprovalTask.objects.filter(name=COORDINATOR_APPROVAL).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=COORDINATOR_APPROVAL)
            task.groups.add(ensure_coordinators())
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def moderated_pages():
    """The pages whose subtrees the workflow covers, in every locale."""
    return [
        *OrganisationIndexPage.objects.all(),
        *HomePage.objects.filter(locale__in=translated_locales()),
    ]


def assign_moderation(page):
    """Put `page`'s subtree under moderation, unless a coordinator gave it another workflow."""
    if not WorkflowPage.objects.filter(page=page).exists():
        WorkflowPage.objects.create(page=page, workflow=ensure_moderation_workflow())


def retire_wagtail_starter_workflow():
    """Deactivate Wagtail's starter workflow (which unassigns it), as long as it was never used.

    Pages outside `moderated_pages` (ACCMR's own Greek pages, which only coordinators
    edit) are then under no workflow. It stays listed, disabled, in the workflow admin.
    """
    for workflow in Workflow.objects.filter(name=WAGTAIL_STARTER_WORKFLOW, active=True):
        if not WorkflowState.objects.filter(workflow=workflow).exists():
            workflow.deactivate()


def install_moderation():
    """The workflow, assigned to every page `moderated_pages` lists.

    Returns the workflow and the pages whose subtrees it covers.
    """
    retire_wagtail_starter_workflow()
    workflow = ensure_moderation_workflow()
    pages = moderated_pages()
    for page in pages:
        assign_moderation(page)
    return workflow, pages


# --- Translators submit for review -----------------------------------------------


class SubmissionRefused(Exception):
    """The page cannot be submitted now; the message tells the person who tried why."""


def synced_translation(page):
    """The enabled wagtail-localize translation whose target is `page`, or None."""
    return (
        Translation.objects.filter(
            source__object_id=page.translation_key,
            target_locale_id=page.locale_id,
            enabled=True,
        )
        .select_related("source", "source__locale", "target_locale")
        .first()
    )


def save_translation_draft(translation, page, user):
    """Save the translation's current strings as a new draft revision of `page`.

    The live page is left exactly as it is. wagtail-localize's own
    `save_target(publish=False)` cannot be used for this: it writes the translated
    fields onto the page's row before saving the revision, and the row of a live page
    is what the API serves. So this does what `create_or_update_translation` does,
    minus that save (wagtail-localize 1.14.5; `_get_segments_for_translation` is
    internal, and tests/cms/editorial/test_translation_review.py guards it).
    Strings not translated yet fall back to the source text, as wagtail-localize's
    publish does.
    """
    source = translation.source
    original = source.as_instance()
    copy_synchronised_fields(original, page)
    segments = source._get_segments_for_translation(page.locale, fallback=True)
    ingest_segments(original, page, source.locale, page.locale, segments)
    page.slug = find_available_slug(page.get_parent(), slugify(page.slug), ignore_page_id=page.id)
    return page.save_revision(user=user, log_action=True)


def untranslated_string_count(translation):
    return (
        translation.source.stringsegment_set.annotate_translation(translation.target_locale)
        .filter(translation__isnull=True)
        .count()
    )


def _check_can_submit(page, user):
    if page.get_workflow() is None:
        raise SubmissionRefused(_("No moderation workflow covers this page: ask a coordinator."))
    lock = page.get_lock()
    if lock and not isinstance(lock, WorkflowLock) and lock.for_user(user):
        raise SubmissionRefused(lock.get_message(user))
    state = page.current_workflow_state
    if (
        state
        and state.status == WorkflowState.STATUS_IN_PROGRESS
        and not state.user_can_cancel(user)
    ):
        raise SubmissionRefused(_("This page is already awaiting review."))


@transaction.atomic
def submit_translation_for_review(page, user):
    """Save `page`'s synced translation as a draft and submit it to its moderation workflow.

    Resubmitting after a coordinator asked for changes resumes that review; submitting
    again while a review of one's own submission is under way restarts it on the new
    draft (so nothing unreviewed can ride on an earlier approval). The caller checks
    that `user` may edit `page`. Returns the translation; raises SubmissionRefused.
    """
    translation = synced_translation(page)
    if translation is None:
        raise SubmissionRefused(
            _("This page is not a synced translation: submit it from its edit view.")
        )
    _check_can_submit(page, user)
    state = page.current_workflow_state
    try:
        save_translation_draft(translation, page, user)
    except ValidationError as error:
        raise SubmissionRefused(" ".join(error.messages)) from error
    if state is None:
        page.get_workflow().start(page, user)
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        state.cancel(user=user)
        page.get_workflow().start(page, user)
    return translation
