"""/api/v1/synathina/: what synAthina reads from ACCMR, behind a partner API key.

- `GET actions?lang=el|en[&modified_since=ISO 8601]`: the feed (`feed.py`);
- `GET teams/{id}`: an approved organisation's public identity;
- `GET actions/{id}/images`: a shared action's images, as absolute URLs.

Keys go in `Authorization: Bearer <key>`; a missing, unknown or revoked key is a 401
problem.

And what synAthina sends, signed with the shared secret instead of a key (`inbound.py`):

- `POST support-offers`: a supporter's offer of help for an action or service
  (`offers.py`).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.decorators import decorate_view
from ninja.security import HttpBearer

from cms.api.abuse import refuse_bodies_over
from cms.api.listing import live_sources, serve_in_language
from cms.api.problems import Problem, ProblemDetails
from cms.api.query import QueryParams
from pages.models import OrganisationPage

from .feed import feed_document, image_url
from .inbound import (
    IDEMPOTENCY_HEADER,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    TIMESTAMP_HEADER,
    SignedBySynathina,
    body_hash,
)
from .models import PartnerApiKey
from .offers import SupportOfferIn, SupportOfferOut, offer_data, receive_support_offer
from .sharing import shareable_actions

FEED_LANGUAGES = ("el", "en")
# `last_used_at` is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
MAX_OFFER_BODY_BYTES = 32 * 1024


class PartnerKeyAuth(HttpBearer):
    def authenticate(self, request, token):
        key = PartnerApiKey.authenticate(token)
        if key is None:
            raise Problem(401, _("Unknown or revoked API key."), problem_type="unauthorized")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            PartnerApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return key


router = Router(tags=["synathina"], auth=PartnerKeyAuth())


def _language(params):
    return params.choice("lang", FEED_LANGUAGES) or settings.LANGUAGE_CODE


def _page_id(text, problem):
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**31:
        raise problem
    return int(text)


@router.get("/actions", summary="Shared actions in synAthina's feed shape")
def actions(request):
    params = QueryParams(request, allowed=("lang", "modified_since"))
    language = _language(params)
    modified_since = params.datetime("modified_since")
    params.check()
    return feed_document(request, language, modified_since)


@router.get("/teams/{team_id}", summary="An approved organisation's public identity")
def team(request, team_id: str):
    params = QueryParams(request, allowed=("lang",))
    language = _language(params)
    params.check()
    not_found = Problem(404, _("No such organisation."))
    source = live_sources(OrganisationPage).filter(pk=_page_id(team_id, not_found)).first()
    if source is None:
        raise not_found
    (organisation,) = serve_in_language([source], language, prefetch=("logo",))
    page = organisation.page
    return {
        "id": organisation.source.pk,
        "name": page.title,
        "slug": page.slug,
        "logo": image_url(request, page.logo),
        "url": page.get_full_url(request) or "",
    }


@router.get("/actions/{action_id}/images", summary="A shared action's images")
def images(request, action_id: str):
    QueryParams(request).check()
    not_found = Problem(404, _("No such shared action."))
    action = (
        shareable_actions()
        .select_related("image")
        .filter(pk=_page_id(action_id, not_found))
        .first()
    )
    if action is None:
        raise not_found
    return [url for url in (image_url(request, action.image),) if url]


@router.post(
    "/support-offers",
    auth=SignedBySynathina(),
    response={
        200: SupportOfferOut,
        201: SupportOfferOut,
        (400, 401, 404, 409, 413, 422, 503): ProblemDetails,
    },
    url_name="synathina_support_offers",
    summary="Receive a supporter's offer of help from synAthina",
    openapi_extra={
        "parameters": [
            {
                "name": IDEMPOTENCY_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY_LENGTH},
                "description": "One key per offer; a retry sends the same key and body.",
            },
            {
                "name": TIMESTAMP_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
                "description": "Unix time in seconds, signed with the body.",
            },
        ]
    },
)
@decorate_view(refuse_bodies_over(MAX_OFFER_BODY_BYTES))
def support_offers(request, payload: SupportOfferIn):
    """synAthina forwards a supporter's offer of help for an ACCMR action or service.

    Signed like ACCMR's notifications (`X-Synathina-Timestamp`, `X-Synathina-Signature`).
    201 with the stored offer; 200 with the same offer for a repeated `Idempotency-Key`
    and the same body (key order and spacing aside); 409 for a repeated key with another
    body; 401 for a bad signature or a timestamp more than 5 minutes off; 400 or 422 with
    field errors for bad input; 404 for an unknown target; 503 while ACCMR has no secret.
    Errors are RFC 9457 problem details. The organisation's editors and ACCMR's
    coordinators are e-mailed about a new offer.
    """
    offer, created = receive_support_offer(
        payload,
        idempotency_key=request.auth.idempotency_key,
        body_hash=body_hash(request.body),
    )
    return Status(201 if created else 200, offer_data(offer))
