"""GET /api/v1/services: the live services, filtered; GET /api/v1/services/{id}: one.

`id` is the Greek (source) page's id, the same whatever the language. A service is
served from its live translation in the requested language, else English, else
Greek. Drafts, pages behind view restrictions and unknown ids are 404 problems.
Taxonomy terms are given by slug (their names come from /taxonomies/{kind}); the
organisation's private contact persons are never part of the API.

The list reads the services' read model (`ServiceListing`, kept by
`pages.api.service_listing`): filter columns copied from the Greek page (where
taxonomies, place, hours and status are kept) and the item already serialised, so a
list costs two queries whatever its length; the map (`pages.api.map`) reuses the
filters through `filter_services`.
"""

import functools
import json
from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Count, Exists, F, JSONField, OuterRef, Q, Subquery, Window
from django.db.models.functions import JSONObject, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import expand_db_html

from cms.api.language import fallback_chain, language_fields, requested_language
from cms.api.listing import (
    json_with_array,
    list_envelope,
    page_request,
)
from cms.api.params import reject_unknown_params
from cms.api.problems import Problem
from cms.api.query import QueryParams
from cms.search.queries import best_matches, filter_by_text, single_lexemes
from pages.models import (
    ServiceClosure,
    ServiceListing,
    ServiceListingPayload,
    ServiceMessagingChannel,
    ServiceOpeningHours,
    ServicePage,
)
from pages.models.listing import LISTED_TERM_RELATIONS, term_key
from pages.models.services import ATHENS
from snippets.models import Language, OrganisationType, ServiceCategory, TargetGroup

from .filtering import Nearby, TermLookup, choices, districts

router = Router(tags=["services"])


def _not_found():
    return Problem(404, _("No such service."))


def page_id_or_404(text, not_found):
    """A page id from the path, or the `not_found()` problem: letters or an id too big
    for the column aren't ids."""
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**31:
        raise not_found()
    return int(text)


class OrderedJSONArray(Subquery):
    """A column: the values of `queryset`'s `value` column, in its order, as a JSON array
    (a list in Python); `of_json` if the values are themselves JSON.

    On PostgreSQL `ARRAY(…)`, which keeps the subquery's order, made JSON. SQLite (the
    embedded default) has no arrays: `json_group_array` over the ordered subquery, which
    SQLite aggregates in the order the subquery gives.
    """

    template = "to_jsonb(ARRAY(%(subquery)s))"

    def __init__(self, queryset, value, *, of_json=False):
        super().__init__(queryset.values(value=value), output_field=JSONField())
        self.of_json = of_json

    def as_sqlite(self, compiler, connection):
        element = "json(value)" if self.of_json else "value"
        return self.as_sql(
            compiler,
            connection,
            template=f"(SELECT json_group_array({element}) FROM (%(subquery)s))",
        )


def _term_slugs(relation, slug="slug"):
    """A column: the `slug` of each term linked through `relation`, in the terms' order."""
    field = ServicePage._meta.get_field(relation)
    term = field.m2m_reverse_field_name()
    links = field.remote_field.through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")})
    ordering = [f"{term}__{name}" for name in field.related_model._meta.ordering]
    return OrderedJSONArray(links.order_by(*ordering, "pk"), F(f"{term}__{slug}"))


def _rows(model, fields):
    """A column: the page's `model` rows, in their order, as JSON objects of `fields`."""
    rows = model.objects.filter(page=OuterRef("pk")).order_by(*model._meta.ordering, "pk")
    return OrderedJSONArray(rows, JSONObject(**{name: name for name in fields}), of_json=True)


def _parent_organisation(field):
    """A column: `field` of the page's parent, its organisation in the page's language."""
    return Subquery(Page.objects.filter(path=OuterRef("parent_path")).values(field)[:1])


# JSON gives times and dates as ISO text: back to the values the view always rendered.
OPENING_HOURS_FIELDS = {"weekday": int, "opens": time.fromisoformat, "closes": time.fromisoformat}
CLOSURE_FIELDS = {"start_date": date.fromisoformat, "end_date": date.fromisoformat, "reason": str}
MESSAGING_CHANNEL_FIELDS = {"app": str, "handle": str}

