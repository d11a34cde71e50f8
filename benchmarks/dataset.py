"""A large, live, bilingual dataset built in bulk for `make bench`.

Creating tens of thousands of pages through `add_child` and revisions takes hours, so the
rows are written directly: treebeard paths are computed (each English copy sits at the
same steps under the English tree as its Greek source), `Page` and page-type rows go in
with one INSERT per batch, relations and child rows with `bulk_create`, and the tree's
`numchild` is recomputed at the end. Pages are live and have no revisions (the API reads
live rows only). Every organisation, service and action has an English translation
sharing its `translation_key`, as wagtail-localize would make it.

`ensure_dataset` is incremental: it adds what is missing to reach the sizes asked for, so
the list can be measured at 1,000, then 10,000, then 50,000 services in one database.
"""

import datetime
import random
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Substr
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.api.caching import invalidate_responses
from cms.search.documents import rebuild_documents
from pages.api.service_listing import rebuild_service_listings
from pages.models import (
    ActionOccurrence,
    ActionPage,
    OrganisationIndexPage,
    OrganisationPage,
    ServiceOpeningHours,
    ServicePage,
)
from pages.site_tree import ensure_site_tree
from snippets.geography import geometry_contains
from snippets.models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    TargetGroup,
    ThematicArea,
)

BATCH_SIZE = 2000
# Central Athens, where the seven districts are; points outside them get no district.
LATITUDES = (37.955, 38.025)
LONGITUDES = (23.695, 23.775)
REMOTE_SHARE = 0.1

# (Greek, English) words the titles and summaries are made of, so text search has real
# words in both languages to find.
SERVICE_KINDS = [
    ("Ιατρείο", "Clinic"),
    ("Μαθήματα ελληνικών", "Greek lessons"),
    ("Νομική συμβουλευτική", "Legal advice"),
    ("Ψυχολογική υποστήριξη", "Psychological support"),
    ("Συμβουλευτική εργασίας", "Job counselling"),
    ("Διανομή τροφίμων", "Food distribution"),
    ("Φιλοξενία έκτακτης ανάγκης", "Emergency shelter"),
    ("Διερμηνεία", "Interpretation"),
    ("Δημιουργική απασχόληση παιδιών", "Children's creative activities"),
    ("Κοινωνική υπηρεσία", "Social services"),
]
AUDIENCES = [
    ("για αιτούντες άσυλο", "for asylum seekers"),
    ("για οικογένειες", "for families"),
    ("για γυναίκες", "for women"),
    ("για ασυνόδευτους ανήλικους", "for unaccompanied minors"),
    ("για όλους", "for everyone"),
]
NEIGHBOURHOODS = [
    ("Κυψέλη", "Kypseli"),
    ("Πατήσια", "Patisia"),
    ("Εξάρχεια", "Exarchia"),
    ("Κολωνός", "Kolonos"),
    ("Παγκράτι", "Pangrati"),
    ("Πετράλωνα", "Petralona"),
    ("Γκύζη", "Gyzi"),
    ("Κέντρο", "City centre"),
]


@dataclass(frozen=True)
class Sizes:
    services: int
    organisations: int
    actions: int


@dataclass
class Terms:
    """The source-locale (Greek) terms pages point at, loaded once."""

    subcategories: list
    main_categories: list
    target_groups: list
    languages: list
    organisation_types: list
    thematic_areas: list
    districts: list

    @classmethod
    def load(cls):
        def source(model):
            return list(model.objects.in_source_locale())

        categories = source(ServiceCategory)
        return cls(
            subcategories=[term for term in categories if term.parent_id],
            main_categories=[term for term in categories if not term.parent_id],
            target_groups=source(TargetGroup),
            languages=source(Language),
            organisation_types=source(OrganisationType),
            thematic_areas=source(ThematicArea),
            districts=source(MunicipalDistrict),
        )

    def district_at(self, latitude, longitude):
        for district in self.districts:
            if district.boundary and geometry_contains(district.boundary, latitude, longitude):
                return district
        return None


