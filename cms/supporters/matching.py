"""Suggesting supporters for a need, and moving a match through its statuses.

A supporter's score for a need (higher first; supporters offering nothing related to
the need's support type are not suggested):

- support type: the very type 6; a related type (its parent, or one of its children) 3;
- district: one of the need's districts 1.5; no districts given (anywhere) 0.5;
- availability: regularly 1, from time to time 0.5, once 0;
- introduced to any need within the last `RECENT_CONTACT_DAYS` days: minus 1.5.

So the support type outweighs the rest: unless introduced recently, a supporter of the
very type ranks above one of a related type, wherever and whenever they can help.
Siblings (books for a need of clothes) are not related: both are material, but one
does not stand in for the other. Only confirmed supporters who agree to be
contacted, and who are not matched with the need already, are suggested.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .emails import introductions
from .models import (
    RECENT_CONTACT_DAYS,
    Match,
    MatchEvent,
    PersonalDataAccess,
    Supporter,
    SupportOffer,
    log_access,
)

SAME_TYPE = 6
RELATED_TYPE = 3
SAME_DISTRICT = 1.5
ANY_DISTRICT = 0.5
AVAILABILITY = {
    Supporter.Availability.REGULAR: 1,
    Supporter.Availability.OCCASIONAL: 0.5,
    Supporter.Availability.ONCE: 0,
}
RECENTLY_CONTACTED = -1.5


@dataclass
class Suggestion:
    supporter: Supporter
    score: float = 0
    reasons: list = field(default_factory=list)
    last_introduced: object = None


def related_type_ids(support_type):
    """The types related to `support_type`: its parent and its children."""
    related = set(support_type.children.values_list("pk", flat=True))
    if support_type.parent_id:
        related.add(support_type.parent_id)
    return related


def suggest_supporters(need, *, now=None):
    """Suggestions for `need`, best first (ties: the longest-waiting supporter first)."""
    now = now or timezone.now()
    related = related_type_ids(need.support_type)
    need_districts = {district.pk for district in need.districts()}
    candidates = (
        Supporter.objects.matchable()
        .filter(support_types__in={need.support_type_id, *related})
        .exclude(matches__need=need)
        .distinct()
        .prefetch_related("support_types", "districts")
        .annotate(last_introduced=Max("matches__introduced_at"))
    )
    recent = now - timedelta(days=RECENT_CONTACT_DAYS)
    suggestions = []
    for supporter in candidates:
        suggestion = Suggestion(supporter, last_introduced=supporter.last_introduced)
        offered = {term.pk for term in supporter.support_types.all()}
        if need.support_type_id in offered:
            suggestion.reasons.append((SAME_TYPE, _("offers this very support")))
        else:
            suggestion.reasons.append((RELATED_TYPE, _("offers a related support")))
        districts = {term.pk for term in supporter.districts.all()}
        if not districts:
            suggestion.reasons.append((ANY_DISTRICT, _("can help anywhere in Athens")))
        elif districts & need_districts:
            suggestion.reasons.append((SAME_DISTRICT, _("helps in the need's district")))
        points = AVAILABILITY[supporter.availability]
        if points:
            suggestion.reasons.append((points, supporter.get_availability_display()))
        if supporter.last_introduced and supporter.last_introduced >= recent:
            suggestion.reasons.append((RECENTLY_CONTACTED, _("introduced recently")))
        suggestion.score = sum(points for points, _reason in suggestion.reasons)
        suggestions.append(suggestion)
    suggestions.sort(key=lambda item: (-item.score, item.supporter.signed_up_at))
    return suggestions


def support_offers_for(need):
    """Active synAthina offers of the need's support type (its district's first)."""
    districts = [district.pk for district in need.districts()]
    return sorted(
        SupportOffer.objects.filter(active=True, support_type=need.support_type).select_related(
            "district"
        ),
        key=lambda offer: (offer.district_id not in districts, -offer.received_at.timestamp()),
    )


class MatchRefused(Exception):
    """The match cannot be recorded or moved; the message says why."""


@transaction.atomic
def record_match(supporter, need, user, note=""):
    """A coordinator proposes `supporter` for `need`."""
    if Match.objects.filter(supporter=supporter, need=need).exists():
        raise MatchRefused(_("This supporter is already matched with this need."))
    if not Supporter.objects.matchable().filter(pk=supporter.pk).exists():
        raise MatchRefused(_("This supporter has not confirmed or does not agree to be contacted."))
    match = Match.objects.create(supporter=supporter, need=need, created_by=user, note=note)
    MatchEvent.objects.create(match=match, status=match.status, by=user, note=note)
    return match


def consent_missing(match):
    """Why the introduction e-mail may not be sent, or None when both sides agree."""
    if not match.supporter.contact_consent or match.supporter.erased_at:
        return _("The supporter does not agree to be contacted.")
    if not match.need.accepts_introductions:
        return _("The organisation does not accept introductions by e-mail for this need.")
    return None


@transaction.atomic
def move_match(match, status, user, note=""):
    """Move `match` to `status`; returns it with the e-mails to send once it is saved
    (introducing a supporter e-mails both sides, and needs both sides' consent).
    """
    match = Match.objects.select_for_update().get(pk=match.pk)
    if status not in match.next_statuses():
        raise MatchRefused(
            _("A match that is %(current)s cannot become %(next)s.")
            % {"current": match.get_status_display(), "next": Match.Status(status).label}
        )
    messages = []
    if status == Match.Status.INTRODUCED:
        reason = consent_missing(match)
        if reason:
            raise MatchRefused(reason)
        match.introduced_at = timezone.now()
        messages = introductions(match)
        log_access(PersonalDataAccess.Action.INTRODUCE, [match.supporter], via="match", user=user)
    match.status = status
    match.save()
    MatchEvent.objects.create(match=match, status=status, by=user, note=note)
    return match, messages
