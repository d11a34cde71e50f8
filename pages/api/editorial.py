"""GET /api/v1/pages/find?path=/about/: an editorial page by its path, localised.

Editorial pages are content pages, news articles and the news index. A path is relative
to the home page and uses the slugs of a language's own tree: it is looked up in the
requested language's tree, then English's, then Greek's (each translation may have its
own slugs). Whichever tree it is found in, the page is served like every item: from the
live translation in the first language of the fallback chain, under its Greek page's
id, with the `path` of the page served. Other page types (services, organisations...)
have their own endpoints and are 404 here.
"""

from django.utils.translation import gettext as _
from ninja import Router
from wagtail.models import Page, Site
from wagtail.rich_text import expand_db_html

from cms.api.language import fallback_chain, language_fields, requested_language
from cms.api.listing import live_sources, serve_in_language
from cms.api.problems import Problem
from cms.api.query import QueryParams
from pages.models import ContentPage, NewsIndexPage, NewsPage

from .organisation_items import image_data, local_time

router = Router(tags=["pages"])

EDITORIAL_TYPES = {ContentPage: "content", NewsPage: "news", NewsIndexPage: "news_index"}
MAX_PATH_LENGTH = 500


def _not_found():
    return Problem(404, _("No such page."))


def _relative_path(params):
    """`path` as `segment/segment/` (no leading slash), or None after an error."""
    path = params.text("path", max_length=MAX_PATH_LENGTH)
    if path is None:
        params.errors.append({"field": "path", "message": _("Give the page's path, e.g. /about/.")})
        return None
    if path == "/":
        return ""  # the home page: found, but not editorial
    segments = path.strip("/").split("/")
    if not path.startswith("/") or not all(
        segment and segment not in (".", "..") and segment.isprintable() for segment in segments
    ):
        params.errors.append(
            {"field": "path", "message": _("Use a path from the home page, e.g. /about/team/.")}
        )
        return None
    return "".join(f"{segment}/" for segment in segments)


def _home_paths(languages):
    """The `url_path` of the site's home page in each of `languages` that has one."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return {}
    homes = Page.objects.filter(
        translation_key=site.root_page.translation_key, locale__language_code__in=languages
    ).values_list("locale__language_code", "url_path")
    return dict(homes)


def _found_page(relative, chain, homes):
    """The live, public page at `relative` in the first tree of `chain` that has one."""
    candidates = (
        Page.objects.live()
        .public()
        .filter(
            url_path__in=[homes[code] + relative for code in chain if code in homes],
            locale__language_code__in=chain,
        )
    )
    found = {}
    for page in candidates.select_related("locale", "content_type"):
        code = page.locale.language_code
        if homes.get(code) and page.url_path == homes[code] + relative:
            found[code] = page
    return next((found[code] for code in chain if code in found), None)


def _block_value(request, block):
    value = block.value
    kind = block.block_type
    if kind == "paragraph":
        return expand_db_html(value.source)
    if kind == "image":
        return image_data(request, value)
    if kind == "document":
        return {"title": value.title, "url": request.build_absolute_uri(value.url)}
    if kind == "call_to_action":
        return {"text": value["text"], "url": value["url"]}
    return value


def body_blocks(request, body):
    """A StreamField as `[{"type", "id", "value"}]`; rich text as HTML, images as renditions."""
    return [
        {"type": block.block_type, "id": block.id, "value": _block_value(request, block)}
        for block in body
    ]


def page_data(request, page):
    data = {"intro": page.intro}
    if isinstance(page, NewsPage):
        data.update(date=page.date, image=image_data(request, page.image))
    if isinstance(page, (ContentPage, NewsPage)):
        data["body"] = body_blocks(request, page.body)
    return data


@router.get("/find", summary="An editorial page by its path")
def find_page(request):
    """A content page, news article or the news index by `path` (relative to the home
    page, in the slugs of the requested language's tree, else English's, else Greek's),
    served in the requested language if translated, else English, else Greek."""
    requested = requested_language(request)
    params = QueryParams(request, ("path",))
    relative = _relative_path(params)
    params.check()
    chain = fallback_chain(requested)
    homes = _home_paths(chain)
    found = _found_page(relative, chain, homes)
    model = found and found.specific_class
    if model not in EDITORIAL_TYPES:
        raise _not_found()
    source = live_sources(model).filter(translation_key=found.translation_key).first()
    if source is None:
        raise _not_found()
    (served,) = serve_in_language([source], requested)
    page = served.page
    return {
        **language_fields(requested, served.language),
        "id": source.pk,
        "type": EDITORIAL_TYPES[model],
        "title": page.title,
        "path": "/" + page.url_path.removeprefix(homes.get(served.language, "")),
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "last_published_at": local_time(page.last_published_at),
        **page_data(request, page),
    }
