"""Installs the demo content: Greek pages, published, each with its published English translation.

Idempotent: a page is identified by its slug under its parent, and one that exists is
left alone (only given its English translation if it lacks one). Everything that varies
from page to page (coordinates, hours, dates…) is drawn from a random generator seeded
with the page's organisation and slug, so every run builds the same content; dates count
from the day the demo is first loaded.
"""

import datetime
import random
from collections import Counter
from functools import partial
from html import escape

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, ReferenceIndex
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.content_translation import translate
from pages.models import (
    ActionOccurrence,
    ActionPage,
    ActionSupportRequest,
    ContentPage,
    NewsPage,
    OpenCallPage,
    OrganisationContactPerson,
    OrganisationPage,
    ServiceClosure,
    ServiceMessagingChannel,
    ServiceOpeningHours,
    ServicePage,
)
from pages.models.services import ATHENS
from pages.site_tree import ensure_site_tree
from snippets.models import (
    Language,
    MunicipalDistrict,
    OrganisationType,
    ServiceCategory,
    SupportType,
    TargetGroup,
    ThematicArea,
)
from snippets.seed import install_taxonomies

from .content import Text, load
from .places import DistrictMap, neighbourhoods

SOURCE_LANGUAGE = settings.LANGUAGE_CODE
TRANSLATED_LANGUAGE = "en"
REMOTE = "remote"  # where a service is offered when it has no address
MIGRANTS_AND_REFUGEES_AREA = "refugees-immigrants"  # synAthina's area for every demo action
WEEKDAYS = {
    name: number for number, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
}

AT_PLACE = Text("{what} – {place}", "{what} – {place}")
REMOTELY = Text("{what} (εξ αποστάσεως)", "{what} (remote)")
IN_PLACE = Text("{what} {at}", "{what} {at}")

# How often a service varies from the plain case.
SHARE_OFFERED_REMOTELY_TOO = 0.4
SHARE_CHARGING = 0.6
SHARE_WITH_INTERPRETER = 0.3
SHARE_TEMPORARILY_CLOSED = 0.05
SHARE_OVERDUE_FOR_REVIEW = 0.15
SHARE_CLOSING_IN_SUMMER = 0.15
SHARE_CLOSING_AT_CHRISTMAS = 0.1
SHARE_WITH_MESSAGING = 0.3
SHARE_WITH_OWN_WEBSITE = 0.3


class Bilingual:
    """Builds one page's Greek field values, noting the English of each for `translate`."""

    def __init__(self):
        self.english = {}

    def __call__(self, text):
        self.english[text.el] = text.en
        return text.el

    def same(self, value):
        """A value that is the same in both languages (a slug)."""
        self.english[value] = value
        return value

    def rich(self, paragraphs):
        """Rich text of plain paragraphs (wagtail-localize translates each on its own)."""
        return "".join(f"<p>{escape(self(paragraph), quote=False)}</p>" for paragraph in paragraphs)

    def body(self, blocks):
        """StreamField content from `{heading = Text}` and `{paragraph = Text}` blocks."""
        return [
            ("heading", self(block["heading"]))
            if "heading" in block
            else ("paragraph", RichText(self.rich([block["paragraph"]])))
            for block in blocks
        ]


def _by_slug(model, *related):
    return {term.slug: term for term in model.objects.in_source_locale().select_related(*related)}


