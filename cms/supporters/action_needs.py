"""Needs on actions: one per support type a live Greek action requests.

An action's support requests (`ActionSupportRequest`) are the source; this keeps a
`Need` row per (action, support type) so that the API, the matching screen and matches
treat every need alike. Rows are never deleted while they have matches: an action that
drops a type or goes offline turns its needs into drafts (not live), keeping the history.
"""

from django.conf import settings
from django.db import transaction

from pages.models import ActionPage

from .models import Need


def _is_source(page):
    return page.locale.language_code == settings.LANGUAGE_CODE


@transaction.atomic
def sync_action_needs(action):
    """Make the action's needs match its live support requests."""
    action = ActionPage.objects.select_related("locale").get(pk=action.pk)
    if not _is_source(action):
        return
    organisation = action.get_parent().specific
    requested = {}
    if action.live:
        for request in action.support_requests.all():
            requested.setdefault(request.support_type_id, request.message)
    existing = {need.support_type_id: need for need in Need.objects.filter(action=action)}
    for support_type_id, message in requested.items():
        need = existing.pop(support_type_id, None) or Need(
            action=action, support_type_id=support_type_id
        )
        need.organisation = organisation
        need.description = message or action.short_description
        need.live = True
        need.save()
    for need in existing.values():
        if need.matches.exists():
            need.live = False
            need.save(update_fields=["live"])
        else:
            need.delete()
