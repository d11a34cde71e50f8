"""What every list endpoint shares: which pages may be served, in which language, a page
at a time.

An item is addressed by its Greek (source) page's id and exists in the API while that
page is live and public and, for an organisation's services, actions and open calls,
while the organisation's page is live (an approved organisation, decision 42). Each
item is served from its live translation in the first language of the fallback chain
that has one; alias pages (wagtail-localize's untranslated synced copies) are not
translations.
"""

import json
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder
from wagtail.models import Page

from .language import fallback_chain, language_fields
from .problems import Problem

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGINATION_PARAMS = ("page", "page_size")


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list the client asked for (`page` counts from 1)."""

    number: int
    size: int

    @property
    def offset(self):
        return (self.number - 1) * self.size


def _positive_int(request, name, default, maximum=None):
    text = request.GET.get(name)
    if text is None:
        return default, None
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        return None, _("Use a whole number from 1.")
    value = int(text)
    if maximum is not None and value > maximum:
        return None, _("At most %(maximum)d.") % {"maximum": maximum}
    return value, None


def page_request(request):
    """`page` and `page_size` from the query string, or a 400 problem naming the field."""
    number, number_error = _positive_int(request, "page", 1)
    size, size_error = _positive_int(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    errors = [
        {"field": field, "message": message}
        for field, message in (("page", number_error), ("page_size", size_error))
        if message
    ]
    if errors:
        raise Problem(400, _("Invalid pagination."), errors=errors, problem_type="validation-error")
    # A page number so large its offset overflows is past the end: an empty page.
    return PageRequest(number=min(number, 2**31), size=size)


def page_url(request, number):
    """The absolute URL of page `number` of the same list, other parameters unchanged."""
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def served_language_fields(requested, served_languages):
    """The language fields of a response whose items are in `served_languages`: the
    language they share, else the requested one (decision 37); `fallback` if any item
    is not in the requested language."""
    served = set(served_languages)
    fields = language_fields(requested, next(iter(served)) if len(served) == 1 else requested)
    fields["fallback"] = any(language != requested for language in served)
    return fields


def list_envelope(request, *, count, page, requested, served_languages):
    """The list envelope without its results: `count`, `next`, `previous`, the language
    fields."""
    has_next = page.offset + page.size < count
    return {
        "count": count,
        "next": page_url(request, page.number + 1) if has_next else None,
        "previous": page_url(request, page.number - 1) if page.number > 1 else None,
        **served_language_fields(requested, served_languages),
    }


def list_response(request, *, count, page, requested, results):
    """The list envelope: `count`, `next`, `previous`, the language fields, `results`.

    `results` are item dicts, each with its own `language`.
    """
    languages = [item["language"] for item in results]
    envelope = list_envelope(
        request, count=count, page=page, requested=requested, served_languages=languages
    )
    return {**envelope, "results": results}


class SerialisedJSON(str):
    """A response body already serialised as JSON: the API's renderer sends it as is."""


class EncodedJSON(bytes):
    """A response body already serialised as JSON and encoded in UTF-8: sent as is."""


def json_with_array(envelope, name, serialised_items):
    """`envelope` (a dict) with a last member `name`: the array of `serialised_items`,
    JSON texts joined as they are, rather than parsed and serialised again."""
    head = json.dumps(envelope, cls=NinjaJSONEncoder)
    separator = ", " if envelope else ""
    return SerialisedJSON(f'{head[:-1]}{separator}"{name}": [{", ".join(serialised_items)}]}}')


def _under_organisation(model):
    return "pages.OrganisationPage" in getattr(model, "parent_page_types", ())


def live_sources(model):
    """The source-locale pages of `model` the API may serve (see the module docstring)."""
    pages = model.objects.live().public().filter(locale__language_code=settings.LANGUAGE_CODE)
    if _under_organisation(model):
        from pages.models import OrganisationPage

        # Excluding the few organisations that aren't live, rather than joining the many
        # that are, lets PostgreSQL start from the page's own filters (a hashed NOT IN).
        unapproved = OrganisationPage.objects.filter(live=False).values("path")
        pages = pages.annotate(
            organisation_path=Substr("path", 1, Length("path") - Page.steplen)
        ).exclude(organisation_path__in=unapproved)
    return pages


class Served(NamedTuple):
    """A source page, the page serving it, and that page's language."""

    source: Page
    page: Page
    language: str


def serve_in_language(sources, requested, *, prefetch=()):
    """A `Served` for each source page, in the order given.

    The serving page is the source's live, public translation in the first language of
    the chain that has one, else the source itself (Greek comes last in every chain).
    `prefetch` lookups are applied to the serving pages: a fixed number of queries
    whatever the number of sources.
    """
    chain = fallback_chain(requested)
    before_source = chain[: chain.index(settings.LANGUAGE_CODE)]
    best = {}
    if sources and before_source:
        rank = {code: index for index, code in enumerate(chain)}
        translations = (
            type(sources[0])
            .objects.live()
            .public()
            .filter(
                translation_key__in=[source.translation_key for source in sources],
                locale__language_code__in=before_source,
                alias_of__isnull=True,
            )
            .select_related("locale")
            .prefetch_related(*prefetch)
        )
        for page in translations:
            current = best.get(page.translation_key)
            if (
                current is None
                or rank[page.locale.language_code] < rank[current.locale.language_code]
            ):
                best[page.translation_key] = page
    untranslated = [source for source in sources if source.translation_key not in best]
    prefetch_related_objects(untranslated, *prefetch)
    served = []
    for source in sources:
        page = best.get(source.translation_key)
        if page is None:
            served.append(Served(source, source, settings.LANGUAGE_CODE))
        else:
            served.append(Served(source, page, page.locale.language_code))
    return served
