"""Admin pages: the coordinators' synAthina status, and one action's sync status for its
editors (linked from the page editor's header)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pages.models import ActionPage, OrganisationPage

from .delivery import due
from .models import ImportedAction, Notification, PullRun, SharedAction
from .sharing import shareable_actions, source_action_id

RECENT_ERRORS = 10
STATUS_PERMISSION = "synathina.view_notification"


def can_see_status(user):
    return user.has_perm(STATUS_PERMISSION)


def status(request):
    """Outbox backlog, dead letters, recent errors, last delivery; the last pull of
    synAthina's actions, its counts and problems, and recent failed pulls."""
    if not can_see_status(request.user):
        raise PermissionDenied
    outbox = Notification.objects.all()
    counts = dict(outbox.values_list("status").annotate(count=Count("id")).order_by())
    pending = outbox.filter(status=Notification.Status.PENDING)
    context = {
        "enabled": settings.SYNATHINA_ENABLED,
        "webhook_url": settings.SYNATHINA_WEBHOOK_URL,
        "pending": counts.get(Notification.Status.PENDING, 0),
        "due": due().count(),
        "dead": counts.get(Notification.Status.DEAD, 0),
        "delivered": counts.get(Notification.Status.DELIVERED, 0),
        "oldest_pending": pending.aggregate(oldest=Min("created_at"))["oldest"],
        "last_delivery": outbox.aggregate(last=Max("delivered_at"))["last"],
        "shared_actions": SharedAction.objects.filter(shared=True).count(),
        "recent_errors": outbox.exclude(last_error="").order_by("-last_attempt_at")[:RECENT_ERRORS],
        "now": timezone.now(),
        "last_pull": PullRun.objects.first(),
        "last_successful_pull": PullRun.objects.filter(outcome=PullRun.Outcome.OK).first(),
        "failed_pulls": PullRun.objects.filter(outcome=PullRun.Outcome.FAILED)[:RECENT_ERRORS],
        "partner_actions": ImportedAction.objects.filter(in_feed=True).count(),
    }
    return TemplateResponse(request, "synathina/admin/status.html", context)


def sharing_state(page):
    """Whether the action is shared, and if not, why not (in the editor's words)."""
    if page.source != ActionPage.Source.ACCMR:
        return False, _("Imported from synAthina: it is not shared back.")
    action_id = source_action_id(page)
    source = ActionPage.objects.filter(pk=action_id).first() if action_id else None
    if source is None:
        return False, _("The Greek page of this action is missing.")
    if shareable_actions().filter(pk=action_id).exists():
        return True, _("Shared on synAthina.")
    if not source.live:
        return False, _("Not shared: the action is not published.")
    if not source.share_on_synathina:
        return False, _("Not shared: the organisation has not agreed to share it.")
    if not OrganisationPage.objects.parent_of(source).live().exists():
        return False, _("Not shared: the organisation is not approved (not published).")
    return False, _("Not shared: the action is not public.")


def action_status(request, page_id):
    """One action's sync status, for whoever may edit it."""
    page = get_object_or_404(ActionPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    shared, explanation = sharing_state(page)
    action_id = source_action_id(page)
    notifications = Notification.objects.filter(action_id=action_id)[:RECENT_ERRORS]
    return TemplateResponse(
        request,
        "synathina/admin/action_status.html",
        {
            "page": page,
            "shared": shared,
            "explanation": explanation,
            "notifications": notifications,
            "enabled": settings.SYNATHINA_ENABLED,
        },
    )