class DemoLoader:
    def __init__(self, today):
        self.today = today
        self.english = Locale.objects.get(language_code=TRANSLATED_LANGUAGE)
        self.places = neighbourhoods()
        self.districts = DistrictMap(MunicipalDistrict.objects.in_source_locale())
        self.categories = _by_slug(ServiceCategory, "parent")
        self.target_groups = _by_slug(TargetGroup)
        self.languages = _by_slug(Language)
        self.organisation_types = _by_slug(OrganisationType)
        self.thematic_areas = _by_slug(ThematicArea)
        self.support_types = _by_slug(SupportType)
        self.services = load("services")
        self.translated = set(
            Page.objects.filter(locale=self.english).values_list("translation_key", flat=True)
        )
        self.children = {}
        self.created = Counter()
        self.translations = 0

    def install(self, tree):
        """Add what is missing under the site tree's pages; returns how many of each kind."""
        parents = {"organisations": tree.organisations, "news": tree.news, "home": tree.home}
        for parent, slug, kind, build in self.plan():
            with transaction.atomic():
                page = self.ensure(parents[parent], slug, kind, build)
            if parent == "organisations":
                parents[slug] = page
        if self.translations:
            return {**self.created, "English translations": self.translations}
        return dict(self.created)

    def plan(self):
        """Every demo page as (parent, slug, kind, build), parents before their children.

        `parent` is "organisations", "news" or "home" (the site tree's pages) or the slug of
        an organisation; `build()` makes the unsaved Greek page and its `Bilingual` texts.
        """
        organisations = load("organisations")["organisations"]
        calls = load("calls")["calls"]
        for organisation in organisations:
            slug = organisation["slug"]
            yield "organisations", slug, "organisations", partial(self.organisation, organisation)
            for template, where in self.offered(organisation):
                build = partial(self.service, organisation, template, where)
                yield slug, f"{template['slug']}-{where}", "services", build
            for call in calls:
                if call["org"] == slug:
                    yield slug, call["slug"], "open calls", partial(self.call, call)
        by_slug = {organisation["slug"]: organisation for organisation in organisations}
        for theme in load("actions")["themes"]:
            for number, organiser in enumerate(theme["organisers"]):
                build = partial(self.action, theme, by_slug[organiser["org"]], organiser, number)
                yield organiser["org"], _action_slug(theme, organiser), "actions", build
        editorial = load("editorial")
        for news in editorial["news"]:
            date = self.today - datetime.timedelta(days=news["days_ago"])
            yield "news", news["slug"], "news", partial(self.editorial, NewsPage, news, date=date)
        for content in editorial["pages"]:
            build = partial(self.editorial, ContentPage, content)
            yield "home", content["slug"], "content pages", build

    def ensure(self, parent, slug, kind, build):
        """The page `slug` under `parent`: created from `build()` and published if missing,
        and translated into English if it has no translation yet.
        """
        if parent.pk not in self.children:
            self.children[parent.pk] = {page.slug: page for page in Page.objects.child_of(parent)}
        page, strings = self.children[parent.pk].get(slug), None
        if page is None:
            page, strings = build()
            _create_live(parent, page)
            ReferenceIndex.create_or_update_for_object(page)
            self.created[kind] += 1
        if page.translation_key not in self.translated:
            strings = strings or build()[1]
            translation = translate(page.specific, self.english, strings.english)
            ReferenceIndex.create_or_update_for_object(translation)
            self.translated.add(page.translation_key)
            self.translations += 1
        return page

    def spot(self, place, seed):
        """(address, latitude, longitude) in neighbourhood `place`, the same for the same seed."""
        return place.address(random.Random(seed)), *self.districts.point(place.district, seed)

    def organisation(self, data):
        text = Bilingual()
        # Its services in the same neighbourhood are at this address too.
        address, latitude, longitude = self.spot(
            self.places[data["at"]], f"{data['slug']}/{data['at']}"
        )
        rng = random.Random(data["slug"])
        domain = f"{data['slug']}.example.org"
        contact = rng.choice(load("organisations")["contact_people"])
        page = OrganisationPage(
            title=text(data["name"]),
            slug=text.same(data["slug"]),
            organisation_type=self.organisation_types[data["type"]],
            legal_form=data["legal_form"],
            description=text.rich(data["description"]),
            website=f"https://{domain}/",
            public_phone=_landline(rng),
            public_email=f"info@{domain}",
            address=text(address),
            latitude=latitude,
            longitude=longitude,
            synathina_team_id=data.get("synathina_team"),
        )
        page.activity_fields = sorted(
            {self.categories[slug].parent for slug in data["services"]}, key=lambda c: c.sort_order
        )
        page.contact_persons = [
            OrganisationContactPerson(
                name=contact["name"], email=f"{contact['handle']}@{domain}", phone=_mobile(rng)
            )
        ]
        return page, text

    def offered(self, organisation):
        """(template, neighbourhood or "remote") for each service the organisation offers."""
        templates = {template["slug"]: template for template in self.services["templates"]}
        return [
            (templates[slug], where)
            for slug, places in organisation["services"].items()
            for where in places
        ]

    def service(self, organisation, template, where):
        text = Bilingual()
        slug = f"{template['slug']}-{where}"
        rng = random.Random(f"{organisation['slug']}/{slug}")
        remote = where == REMOTE
        status = ServicePage.Status.ACTIVE
        if rng.random() < SHARE_TEMPORARILY_CLOSED:
            status = ServicePage.Status.TEMPORARILY_CLOSED
        access = template["access"]
        if remote and access == ServicePage.Access.WALK_IN:
            access = ServicePage.Access.APPOINTMENT
        defaults = self.services["defaults"]
        page = ServicePage(
            slug=text.same(slug),
            summary=text(template["summary"]),
            description=text.rich([template["description"]]),
            eligibility=text(template.get("eligibility", defaults["eligibility"])),
            access=access,
            how_to_access=text(self.services["how_to_access"][REMOTE if remote else access]),
            interpretation_available=template.get("interpretation", False)
            or rng.random() < SHARE_WITH_INTERPRETER,
            status=status,
            last_verified=self.today - datetime.timedelta(days=self._days_since_check(rng)),
            phone=_landline(rng),
            email=f"info@{organisation['slug']}.example.org",
        )
        if template.get("cost") and rng.random() < SHARE_CHARGING:
            page.is_free, page.cost_description = False, text(template["cost"])
        if rng.random() < SHARE_WITH_OWN_WEBSITE:
            page.website = f"https://{organisation['slug']}.example.org/{template['slug']}/"
        if remote:
            page.title = text(REMOTELY.format(what=template["title"]))
            page.delivery = ServicePage.Delivery.REMOTE
        else:
            self.locate_service(page, text, organisation, template, where, rng)
        subcategories = [template["slug"], *([template["also"]] if "also" in template else [])]
        page.categories = [self.categories[slug] for slug in subcategories]
        page.target_groups = [self.target_groups[slug] for slug in template["for"]]
        spoken = organisation["languages"]
        spoken = rng.sample(spoken, k=min(rng.randint(1, 3), len(spoken)))
        page.languages = [self.languages[slug] for slug in ["el", *spoken]]
        schedule = template.get("schedule") or rng.choice(defaults["schedules"])
        page.opening_hours = _opening_hours(self.services["schedules"][schedule])
        page.closures = self.closures(status, rng)
        if rng.random() < SHARE_WITH_MESSAGING:
            app = rng.choice(
                [ServiceMessagingChannel.App.WHATSAPP, ServiceMessagingChannel.App.VIBER]
            )
            page.messaging_channels = [ServiceMessagingChannel(app=app, handle=_mobile(rng))]
        return page, text

    def locate_service(self, page, text, organisation, template, where, rng):
        """In person (sometimes remotely too), at the organisation's place in `where`."""
        place = self.places[where]
        address, latitude, longitude = self.spot(place, f"{organisation['slug']}/{where}")
        page.title = text(AT_PLACE.format(what=template["title"], place=place.name))
        page.address, page.latitude, page.longitude = text(address), latitude, longitude
        page.accessibility = text(rng.choice(self.services["defaults"]["accessibility"]))
        if template.get("remote_too") and rng.random() < SHARE_OFFERED_REMOTELY_TOO:
            page.delivery = ServicePage.Delivery.BOTH

    def _days_since_check(self, rng):
        # Services are to be checked every six months: some are overdue.
        if rng.random() < SHARE_OVERDUE_FOR_REVIEW:
            return rng.randint(200, 420)
        return rng.randint(3, 150)

    def closures(self, status, rng):
        reasons = self.services["closures"]
        if status == ServicePage.Status.TEMPORARILY_CLOSED:
            start = self.today - datetime.timedelta(days=rng.randint(3, 20))
            end = self.today + datetime.timedelta(days=rng.randint(10, 60))
            return [ServiceClosure(start_date=start, end_date=end, reason=reasons["works"])]
        closures = []
        if rng.random() < SHARE_CLOSING_IN_SUMMER:
            start = self._next(8, 10)
            closures.append(
                ServiceClosure(
                    start_date=start, end_date=start.replace(day=24), reason=reasons["summer"]
                )
            )
        if rng.random() < SHARE_CLOSING_AT_CHRISTMAS:
            start = self._next(12, 24)
            closures.append(
                ServiceClosure(
                    start_date=start,
                    end_date=datetime.date(start.year + 1, 1, 2),
                    reason=reasons["christmas"],
                )
            )
        return closures

    def _next(self, month, day):
        """The next `day` of `month`, from today on."""
        date = datetime.date(self.today.year, month, day)
        return date if date >= self.today else date.replace(year=date.year + 1)

    def call(self, data):
        text = Bilingual()
        page = OpenCallPage(
            title=text(data["title"]),
            slug=text.same(data["slug"]),
            call_type=data["type"],
            summary=text(data["summary"]),
            description=text.rich(data["description"]),
        )
        if "deadline_in_days" in data:
            page.deadline = _athens(
                self.today + datetime.timedelta(days=data["deadline_in_days"]), "23:59"
            )
        page.thematic_areas = [self.thematic_areas[slug] for slug in data["areas"]]
        return page, text

    def action(self, theme, organisation, organiser, organiser_number):
        text = Bilingual()
        touring = theme.get("touring", False)
        stops = theme["stops"] if touring else [organiser["at"]]
        slug = _action_slug(theme, organiser)
        seed = f"{organisation['slug']}/{slug}"
        rng = random.Random(seed)
        title = theme["title"]
        if not touring:
            title = IN_PLACE.format(what=title, at=self.places[organiser["at"]].at)
        page = ActionPage(
            title=text(title),
            slug=text.same(slug),
            short_description=text(theme["short"]),
            description=text.rich(theme["description"]),
            share_on_synathina="synathina_team" in organisation,
            other_partners=text(theme["other_partners"]) if "other_partners" in theme else "",
        )
        partners = [slug for slug in theme.get("partners", []) if slug != organisation["slug"]]
        page.partner_organisations = list(
            OrganisationPage.objects.filter(
                locale__language_code=SOURCE_LANGUAGE, slug__in=partners
            )
        )
        first = self.today + datetime.timedelta(days=rng.randint(4, 40))
        first += datetime.timedelta(days=(WEEKDAYS[theme["weekday"]] - first.weekday()) % 7)
        areas = [
            self.thematic_areas[area] for area in [MIGRANTS_AND_REFUGEES_AREA, *theme["areas"]]
        ]
        occurrences = []
        for number in range(theme["sessions"]):
            place = self.places[stops[(number + organiser_number) % len(stops)]]
            day = first + datetime.timedelta(days=number * theme.get("every_days", 7))
            # A touring action is somewhere new each time; the others keep their venue.
            address, latitude, longitude = self.spot(place, f"{seed}/{place.slug}")
            subtitle = theme["subtitle"].format(
                n=number + 1, total=theme["sessions"], place=place.name
            )
            occurrence = ActionOccurrence(
                subtitle=text(subtitle),
                start=_athens(day, theme["time"][0]),
                end=_athens(day, theme["time"][1]),
                address=text(address),
                latitude=latitude,
                longitude=longitude,
            )
            occurrence.thematic_areas = areas
            occurrences.append(occurrence)
        page.occurrences = occurrences
        page.support_requests = [
            ActionSupportRequest(
                support_type=self.support_types[request["type"]], message=text(request["message"])
            )
            for request in theme.get("support", [])
        ]
        return page, text

    def editorial(self, model, data, **fields):
        """A news article or content page: title, introduction and body."""
        text = Bilingual()
        page = model(
            title=text(data["title"]),
            slug=text.same(data["slug"]),
            intro=text(data["intro"]),
            body=text.body(data["body"]),
            **fields,
        )
        return page, text


