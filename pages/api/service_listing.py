"""Keeps `ServiceListing` (the services list's and the map's read model) in step with the
pages it is copied from.

`refresh_service_listings(source_ids)` rewrites every language's rows of these Greek
service pages, or deletes them where a service is no longer listable, in a fixed number
of queries. `pages.api.listing_signals` calls it when a page, a view restriction or a
category changes; `rebuild_service_listings` (the management command) rebuilds them all,
for deployments and for bulk writes that send no signals.

A row holds what the list and the map serve, already serialised (`item`, `feature`):
the same dicts `service_list_item` and `map.feature` give, as the API's renderer would
write them.
"""

import json
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from ninja.responses import NinjaJSONEncoder
from wagtail.models import Page

from cms.api.language import fallback_chain, supported_languages
from cms.api.listing import Served, live_sources
from pages.models import (
    OrganisationPage,
    ServiceListing,
    ServiceListingGeneration,
    ServiceListingPayload,
    ServicePage,
)
from pages.models.listing import LISTED_IN_EVERY_LANGUAGE, LISTED_TERM_RELATIONS, term_key
from snippets.models import ServiceCategory

from .map import feature, serialised_feature
from .services import LIST_FIELDS, service_list_item

BATCH_SIZE = 1000


def serialised(value):
    return json.dumps(value, cls=NinjaJSONEncoder)


def _live_translations(model, keys, gone_page_ids, fields):
    """{translation key: {language: page}} of the live, public translations (aliases are
    not translations) of `model` pages with these keys."""
    pages = (
        model.objects.live()
        .public()
        .filter(translation_key__in=keys, alias_of__isnull=True)
        .exclude(locale__language_code=settings.LANGUAGE_CODE)
        .exclude(pk__in=gone_page_ids)
        .select_related("locale")
        .only(*fields, "translation_key", "locale__language_code")
    )
    copies = defaultdict(dict)
    for page in pages:
        copies[page.translation_key][page.locale.language_code] = page
    return copies


def _served(source, translations, language):
    """The `Served` of `source` in `language`: its translation in the first language of
    the chain before Greek that has one, else the Greek page."""
    for code in fallback_chain(language):
        if code == settings.LANGUAGE_CODE:
            break
        if code in translations:
            return Served(source, translations[code], code)
    return Served(source, source, settings.LANGUAGE_CODE)


def _main_category_ranks():
    """{main category id: (position, slug)} in the coordinators' order."""
    main_categories = ServiceCategory.objects.filter(
        parent__isnull=True, locale__language_code=settings.LANGUAGE_CODE
    ).values_list("pk", "slug")
    return {pk: (position, slug) for position, (pk, slug) in enumerate(main_categories)}


def _first_main_category(source, ranks):
    """The slug of the service's first main category in the coordinators' order (the
    map's `main_category`), from its subcategories' parents."""
    found = [ranks[term.parent_id] for term in source.categories.all() if term.parent_id in ranks]
    return min(found)[1] if found else None


def _rows(source, organisation, translations, organisation_translations, main_category):
    """(`ServiceListing`, `ServiceListingPayload`) of each language `source` has a row in."""
    languages = LISTED_IN_EVERY_LANGUAGE + tuple(
        code
        for code in supported_languages()
        if code not in LISTED_IN_EVERY_LANGUAGE
        and (code in translations or code in organisation_translations)
    )
    located = source.latitude is not None and source.longitude is not None
    terms = {
        term_key(name, term.pk): True
        for name, relation in LISTED_TERM_RELATIONS.items()
        for term in getattr(source, relation).all()
    }
    for language in languages:
        served = _served(source, translations, language)
        organisation_served = _served(organisation, organisation_translations, language)
        item = service_list_item(
            served, {"id": organisation.pk, "title": organisation_served.page.title}
        )
        map_feature = (
            feature(
                "service",
                source.pk,
                served.page.title,
                source.longitude,
                source.latitude,
                main_category=main_category,
                district=item["district"],
            )
            if located
            else None
        )
        listing = ServiceListing(
            service_id=source.pk,
            language=language,
            served_language=served.language,
            title=served.page.title,
            updated=source.last_published_at,
            organisation_id=organisation.pk,
            organisation_type_id=organisation.organisation_type_id,
            district=item["district"],
            delivery=source.delivery,
            is_free=source.is_free,
            status=source.status,
            latitude=item["latitude"],
            longitude=item["longitude"],
            terms=terms,
        )
        yield (
            listing,
            ServiceListingPayload(
                listing=listing,
                item=serialised(item),
                feature=serialised_feature(map_feature) if located else "",
            ),
        )


