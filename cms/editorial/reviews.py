"""Keeping services current: confirming they are still accurate, overdue reviews, reminders.

A service's `last_verified` and `next_review` are not text, so wagtail-localize
synchronises them across the service's locale copies: everything here reads the
source-locale (Greek) copy and writes to every copy.
"""

import datetime
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, Locale, Page, Revision
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail_localize.models import TranslationSource

from pages.models import OrganisationPage, ServicePage
from pages.models.services import REVIEW_INTERVAL_MONTHS, months_after

from .models import ReviewReminder

SERVICE_CONFIRMED = "accmr.service_confirmed"
CONFIRM_URL_NAME = "editorial_confirm_service"
OVERDUE_LISTING_URL_NAME = "services:index"
REMINDER_SUBJECT_TEMPLATE = "editorial/reviews/reminder_subject.txt"
REMINDER_BODY_TEMPLATE = "editorial/reviews/reminder_body.txt"


def review_dates(verified_on):
    """The review dates a check on `verified_on` gives a service."""
    return {
        "last_verified": verified_on,
        "next_review": months_after(verified_on, REVIEW_INTERVAL_MONTHS),
    }


# --- Confirming a service ---------------------------------------------------------------


def source_copy(page):
    """The copy of `page` in the source locale, which owns the synchronised fields."""
    return page.get_translation_or_none(Locale.get_default()) or page


def can_confirm(page, user):
    """Whoever may edit the service in the source locale may confirm it.

    Translators, who may edit only another locale's copy, may not: confirming
    changes the dates of every copy.
    """
    return source_copy(page).permissions_for_user(user).can_edit()


@transaction.atomic
def confirm_service(page, user, *, on=None):
    """Record that `user` checked the service `page` (any locale copy) is still accurate.

    Sets `last_verified` to `on` (default: today in Athens) and `next_review` six
    months later on every locale copy, without a new revision, a workflow or any
    change to the page's live state, and logs `SERVICE_CONFIRMED` on each copy.
    Returns the new dates.
    """
    dates = review_dates(on or timezone.localdate())
    stored = {name: value.isoformat() for name, value in dates.items()}
    copies = list(ServicePage.objects.filter(translation_key=page.translation_key))
    ServicePage.objects.filter(pk__in=[copy.pk for copy in copies]).update(**dates)
    _store_in_publishable_revisions(copies, stored)
    _store_in_translation_sources(page.translation_key, stored)
    for copy in copies:
        # One uuid per copy: page history shows one entry per uuid and action across all
        # pages, so entries sharing the request's uuid would hide each other.
        log(instance=copy, action=SERVICE_CONFIRMED, user=user, data=stored, uuid=uuid.uuid4())
    return dates


def _store_in_publishable_revisions(copies, stored):
    """Write the dates into each revision that could still be published.

    Publishing restores a revision's content: without this, approving or
    publishing a draft saved before the confirmation would put the old dates back.
    Those are the latest revision (drafts and moderation work on it), the live one
    and any scheduled for publishing; reverting to an older one is a deliberate act.
    """
    revision_ids = {
        revision_id
        for copy in copies
        for revision_id in (copy.latest_revision_id, copy.live_revision_id)
        if revision_id
    }
    scheduled = Q(
        object_id__in=[str(copy.pk) for copy in copies], approved_go_live_at__isnull=False
    )
    for revision in Revision.page_revisions.filter(Q(pk__in=revision_ids) | scheduled):
        revision.content.update(stored)
        revision.save(update_fields=["content"])


def _store_in_translation_sources(translation_key, stored):
    """Write the dates into wagtail-localize's snapshot of the source page.

    Saving a translation copies synchronised fields from that snapshot, which
    would otherwise put the dates it was taken with back on the translated copy.
    """
    for source in TranslationSource.objects.filter(object_id=translation_key):
        content = json.loads(source.content_json)
        content.update(stored)
        source.content_json = json.dumps(content, cls=DjangoJSONEncoder)
        source.save(update_fields=["content_json"])


# --- Overdue services -------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueOrganisation:
    """An organisation and its overdue services, the longest overdue first."""

    organisation: OrganisationPage
    services: list


def overdue_services(on=None):
    """Live services whose review date is before `on` (default: today), each counted once.

    Review dates are the same in every locale, so only source-locale copies are returned.
    """
    return ServicePage.objects.live().filter(
        locale=Locale.get_default(), next_review__lt=on or timezone.localdate()
    )


def overdue_by_organisation(on=None):
    """The organisations with overdue services on `on`, by title, in two queries."""
    services_by_parent_path = defaultdict(list)
    for service in overdue_services(on).order_by("next_review", "title"):
        services_by_parent_path[service.path[: -Page.steplen]].append(service)
    organisations = OrganisationPage.objects.filter(path__in=services_by_parent_path)
    return [
        OverdueOrganisation(organisation, services_by_parent_path[organisation.path])
        for organisation in organisations.order_by("title")
    ]


