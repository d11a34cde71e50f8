"""/api/v1/synathina/: what synAthina reads from ACCMR, behind a partner API key.

- `GET actions?lang=el|en[&modified_since=ISO 8601]`: the feed (`feed.py`);
- `GET teams/{id}`: an approved organisation's public identity;
- `GET actions/{id}/images`: a shared action's images, as absolute URLs.

Keys go in `Authorization: Bearer <key>`; a missing, unknown or revoked key is a 401
problem.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import HttpBearer

from cms.api.listing import live_sources, serve_in_language
from cms.api.problems import Problem
from cms.api.query import QueryParams
from pages.models import OrganisationPage

from .feed import feed_document, image_url
from .models import PartnerApiKey
from .sharing import shareable_actions

FEED_LANGUAGES = ("el", "en")
# `last_used_at` is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


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