def _action_slug(theme, organiser):
    """A touring action is the theme; the others are the theme in a neighbourhood."""
    return theme["slug"] if theme.get("touring") else f"{theme['slug']}-{organiser['at']}"


def _opening_hours(rows):
    return [
        ServiceOpeningHours(
            weekday=weekday,
            opens=datetime.time.fromisoformat(opens),
            closes=datetime.time.fromisoformat(closes),
        )
        for days, opens, closes in rows
        for weekday in _weekdays(days)
    ]


def _weekdays(days):
    """ "mon-fri" → 0…4; "tue,thu" → 1, 3."""
    for part in days.split(","):
        first, _, last = part.partition("-")
        yield from range(WEEKDAYS[first], WEEKDAYS[last or first] + 1)


def _athens(day, time):
    return datetime.datetime.combine(day, datetime.time.fromisoformat(time), tzinfo=ATHENS)


def _landline(rng):
    return f"+30 210 {rng.randint(300, 999)} {rng.randint(1000, 9999)}"


def _mobile(rng):
    return f"+30 69{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def _create_live(parent, page):
    """Add `page` under `parent`, live, with its content saved as its live revision.

    What publishing a new page amounts to, without re-reading and re-saving the whole page
    (and its child objects) from the revision just written: the demo's first run adds a few
    hundred pages and is meant to stay well under a minute.
    """
    page.live, page.first_published_at = True, timezone.now()
    page.last_published_at = page.first_published_at
    parent.add_child(instance=page)  # validates the page, as it is live
    page.live_revision = page.save_revision(changed=False, clean=False)
    Page.objects.filter(pk=page.pk).update(live_revision=page.live_revision)


def install_demo(today=None):
    """Install the demo content that is missing; returns how many pages of each kind were added."""
    install_taxonomies()
    tree = ensure_site_tree()
    # Each page is saved several times on its way to being published and translated; its
    # references are indexed once, when it is done, rather than after every save.
    with disable_reference_index_auto_update():
        return DemoLoader(today or timezone.localdate(timezone=ATHENS)).install(tree)
