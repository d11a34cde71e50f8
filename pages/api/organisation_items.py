"""What the endpoints of an organisation's items (actions, open calls) share: the item's id
in the path, the organisation it belongs to, synAthina ids in filters, and images.

Items are addressed by their Greek page's id (decision 41); their organisation is the
Greek parent page, named in the item's language where translated.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from cms.api.listing import serve_in_language
from cms.api.problems import Problem

MAX_PAGE_ID = 2**31 - 1

# Renditions served for an item's image: wide enough for a detail page, never upscaled.
IMAGE_RENDITION = "max-1200x1200"


def page_id_or_404(text, not_found_title):
    """A page id from the path, or a 404: letters or an id too big for the column aren't."""
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_PAGE_ID:
        raise Problem(404, not_found_title)
    return int(text)


def organisation_references(sources, requested):
    """`{"id", "title"}` of each source page's organisation, by source page id.

    The organisation is the Greek parent page (live, as `live_sources` guarantees), titled
    by its live translation in the fallback chain. Two queries whatever the number of pages.
    """
    from pages.models import OrganisationPage

    parent_paths = {source.pk: source.path[: -Page.steplen] for source in sources}
    organisations = list(
        OrganisationPage.objects.live().filter(path__in=set(parent_paths.values()))
    )
    served = {item.source.path: item for item in serve_in_language(organisations, requested)}
    references = {}
    for source_id, path in parent_paths.items():
        item = served.get(path)
        if item is not None:
            references[source_id] = {"id": item.source.pk, "title": item.page.title}
    return references


def synathina_ids(params, name):
    """A comma-separated list of synAthina ids (whole numbers) from `params`, or None."""
    values = params.values(name)
    if values is None:
        return None
    if not all(
        value.isascii() and value.isdigit() and int(value) <= MAX_PAGE_ID for value in values
    ):
        params.errors.append({"field": name, "message": _("Use synAthina ids: whole numbers.")})
        return None
    return [int(value) for value in values]


def local_time(moment):
    """An aware date-time in Athens time (what the platform's users read), or None."""
    return None if moment is None else timezone.localtime(moment)


def image_data(request, image):
    """An image's rendition URL (absolute), size and alternative text, or None (also when
    the original file is missing: the item is still served, without its image)."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(IMAGE_RENDITION)
    except SourceImageIOError:
        return None
    return {
        "url": request.build_absolute_uri(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.default_alt_text,
    }
