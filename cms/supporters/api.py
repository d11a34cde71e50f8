"""The supporters network's public API.

- `POST /api/v1/supporters`: sign up to support organisations (double opt-in). Checks run
  cheapest first: the body's size (413), the client's rate (429), the JSON (400), its
  shape (422), the honeypot (400), then the terms and the privacy notice (422).
- `GET|POST /api/v1/supporters/confirm/{token}`: the page the e-mailed link opens; its
  button confirms (a GET never does: mail scanners follow links).
- `GET /api/v1/needs`: organisations' open needs, without any personal data.
"""

from django.conf import settings
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.decorators import decorate_view
from wagtail.models import Page

from cms.api.abuse import (
    VALIDATION_ERROR,
    SettingRateThrottle,
    refuse_bodies_over,
    refuse_filled_honeypot,
)
from cms.api.language import fallback_chain, language_fields, requested_language
from cms.api.listing import page_request, page_url
from cms.api.problems import Problem
from cms.api.query import QueryParams
from pages.models import ActionOccurrence

from . import emails
from .models import Need
from .schemas import SignUpAccepted, SupporterIn
from .signup import InvalidSignUp, confirm, store_sign_up, supporter_for_token

MAX_BODY_BYTES = 32 * 1024

supporters_router = Router(tags=["supporters"])
needs_router = Router(tags=["needs"])


class SupporterSignUpRateThrottle(SettingRateThrottle):
    """Sign-ups per client address, at `settings.SUPPORTER_SIGNUP_RATE_LIMIT`."""

    scope = "supporters"
    rate_setting = "SUPPORTER_SIGNUP_RATE_LIMIT"


@supporters_router.post(
    "",
    response={202: SignUpAccepted},
    throttle=[SupporterSignUpRateThrottle()],
    url_name="sign_up_supporter",
    summary="Sign up to support organisations",
)
@decorate_view(refuse_bodies_over(MAX_BODY_BYTES))
def sign_up(request, payload: SupporterIn):
    """A person, company or organisation offers help; it counts once they confirm.

    A confirmation link is e-mailed to `email`; sign-ups not confirmed within 30 days are
    deleted. Errors are RFC 9457 problem details, with `errors: [{field, message}]`.
    """
    refuse_filled_honeypot(
        payload.website_confirmation,
        field="website_confirmation",
        title=_("The sign-up could not be accepted."),
    )
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    try:
        supporter = store_sign_up(payload, language=language)
    except InvalidSignUp as invalid:
        raise Problem(
            422,
            _("The request has invalid fields."),
            errors=[{"field": field, "message": message} for field, message in invalid.errors],
            problem_type=VALIDATION_ERROR,
        ) from None
    emails.confirmation(supporter).send()
    return Status(202, {"status": "confirmation-sent"})


def _confirmation_page(request, supporter, *, confirmed=False, status=200):
    language = supporter.language if supporter else request.LANGUAGE_CODE
    with translation.override(language):
        return render(
            request,
            "supporters/confirm.html",
            {"supporter": supporter, "confirmed": confirmed},
            status=status,
        )


@supporters_router.api_operation(
    ["GET", "POST"],
    "/confirm/{token}",
    url_name="confirm_supporter",
    include_in_schema=False,
)
def confirm_sign_up(request, token: str):
    """The e-mailed link: GET shows a button, POST confirms. An unknown, expired or
    tampered token shows an explanation (404)."""
    supporter = supporter_for_token(token)
    if supporter is None:
        return _confirmation_page(request, None, status=404)
    if request.method == "POST":
        confirm(supporter)
        return _confirmation_page(request, supporter, confirmed=True)
    return _confirmation_page(request, supporter, confirmed=supporter.is_confirmed)


# --- Needs ---------------------------------------------------------------------------

NEED_FILTERS = ("support_type", "district", "organisation")
MAX_ID = 2**31 - 1  # the id columns' range


def public_needs(today=None):
    """Open needs (live, not past their date) whose organisation, service and action are
    live."""
    today = today or timezone.localdate()
    return Need.objects.filter(
        Q(needed_until__isnull=True) | Q(needed_until__gte=today),
        Q(service__isnull=True) | Q(service__live=True),
        Q(action__isnull=True) | Q(action__live=True),
        live=True,
        organisation__live=True,
    )


def _filtered(needs, support_type, district, organisation):
    if support_type is not None:
        needs = needs.filter(support_type__synathina_id=support_type)
    if organisation is not None:
        needs = needs.filter(organisation_id=organisation)
    if district is not None:
        ids = ActionOccurrence.objects.filter(district__number=district).values("page_id")
        needs = needs.filter(
            Q(service__district__number=district)
            | Q(action_id__in=ids)
            | Q(service__isnull=True, action__isnull=True, organisation__district__number=district)
        )
    return needs


def _titles(needs, chain):
    """Each page's title in the first language of `chain` it is live in: one query."""
    keys = {
        page.translation_key
        for need in needs
        for page in (need.organisation, need.service, need.action)
        if page is not None
    }
    rank = {code: position for position, code in enumerate(chain)}
    best = {}
    rows = Page.objects.filter(
        translation_key__in=keys, locale__language_code__in=chain, live=True
    ).values_list("translation_key", "locale__language_code", "title")
    for key, code, title in rows:
        if key not in best or rank[code] < best[key][0]:
            best[key] = (rank[code], title)
    return {key: title for key, (_rank, title) in best.items()}


def _page_ref(page, titles):
    if page is None:
        return None
    return {"id": page.pk, "title": titles.get(page.translation_key, page.title)}


def need_data(need, titles):
    return {
        "id": need.pk,
        "on": "action" if need.action_id else "service" if need.service_id else "organisation",
        "organisation": _page_ref(need.organisation, titles),
        "service": _page_ref(need.service, titles),
        "action": _page_ref(need.action, titles),
        "support_type": need.support_type.synathina_id,
        "description": need.description,
        "needed_until": need.needed_until,
        "districts": sorted(district.number for district in need.districts()),
        "updated_at": need.updated_at,
    }


@needs_router.get("", url_name="needs", summary="Organisations' open needs")
def list_needs(request):
    """Open, moderated needs of live organisations, newest first, in pages.

    Filters (combined with AND): `support_type` (a synAthina id), `district` (1-7),
    `organisation` (the Greek page's id). `page` from 1, `page_size` at most 100.
    Page titles are in the requested language if translated, else English, else Greek;
    descriptions are as the organisation wrote them.
    """
    requested = requested_language(request)
    params = QueryParams(request, NEED_FILTERS, paginated=True)
    filters = {name: params.integer(name, minimum=1, maximum=MAX_ID) for name in NEED_FILTERS}
    params.check()
    page = page_request(request)
    needs = _filtered(public_needs(), **filters)
    count = needs.count()
    start = page.offset
    # Past the last page the slice is empty: an empty page, as every other list answers.
    rows = list(
        needs.select_related(
            "organisation__district", "service__district", "action", "support_type"
        )
        .prefetch_related(
            Prefetch(
                "action__occurrences",
                queryset=ActionOccurrence.objects.select_related("district"),
            )
        )
        .order_by("-created_at", "-pk")[start : start + page.size]
    )
    titles = _titles(rows, fallback_chain(requested))
    return {
        "count": count,
        "next": page_url(request, page.number + 1) if start + page.size < count else None,
        "previous": page_url(request, page.number - 1) if page.number > 1 else None,
        **language_fields(requested, requested),
        "results": [need_data(need, titles) for need in rows],
    }