# Everything the detail shows beyond the page's own fields, as columns of the page's row:
# one query instead of one per relation (and no district boundary polygon to parse).
SERVICE_DETAIL_COLUMNS = {
    "served_language": F("locale__language_code"),
    "parent_path": Substr("path", 1, Length("path") - Page.steplen),
    "organisation_live": _parent_organisation("live"),
    "organisation_title": _parent_organisation("title"),
    "organisation_translation_key": _parent_organisation("translation_key"),
    "district_number": F("district__number"),
    "category_slugs": _term_slugs("categories"),
    "main_category_slugs": _term_slugs("categories", "parent__slug"),
    "target_group_slugs": _term_slugs("target_groups"),
    "language_slugs": _term_slugs("languages"),
    "opening_hours_rows": _rows(ServiceOpeningHours, OPENING_HOURS_FIELDS),
    "closure_rows": _rows(ServiceClosure, CLOSURE_FIELDS),
    "messaging_channel_rows": _rows(ServiceMessagingChannel, MESSAGING_CHANNEL_FIELDS),
}


# The page's own fields the detail shows (their columns are named as the fields).
SERVICE_DETAIL_FIELDS = (
    "id",
    "path",
    "title",
    "slug",
    "summary",
    "description",
    "eligibility",
    "access",
    "how_to_access",
    "is_free",
    "cost_description",
    "interpretation_available",
    "delivery",
    "address",
    "latitude",
    "longitude",
    "accessibility",
    "phone",
    "email",
    "website",
    "status",
    "last_verified",
)
# Stands for the requested id while the query is compiled: no page has it (page ids
# are below 2**31, see `page_id_or_404`).
SOURCE_ID_PLACEHOLDER = 2**31


