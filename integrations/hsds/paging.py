"""HSDS pagination: `page` and `per_page` in, HSDS's `Page` envelope out.

The bounds are the v1 API's (`cms.api.listing`): at most 100 items a page, 20 unless
asked. A page past the end is an empty page, not an error.
"""

import math

from cms.api.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest

PAGING_PARAMS = ("page", "per_page")
# Beyond this a page's offset would overflow the database's integers.
MAX_PAGE_NUMBER = 2**31 - 1


def page_request(params):
    """The page asked for; malformed values are recorded as errors on `params`."""
    number = params.integer("page", minimum=1, maximum=MAX_PAGE_NUMBER)
    size = params.integer("per_page", minimum=1, maximum=MAX_PAGE_SIZE)
    return PageRequest(number=number or 1, size=size or DEFAULT_PAGE_SIZE)


def page_slice(items, page):
    """One page of a queryset or list."""
    return items[page.offset : page.offset + page.size]


def page_envelope(page, total, contents):
    """HSDS's `Page`: `size` is the number of items on this page, as its schema says."""
    total_pages = math.ceil(total / page.size)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page.number,
        "size": len(contents),
        "first_page": page.number == 1,
        "last_page": page.number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