def overdue_services_for_editor(user, on=None):
    """The overdue services `user` may edit, the longest overdue first."""
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return overdue_services(on).filter(pk__in=editable.values("pk")).order_by("next_review")


def overdue_listing_url(on=None):
    """The Directory > Services listing filtered to the services `overdue_services` counts."""
    query = {
        "locale": Locale.get_default().language_code,
        "live": "true",
        "next_review__lt": (on or timezone.localdate()).isoformat(),
        "ordering": "next_review",
    }
    return f"{reverse(OVERDUE_LISTING_URL_NAME)}?{urlencode(query)}"


def last_reminded(organisations):
    """When each of `organisations` was last reminded, by organisation id."""
    return dict(
        ReviewReminder.objects.filter(organisation__in=organisations)
        .values("organisation")
        .annotate(last=Max("sent_at"))
        .values_list("organisation", "last")
    )


# --- Reminders --------------------------------------------------------------------------


@dataclass
class ReminderRun:
    """What `send_review_reminders` did."""

    sent: list = field(default_factory=list)
    organisations_without_editors: list = field(default_factory=list)


def organisation_editors(organisation):
    """The active users with an e-mail address in the groups that edit `organisation`.

    Those groups hold the edit permission on the organisation page itself;
    coordinators, whose permissions sit higher in the tree, are not among them.
    """
    editing_groups = GroupPagePermission.objects.filter(
        page=organisation, permission__codename="change_page"
    ).values("group")
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__in=editing_groups)
        .exclude(email="")
        .select_related("wagtail_userprofile")
        .distinct()
        .order_by("pk")
    )


def interface_language(user):
    """The admin language `user` chose in their account, else the platform's."""
    profile = getattr(user, "wagtail_userprofile", None)
    return (profile and profile.preferred_language) or settings.LANGUAGE_CODE


def send_review_reminders(on=None):
    """E-mail each organisation's editors about its overdue services, once per period.

    An organisation reminded less than `REVIEW_REMINDER_INTERVAL_DAYS` days before
    `on` (default: today) is skipped, so running this often is harmless. If sending
    fails, that organisation's period is released (the next run retries it) and
    the error propagates.
    """
    on = on or timezone.localdate()
    period_cutoff = on - datetime.timedelta(days=settings.REVIEW_REMINDER_INTERVAL_DAYS)
    reminded_this_period = set(
        ReviewReminder.objects.filter(period_start__gt=period_cutoff).values_list(
            "organisation", flat=True
        )
    )
    run = ReminderRun()
    for overdue in overdue_by_organisation(on):
        if overdue.organisation.pk in reminded_this_period:
            continue
        editors = list(organisation_editors(overdue.organisation))
        if not editors:
            run.organisations_without_editors.append(overdue.organisation)
            continue
        reminder = _claim_period(overdue, editors, on)
        if reminder is None:
            continue
        try:
            get_connection().send_messages(_reminders(overdue, editors))
        except Exception:
            reminder.delete()
            raise
        run.sent.append(reminder)
    return run


def _claim_period(overdue, editors, on):
    """Record the reminder before sending it; None if a concurrent run already did."""
    try:
        with transaction.atomic():
            return ReviewReminder.objects.create(
                organisation=overdue.organisation,
                period_start=on,
                overdue_services=len(overdue.services),
                recipients=len(editors),
            )
    except IntegrityError:
        return None


def _admin_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _reminders(overdue, editors):
    """One reminder e-mail per editor, each in the editor's interface language."""
    services = [
        {
            "title": service.get_admin_display_title(),
            "next_review": service.next_review,
            "edit_url": _admin_url(reverse("wagtailadmin_pages:edit", args=[service.pk])),
            "confirm_url": _admin_url(reverse(CONFIRM_URL_NAME, args=[service.pk])),
        }
        for service in overdue.services
    ]
    context = {
        "organisation": overdue.organisation.get_admin_display_title(),
        "services": services,
        "count": len(services),
        "dashboard_url": _admin_url(reverse("wagtailadmin_home")),
    }
    messages = []
    for editor in editors:
        with translation.override(interface_language(editor)):
            editor_context = {**context, "editor": editor}
            # A subject is one line, whatever the template's line breaks.
            subject = render_to_string(REMINDER_SUBJECT_TEMPLATE, editor_context)
            body = render_to_string(REMINDER_BODY_TEMPLATE, editor_context)
        messages.append(EmailMessage(" ".join(subject.split()), body, to=[editor.email]))
    return messages