@dataclass(frozen=True)
class CompiledQuery:
    """A query's SQL and the converters Django applies to its columns."""

    sql: str
    params: tuple
    converters: dict  # column position -> (converters, expression)

    def rows(self, placeholder, value):
        """Run the query with `value` for each param that is `placeholder`: {column name:
        value} for each row, converted as the ORM converts them."""
        params = [value if param == placeholder else param for param in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        converted = []
        for row in rows:
            row = list(row)
            for position, (converters, expression) in self.converters.items():
                for convert in converters:
                    row[position] = convert(row[position], expression, connection)
            converted.append(dict(zip(names, row, strict=True)))
        return converted


@functools.cache
def _detail_query(before_source):
    """The query of the Greek page whose id is `SOURCE_ID_PLACEHOLDER` and of its live
    translations in the languages `before_source`, with `SERVICE_DETAIL_COLUMNS`.

    Compiled once per chain of languages: Django takes longer to compile its dozen
    subqueries (about 5 ms) than PostgreSQL takes to run them. The view restrictions
    come as a column (the paths of the restricted pages) and are applied to the rows by
    `_public`: a filter in SQL would have to be compiled again whenever they change.
    """
    source_key = ServicePage.objects.filter(pk=SOURCE_ID_PLACEHOLDER).values("translation_key")
    organisation_id = Page.objects.filter(
        translation_key=OuterRef("organisation_translation_key"),
        locale__language_code=settings.LANGUAGE_CODE,
    ).values("pk")[:1]
    candidates = (
        ServicePage.objects.live()
        .filter(translation_key__in=source_key)
        .filter(
            Q(locale__language_code=settings.LANGUAGE_CODE)
            | Q(locale__language_code__in=before_source, alias_of__isnull=True)
        )
        .annotate(**SERVICE_DETAIL_COLUMNS)
        .annotate(
            organisation_id=Subquery(organisation_id),
            private_paths=OrderedJSONArray(PageViewRestriction.objects.all(), F("page__path")),
        )
        .values(*SERVICE_DETAIL_FIELDS, *SERVICE_DETAIL_COLUMNS, "organisation_id", "private_paths")
    )
    compiler = candidates.query.get_compiler(DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    selected = [column for column, *_ in compiler.select[: compiler.col_count]]
    return CompiledQuery(sql, tuple(params), compiler.get_converters(selected))


def _public(pages):
    """The pages outside every private section: Wagtail's `PageQuerySet.public()` (a
    restricted page and its descendants are private), on rows with `private_paths`."""
    return [page for page in pages if not page["path"].startswith(tuple(page["private_paths"]))]


def live_translation(source_id, requested):
    """The live service serving the Greek page `source_id` in `requested`, as a row of
    `SERVICE_DETAIL_FIELDS` and `SERVICE_DETAIL_COLUMNS`, or a 404 problem.

    The same page as `live_sources` and `serve_in_language` give (the first language of
    the fallback chain with a live, public translation, Greek last), in one query: the
    Greek page and its translations together, the organisation rule of `live_sources`
    read from the Greek page's own parent (an index lookup, where `live_sources` scans
    for every organisation that isn't live).
    """
    chain = fallback_chain(requested)
    before_source = tuple(chain[: chain.index(settings.LANGUAGE_CODE)])
    candidates = _detail_query(before_source).rows(SOURCE_ID_PLACEHOLDER, source_id)
    by_language = {page["served_language"]: page for page in _public(candidates)}
    source = by_language.get(settings.LANGUAGE_CODE)
    if source is None or source["id"] != source_id or not source["organisation_live"]:
        raise _not_found()
    return next(by_language[code] for code in chain if code in by_language)


def _slugs(terms):
    return [term.slug for term in terms]


def _float(value):
    return None if value is None else float(value)


def category_slugs(categories):
    """`main_categories` and `categories` of a service from its (sub)category terms."""
    categories = list(categories)
    main_categories = dict.fromkeys(term.parent.slug for term in categories if term.parent_id)
    return {"main_categories": list(main_categories), "categories": _slugs(categories)}


def _converted(rows, fields):
    return [{name: convert(row[name]) for name, convert in fields.items()} for row in rows]


def service_data(page, source_id):
    """The public fields of `page`, a service row from `live_translation`."""
    return {
        "id": source_id,
        "title": page["title"],
        "slug": page["slug"],
        "organisation": {
            "id": page["organisation_id"],
            "title": page["organisation_title"],
        },
        "summary": page["summary"],
        "description": expand_db_html(page["description"]),
        "main_categories": list(dict.fromkeys(filter(None, page["main_category_slugs"]))),
        "categories": page["category_slugs"],
        "target_groups": page["target_group_slugs"],
        "eligibility": page["eligibility"],
        "access": page["access"],
        "how_to_access": page["how_to_access"],
        "is_free": page["is_free"],
        "cost_description": page["cost_description"],
        "languages": page["language_slugs"],
        "interpretation_available": page["interpretation_available"],
        "delivery": page["delivery"],
        "address": page["address"],
        "latitude": _float(page["latitude"]),
        "longitude": _float(page["longitude"]),
        "district": page["district_number"],
        "accessibility": page["accessibility"],
        "phone": page["phone"],
        "email": page["email"],
        "website": page["website"],
        "messaging_channels": _converted(page["messaging_channel_rows"], MESSAGING_CHANNEL_FIELDS),
        "opening_hours": _converted(page["opening_hours_rows"], OPENING_HOURS_FIELDS),
        "closures": _converted(page["closure_rows"], CLOSURE_FIELDS),
        "status": page["status"],
        "last_verified": page["last_verified"],
    }


@router.get("/{service_id}", summary="One service")
def get_service(request, service_id: str):
    """A live service by its Greek page's id, in the requested language if translated
    (else English, else Greek): `language` says which, `fallback` whether it differs."""
    requested = requested_language(request)
    reject_unknown_params(request)
    page_id = page_id_or_404(service_id, _not_found)
    served = live_translation(page_id, requested)
    return {
        **language_fields(requested, served["served_language"]),
        **service_data(served, page_id),
    }


# --- The list ------------------------------------------------------------------------

SERVICE_FILTERS = (
    "category",
    "target_group",
    "language",
    "district",
    "organisation_type",
    "delivery",
    "free",
    "status",
    "open_at",
    "open_now",
    "near",
    "radius_km",
    "q",
)
# A service offered both ways can be visited and reached remotely: it matches either.
DELIVERY_MATCHES = {
    ServicePage.Delivery.IN_PERSON: [ServicePage.Delivery.IN_PERSON, ServicePage.Delivery.BOTH],
    ServicePage.Delivery.REMOTE: [ServicePage.Delivery.REMOTE, ServicePage.Delivery.BOTH],
    ServicePage.Delivery.BOTH: [ServicePage.Delivery.BOTH],
}
# Filters on the Greek page's many-to-many terms: {filter: relation}.
SORTS = ("title", "-title", "updated", "-updated", "distance")
SORT_FIELDS = {
    "title": ("title",),
    "-title": ("-title",),
    "relevance": ("-search_rank",),
    "updated": ("updated",),
    "-updated": ("-updated",),
    "distance": ("distance_km",),
}


def open_at_q(local):
    """Listed services open at `local` (Athens time), as `ServicePage.is_open_at`
    decides: active, an opening period that day with closing time excluded, and no
    closure."""
    day, time = local.date(), local.time()
    hours = ServiceOpeningHours.objects.filter(
        page=OuterRef("service"), weekday=day.weekday(), opens__lte=time, closes__gt=time
    )
    closed = ServiceClosure.objects.filter(
        page=OuterRef("service"), start_date__lte=day, end_date__gte=day
    )
    return Q(status=ServicePage.Status.ACTIVE) & Q(Exists(hours)) & ~Q(Exists(closed))


@dataclass(frozen=True)
class FilteredServices:
    """The listed services (`ServiceListing` rows answering the request's language)
    matching a request's filters, and its `near`, if any."""

    unsearched: object  # every filter but `q`
    language: str
    nearby: Nearby | None
    query: str  # `q`, "" if not given

    @functools.cached_property
    def queryset(self):
        """Searched only when read: a word searched alone is not (`_best_rows`)."""
        if not self.query:
            return self.unsearched
        return filter_by_text(self.unsearched, self.language, self.query, page_relation="service")


def filter_services(params, language):
    """Read the service filters from `params` (a `QueryParams`) and apply them, in SQL.

    Malformed values and unknown slugs are recorded in `params.errors`; the caller calls
    `params.check()` once it has read its own parameters too. `q` searches the text served
    in `language` (its fallback where untranslated) and ranks by relevance.
    """
    terms = TermLookup()
    terms.add("category", ServiceCategory, params.values("category"), with_children=True)
    terms.add("target_group", TargetGroup, params.values("target_group"))
    terms.add("language", Language, params.values("language"))
    terms.add("organisation_type", OrganisationType, params.values("organisation_type"))
    district_numbers = districts(params)
    delivery = params.choice("delivery", ServicePage.Delivery.values)
    free = params.boolean("free")
    statuses = choices(params, "status", ServicePage.Status.values)
    moment = params.datetime("open_at")
    try:
        athens_moment = None if moment is None else timezone.localtime(moment, ATHENS)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is in the year 10000 in Athens
        params.errors.append({"field": "open_at", "message": _("Out of range.")})
    open_now = params.boolean("open_now")
    if moment is not None and open_now is not None:
        params.errors.append(
            {"field": "open_now", "message": _("Give open_at or open_now, not both.")}
        )
    nearby = Nearby.from_params(params)
    query = params.text("q")
    term_ids = terms.resolve(params)
    if params.errors:
        return None

    services = ServiceListing.objects.answering(language)
    for name in LISTED_TERM_RELATIONS:
        if name in term_ids:
            keys = [term_key(name, term_id) for term_id in term_ids[name]]
            services = services.filter(terms__has_any_keys=keys)
    if "organisation_type" in term_ids:
        services = services.filter(organisation_type_id__in=term_ids["organisation_type"])
    if district_numbers:
        services = services.filter(district__in=district_numbers)
    if delivery:
        services = services.filter(delivery__in=DELIVERY_MATCHES[delivery])
    if free is not None:
        services = services.filter(is_free=free)
    if statuses:
        services = services.filter(status__in=statuses)
    if moment is not None:
        services = services.filter(open_at_q(athens_moment))
    if open_now is not None:
        now_open = open_at_q(timezone.localtime(timezone.now(), ATHENS))
        services = services.filter(now_open if open_now else ~now_open)
    if nearby:
        services = nearby.apply(services)
    return FilteredServices(services, language, nearby, query or "")


# What `service_list_item` reads of the Greek page.
LIST_FIELDS = (
    "title",
    "slug",
    "translation_key",
    "last_published_at",
    "summary",
    "latitude",
    "longitude",
    "delivery",
    "is_free",
    "status",
    "district__number",
)


def service_list_item(served, organisation):
    """The compact list item: text from the served page, the rest from the Greek page,
    which the filters read. Stored serialised in `ServiceListing.item`; the list adds
    `distance_km` to it."""
    source, page = served.source, served.page
    return {
        "id": source.pk,
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "organisation": organisation,
        **category_slugs(source.categories.all()),
        "district": source.district.number if source.district_id else None,
        "latitude": _float(source.latitude),
        "longitude": _float(source.longitude),
        "delivery": source.delivery,
        "is_free": source.is_free,
        "status": source.status,
        "updated": source.last_published_at,
        "language": served.language,
    }


def with_distance(item, distance_km):
    """A serialised list item with `distance_km` (rounded to 10 m) as its last member."""
    return f'{item[:-1]}, "distance_km": {json.dumps(round(distance_km, 2))}}}'


@router.get("", summary="List services")
def list_services(request):
    """Live services matching every filter given (filters combine with AND; a list of
    values, comma-separated, matches any of them). See docs/api.md for each filter."""
    requested = requested_language(request)
    params = QueryParams(request, (*SERVICE_FILTERS, "sort"), paginated=True)
    page = page_request(request)
    sort = params.choice("sort", SORTS)
    filtered = filter_services(params, requested)
    if sort == "distance" and "near" not in request.GET:
        params.errors.append({"field": "sort", "message": _("Sorting by distance needs near.")})
    params.check()
    lexemes = _one_word_alone(request, filtered, sort, requested)
    if lexemes is not None:
        rows, count = _best_rows(requested, lexemes, page)
    else:
        rows, count = _filtered_rows(filtered, sort, page)
    envelope = list_envelope(
        request,
        count=count,
        page=page,
        requested=requested,
        served_languages=[served for served, _item, *_distance in rows],
    )
    return json_with_array(
        envelope,
        "results",
        [with_distance(item, rest[0]) if rest else item for _served, item, *rest in rows],
    )


def _filtered_rows(filtered, sort, page):
    """The page's `(served language, item[, distance])` rows and the count of all
    matches, in one query: narrow rows, counted as they are sorted, then the items of
    the page's rows only."""
    # Without a sort: by relevance when searching, else nearest first, else by title.
    default_sort = "relevance" if filtered.query else "distance" if filtered.nearby else "title"
    order = (*SORT_FIELDS[sort or default_sort], "service_id")
    distance = ("distance_km",) if filtered.nearby else ()
    rows = _page_with_items(filtered.queryset, order, distance, page)
    # No rows: past the end (count them), or nothing matches.
    count = rows[0][1] if rows else filtered.queryset.count() if page.offset else 0
    return [(served, item, *rest) for served, _total, item, *rest in rows], count


def _page_with_items(services, order, distance, page):
    """`(served_language, total, item[, distance_km])` of `page` of `services` sorted by
    `order`. The rows are sorted and cut in a subquery, then joined to their items:
    joined before the cut, every match's item would be read (and a select-list subquery
    would run for every row skipped by the offset)."""
    columns = [(name.removeprefix("-"), "DESC" if name[0] == "-" else "ASC") for name in order]
    selected = ("pk", "served_language", "total", *distance)
    narrow = (
        services.annotate(total=Window(Count("pk")))
        .order_by(*order)
        .values_list(*selected, *(name for name, _ in columns if name not in selected))[
            page.offset : page.offset + page.size
        ]
    )
    sql, params = narrow.query.sql_with_params()
    quote = connection.ops.quote_name
    read = ", ".join(f"page.{quote(name)}" for name in ("served_language", "total"))
    extra = "".join(f", page.{quote(name)}" for name in distance)
    # Sorted again, by the same columns: the order of a subquery's rows is not kept.
    sorted_by = ", ".join(f"page.{quote(name)} {direction}" for name, direction in columns)
    payloads = quote(ServiceListingPayload._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {read}, payload.item{extra} FROM ({sql}) page"
            f" JOIN {payloads} payload ON payload.listing_id = page.{quote('pk')}"
            f" ORDER BY {sorted_by}",
            params,
        )
        return cursor.fetchall()


def _one_word_alone(request, filtered, sort, language):
    """The lexemes of `q` (`single_lexemes`) when it is one word, the only filter, and
    the results are sorted by relevance, on PostgreSQL; else None. A word found in most
    services would otherwise have every one of them ranked (decision 87)."""
    if not filtered.query or sort is not None or connection.vendor != "postgresql":
        return None
    if any(name in request.GET for name in SERVICE_FILTERS if name != "q"):
        return None
    return single_lexemes(language, filtered.query)


def _best_rows(language, lexemes, page):
    """`_filtered_rows` for a word searched alone: the page of best matches from the
    search terms, and their count (`best_matches`: a listed service has a document in
    every language), then the rows answering `language` for those services, with their
    items."""
    matches, count = best_matches(
        ServicePage, language, lexemes, offset=page.offset, limit=page.size
    )
    if not matches:
        return [], count
    answering = ServiceListing.objects.answering(language).filter(
        service_id__in=[page_id for page_id, _rank in matches], payload__isnull=False
    )
    rows = {
        service: (served, item)
        for service, served, item in answering.values_list(
            "service_id", "served_language", "payload__item"
        )
    }
    # A service unlisted since its document was read is left out.
    return [rows[page_id] for page_id, _rank in matches if page_id in rows], count