def _delete_rows(listings):
    """Delete `listings` and their payloads in two statements, sending no signals (no one
    listens): `QuerySet.delete()` loads every row and deletes a hundred at a time."""
    select, params = listings.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        for table, key in (
            (ServiceListingPayload._meta.db_table, "listing_id"),
            (ServiceListing._meta.db_table, "id"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({select})", params)


def refresh_service_listings(source_ids, *, gone_page_ids=()):
    """Rewrite the rows of the Greek service pages `source_ids` in every language; a
    service no longer listable loses its rows. `gone_page_ids`: pages being deleted,
    which no longer count even if still readable."""
    ids, gone = set(source_ids), set(gone_page_ids)
    if not ids:
        return
    categories = ServiceCategory.objects.select_related("parent").only("slug", "parent__slug")
    sources = list(
        live_sources(ServicePage)
        .filter(pk__in=ids)
        .exclude(pk__in=gone)
        .select_related("district")
        .only(*LIST_FIELDS, "path")
        .prefetch_related(
            Prefetch("categories", queryset=categories),
            # The other terms the row's `terms` names.
            *(relation for relation in LISTED_TERM_RELATIONS.values() if relation != "categories"),
        )
    )
    organisations = {
        page.path: page
        for page in OrganisationPage.objects.filter(
            path__in={source.organisation_path for source in sources}
        ).only("title", "translation_key", "path", "organisation_type_id")
    }
    service_keys = [source.translation_key for source in sources]
    organisation_keys = [page.translation_key for page in organisations.values()]
    translations = _live_translations(ServicePage, service_keys, gone, ("title", "slug", "summary"))
    organisation_translations = _live_translations(
        OrganisationPage, organisation_keys, gone, ("title",)
    )
    ranks = _main_category_ranks()
    rows = []
    for source in sources:
        organisation = organisations[source.organisation_path]
        rows.extend(
            _rows(
                source,
                organisation,
                translations.get(source.translation_key, {}),
                organisation_translations.get(organisation.translation_key, {}),
                _first_main_category(source, ranks),
            )
        )
    with transaction.atomic():
        ServiceListingGeneration.advance()
        _delete_rows(ServiceListing.objects.filter(service_id__in=ids))
        ServiceListing.objects.bulk_create([listing for listing, _ in rows], batch_size=BATCH_SIZE)
        # The listings have their ids now.
        ServiceListingPayload.objects.bulk_create(
            [payload for _, payload in rows], batch_size=BATCH_SIZE
        )


def refresh_service_listings_for_keys(translation_keys, *, gone_page_ids=()):
    """Refresh the services with these translation keys (pages of any language)."""
    source_ids = ServicePage.objects.filter(
        translation_key__in=list(translation_keys), locale__language_code=settings.LANGUAGE_CODE
    ).values_list("pk", flat=True)
    refresh_service_listings(list(source_ids), gone_page_ids=gone_page_ids)


def refresh_service_listings_under(page, *, gone_page_ids=()):
    """Refresh the services at or below `page` and below its Greek copy: a change to an
    organisation, a move or a view restriction changes whether they are listed."""
    roots = Page.objects.filter(
        Q(pk=page.pk)
        | Q(translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE)
    ).values_list("path", flat=True)
    below = Q()
    for path in roots:
        below |= Q(path__startswith=path)
    if below:
        keys = ServicePage.objects.filter(below).values_list("translation_key", flat=True)
        refresh_service_listings_for_keys(keys, gone_page_ids=gone_page_ids)


def services_naming_category(category):
    """The Greek services filed under `category` (any language's copy) or its
    subcategories: their items name it."""
    key = category.translation_key
    return list(
        ServicePage.objects.filter(
            Q(categories__translation_key=key) | Q(categories__parent__translation_key=key),
            locale__language_code=settings.LANGUAGE_CODE,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def rebuild_service_listings():
    """Rebuild every row from the pages as they are; returns how many rows there are."""
    source_ids = list(
        ServicePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        ServiceListingGeneration.advance()
        _delete_rows(ServiceListing.objects.all())
        for start in range(0, len(source_ids), BATCH_SIZE):
            refresh_service_listings(source_ids[start : start + BATCH_SIZE])
    return ServiceListing.objects.count()