class TreeWriter:
    """Adds pages below parents, in Greek and English, straight into the tables."""

    def __init__(self):
        self.greek = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
        self.english = Locale.objects.get(language_code="en")
        self.now = timezone.now()

    def next_steps(self, parents):
        """For each parent (all at one depth), the step number its next child gets."""
        depth = parents[0].depth
        last_children = (
            Page.objects.filter(depth=depth + 1)
            .annotate(parent_path=Substr("path", 1, depth * Page.steplen))
            .values("parent_path")
            .annotate(last=Max("path"))
        )
        steps = {
            row["parent_path"]: Page._str2int(row["last"][-Page.steplen :]) for row in last_children
        }
        return {parent.path: steps.get(parent.path, 0) + 1 for parent in parents}

    def place(self, page, parent, step, locale, translation_key):
        """Fill in `page`'s tree and publication fields as the child number `step`."""
        page.path = Page._get_path(parent.path, parent.depth + 1, step)
        page.depth = parent.depth + 1
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.draft_title = page.title
        page.locale = locale
        page.translation_key = translation_key
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = self.now
        page.content_type = ContentType.objects.get_for_model(type(page))
        return page

    def insert(self, pages):
        """Write `pages` (all of one type) with ids from Page's sequence."""
        if not pages:
            return
        model = type(pages[0])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('wagtailcore_page', 'id')) "
                "FROM generate_series(1, %s)",
                [len(pages)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        for page, page_id in zip(pages, ids, strict=True):
            page.id = page.page_ptr_id = page_id
        for start in range(0, len(pages), BATCH_SIZE):
            batch = pages[start : start + BATCH_SIZE]
            Page._base_manager._insert(batch, fields=Page._meta.local_concrete_fields)
            model._base_manager._insert(batch, fields=model._meta.local_concrete_fields)

    @staticmethod
    def fix_child_counts():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH counts AS (
                    SELECT substr(path, 1, length(path) - %s) AS parent_path, count(*) AS n
                    FROM wagtailcore_page WHERE depth > 1 GROUP BY 1
                )
                UPDATE wagtailcore_page AS page SET numchild = counts.n
                FROM counts WHERE page.path = counts.parent_path AND page.numchild <> counts.n
                """,
                [Page.steplen],
            )


def _coordinates(rng, terms):
    latitude = round(rng.uniform(*LATITUDES), 6)
    longitude = round(rng.uniform(*LONGITUDES), 6)
    return latitude, longitude, terms.district_at(latitude, longitude)


def _bilingual(rng, number, *parts):
    chosen = [rng.choice(part) for part in parts]
    greek = " ".join(word[0] for word in chosen)
    english = " ".join(word[1] for word in chosen)
    return f"{greek} {number}", f"{english} {number}"


def _add_relations(through, owner_field, term_field, rows):
    through.objects.bulk_create(
        [through(**{owner_field: owner, term_field: term}) for owner, term in rows],
        batch_size=BATCH_SIZE,
    )


def _add_organisations(writer, terms, rng, count):
    greek_index = OrganisationIndexPage.objects.get(locale=writer.greek)
    english_index = greek_index.get_translation(writer.english)
    start = OrganisationPage.objects.filter(locale=writer.greek).count() + 1
    first_step = writer.next_steps([greek_index])[greek_index.path]
    pages, activity = [], []
    for offset in range(count):
        number = start + offset
        latitude, longitude, district = _coordinates(rng, terms)
        key = uuid.uuid4()
        greek_title, english_title = _bilingual(rng, number, NEIGHBOURHOODS)
        organisation_type = rng.choice(terms.organisation_types)
        fields_of_activity = rng.sample(terms.main_categories, 2)
        for index, locale, title in (
            (greek_index, writer.greek, f"Οργάνωση {greek_title}"),
            (english_index, writer.english, f"Organisation {english_title}"),
        ):
            page = OrganisationPage(
                title=title,
                slug=f"organisation-{number}",
                organisation_type=organisation_type,
                description=f"<p>{title}</p>",
                address=f"{greek_title}, Αθήνα",
                latitude=latitude,
                longitude=longitude,
                district=district,
                public_phone="+30 210 0000000",
            )
            pages.append(writer.place(page, index, first_step + offset, locale, key))
            activity.extend((page, term) for term in fields_of_activity)
    writer.insert(pages)
    _add_relations(
        OrganisationPage.activity_fields.through, "organisationpage", "servicecategory", activity
    )


def _organisation_pairs(writer):
    """(Greek organisation, its English copy) in creation order."""
    greek = list(OrganisationPage.objects.filter(locale=writer.greek).order_by("path"))
    english = {
        page.translation_key: page
        for page in OrganisationPage.objects.filter(locale=writer.english)
    }
    return [(page, english[page.translation_key]) for page in greek]


def _add_services(writer, terms, rng, count, organisations):
    start = ServicePage.objects.filter(locale=writer.greek).count() + 1
    steps = writer.next_steps([greek for greek, _english in organisations])
    pages, categories, groups, languages, hours = [], [], [], [], []
    for offset in range(count):
        number = start + offset
        greek_parent, english_parent = organisations[(number - 1) % len(organisations)]
        step = steps[greek_parent.path]
        steps[greek_parent.path] += 1
        remote = rng.random() < REMOTE_SHARE
        latitude, longitude, district = (None, None, None) if remote else _coordinates(rng, terms)
        greek_title, english_title = _bilingual(rng, number, SERVICE_KINDS, AUDIENCES)
        neighbourhood = rng.choice(NEIGHBOURHOODS)
        shared = {
            "delivery": ServicePage.Delivery.REMOTE if remote else ServicePage.Delivery.IN_PERSON,
            "access": rng.choice(ServicePage.Access.values),
            "is_free": rng.random() < 0.8,
            "interpretation_available": rng.random() < 0.3,
            "latitude": latitude,
            "longitude": longitude,
            "district": district,
            "phone": "+30 210 0000000",
            "email": f"service-{number}@example.org",
            "last_verified": datetime.date(2026, 1, 1) + datetime.timedelta(days=number % 300),
        }
        service_terms = (
            rng.sample(terms.subcategories, rng.randint(1, 2)),
            rng.sample(terms.target_groups, rng.randint(0, 2)),
            rng.sample(terms.languages, rng.randint(1, 3)),
        )
        opening_days = rng.sample(range(5), rng.randint(0, 5))
        key = uuid.uuid4()
        for parent, locale, title, summary, address in (
            (
                greek_parent,
                writer.greek,
                greek_title,
                f"{greek_title}: δωρεάν υπηρεσία στην περιοχή {neighbourhood[0]}.",
                f"Οδός {neighbourhood[0]} {number}, Αθήνα",
            ),
            (
                english_parent,
                writer.english,
                english_title,
                f"{english_title}: a free service in {neighbourhood[1]}.",
                f"{neighbourhood[1]} street {number}, Athens",
            ),
        ):
            page = ServicePage(
                title=title,
                slug=f"service-{number}",
                summary=summary,
                description=f"<p>{summary}</p>",
                address="" if remote else address,
                **shared,
            )
            page.next_review = page.last_verified + datetime.timedelta(days=182)
            pages.append(writer.place(page, parent, step, locale, key))
            for related, term_list in zip(
                (categories, groups, languages), service_terms, strict=True
            ):
                related.extend((page, term) for term in term_list)
            hours.extend(
                ServiceOpeningHours(
                    page=page,
                    weekday=day,
                    opens=datetime.time(9),
                    closes=datetime.time(17),
                    sort_order=position,
                )
                for position, day in enumerate(opening_days)
            )
    writer.insert(pages)
    _add_relations(ServicePage.categories.through, "servicepage", "servicecategory", categories)
    _add_relations(ServicePage.target_groups.through, "servicepage", "targetgroup", groups)
    _add_relations(ServicePage.languages.through, "servicepage", "language", languages)
    ServiceOpeningHours.objects.bulk_create(hours, batch_size=BATCH_SIZE)


def _add_actions(writer, terms, rng, count, organisations):
    start = ActionPage.objects.filter(locale=writer.greek).count() + 1
    steps = writer.next_steps([greek for greek, _english in organisations])
    pages, occurrences, areas = [], [], []
    first_day = writer.now.replace(hour=18, minute=0, second=0, microsecond=0)
    for offset in range(count):
        number = start + offset
        greek_parent, english_parent = organisations[(number - 1) % len(organisations)]
        step = steps[greek_parent.path]
        steps[greek_parent.path] += 1
        latitude, longitude, district = _coordinates(rng, terms)
        starts = first_day + datetime.timedelta(days=number % 90)
        area = rng.choice(terms.thematic_areas)
        neighbourhood = rng.choice(NEIGHBOURHOODS)
        page_key, occurrence_key = uuid.uuid4(), uuid.uuid4()
        for parent, locale, title in (
            (greek_parent, writer.greek, f"Γιορτή γειτονιάς {neighbourhood[0]} {number}"),
            (english_parent, writer.english, f"Neighbourhood party {neighbourhood[1]} {number}"),
        ):
            page = ActionPage(
                title=title,
                slug=f"action-{number}",
                short_description=title,
                description=f"<p>{title}</p>",
            )
            pages.append(writer.place(page, parent, step, locale, page_key))
            occurrence = ActionOccurrence(
                page=page,
                start=starts,
                end=starts + datetime.timedelta(hours=3),
                address=title,
                latitude=latitude,
                longitude=longitude,
                district=district,
                locale=locale,
                translation_key=occurrence_key,
                sort_order=0,
            )
            occurrences.append(occurrence)
            areas.append((occurrence, area))
    writer.insert(pages)
    ActionOccurrence.objects.bulk_create(occurrences, batch_size=BATCH_SIZE)
    _add_relations(
        ActionOccurrence.thematic_areas.through, "actionoccurrence", "thematicarea", areas
    )


def current_sizes():
    greek = {"locale__language_code": settings.LANGUAGE_CODE}
    return Sizes(
        services=ServicePage.objects.filter(**greek).count(),
        organisations=OrganisationPage.objects.filter(**greek).count(),
        actions=ActionPage.objects.filter(**greek).count(),
    )


def ensure_dataset(target, *, seed=2026):
    """Add organisations, services and actions (Greek + English) up to `target`'s sizes.

    Returns the sizes now in the database. These writes send no signals: the services'
    read model and the search documents are rebuilt and the API's response cache
    invalidated here. The caller
    vacuums and analyses afterwards (`benchmarks.run.settle_database`).
    """
    ensure_site_tree()
    existing = current_sizes()
    rng = random.Random(f"{seed}:{existing}")
    terms = Terms.load()
    writer = TreeWriter()
    with transaction.atomic():
        if target.organisations > existing.organisations:
            _add_organisations(writer, terms, rng, target.organisations - existing.organisations)
        organisations = _organisation_pairs(writer)
        if target.services > existing.services:
            _add_services(writer, terms, rng, target.services - existing.services, organisations)
        if target.actions > existing.actions:
            _add_actions(writer, terms, rng, target.actions - existing.actions, organisations)
        writer.fix_child_counts()
        rebuild_service_listings()
        # Text search reads these documents; the bulk inserts sent no signal to write them.
        rebuild_documents()
    invalidate_responses()
    return current_sizes()
