"""Importing synAthina's actions in thematic area 12 as read-only partner actions
(CONTRACT.md 2.B.1): `sync_synathina --pull`, from cron and on demand.

Both languages' documents are fetched and read completely (`feed_reader`) before anything
changes; then, in one transaction, new actions are created and published, changed ones
updated (only when their content hash differs: no needless revisions), and those that
left the feed unpublished (their history is kept; an action that returns is published
again). Every run, succeeded or failed, is recorded as a `PullRun`; a failed one changed
nothing. A dry run reads and compares, and neither changes nor records anything.

Partner actions live under one organisation page, "synAthina" (`PARTNER_SLUG` under the
members index), created on the first import with its English translation. The Greek page
is the source; the English feed gives its wagtail-localize translation.
"""

import logging
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from cms.content_translation import MissingSourceString, translate
from pages.models import ActionOccurrence, ActionPage, OrganisationIndexPage, OrganisationPage
from snippets.geography import districts_read_once
from snippets.models import OrganisationType, ThematicArea

from .client import SynathinaClient, SynathinaError
from .feed_reader import FeedRejected, combine, read_document, slug_for
from .models import ImportedAction, PullRun

logger = logging.getLogger(__name__)

LANGUAGES = ("el", "en")
PARTNER_SLUG = "synathina"
PARTNER = {
    "title": {"el": "synAthina", "en": "synAthina"},
    "description": {
        "el": "Δράσεις για μετανάστες και πρόσφυγες από την πλατφόρμα synAthina του Δήμου "
        "Αθηναίων. Κάθε δράση έχει σύνδεσμο προς τη σελίδα της στο synAthina.",
        "en": "Actions for migrants and refugees from the City of Athens' synAthina "
        "platform. Each action links to its page on synAthina.",
    },
}
PARTNER_ORGANISATION_TYPE = "municipal-service"
ORGANISED_BY = {"el": "Διοργάνωση: {team}", "en": "Organised by: {team}"}
# How many of the problems of a run are kept with it.
MAX_RECORDED_PROBLEMS = 200


@dataclass
class PullReport:
    """What a pull did (or, dry, would do)."""

    dry_run: bool = False
    ok: bool = True
    error: str = ""
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    outside_area: int = 0
    problems: list = field(default_factory=list)
    run: PullRun | None = None


@dataclass
class Plan:
    create: list = field(default_factory=list)  # PartnerAction
    update: list = field(default_factory=list)  # (ImportedAction, PartnerAction)
    remove: list = field(default_factory=list)  # ImportedAction
    unchanged: int = 0

    @property
    def steps(self):
        return len(self.create) + len(self.update) + len(self.remove)


def fetch_and_read(client):
    """Both documents, read; raises SynathinaError or FeedRejected if either is unusable."""
    return {
        language: read_document(language, client.fetch_feed(language)) for language in LANGUAGES
    }


def make_plan(combined):
    records = {
        record.synathina_id: record for record in ImportedAction.objects.select_related("page")
    }
    plan = Plan()
    for action_id, action in combined.actions.items():
        record = records.get(action_id)
        if record is None:
            plan.create.append(action)
        elif (
            record.content_hash != action.content_hash()
            or not record.in_feed
            or record.page is None
            or not record.page.live
        ):
            plan.update.append((record, action))
        else:
            plan.unchanged += 1
    if combined.removals_allowed:
        kept = set(combined.actions) | set(combined.skipped)
        plan.remove = [
            record
            for action_id, record in records.items()
            if action_id not in kept and record.in_feed
        ]
    return plan


def pull(*, dry_run=False, progress=None, client=None):
    """One pull; returns a PullReport. `progress(done, total)` is called as actions are
    written. Raises only for the unexpected (a database error), after recording it."""
    started_at = timezone.now()
    report = PullReport(dry_run=dry_run)
    try:
        readings = fetch_and_read(client or SynathinaClient())
        imported_ids = set(ImportedAction.objects.values_list("synathina_id", flat=True))
        combined = combine(readings["el"], readings["en"], imported_ids)
        if not readings["el"].action_ids and ImportedAction.objects.filter(in_feed=True).exists():
            raise FeedRejected("The Greek feed lists no actions at all: not believed.")
    except (SynathinaError, FeedRejected) as error:
        report.ok, report.error = False, f"{type(error).__name__}: {error}"
        return _record(report, started_at)
    plan = make_plan(combined)
    report.created, report.removed = len(plan.create), len(plan.remove)
    report.updated, report.unchanged = len(plan.update), plan.unchanged
    report.skipped, report.outside_area = len(combined.skipped), combined.outside_area
    report.problems = combined.problems
    if dry_run:
        return report
    try:
        failed = apply(plan, progress)
    except Exception as error:
        report.ok, report.error = False, f"{type(error).__name__}: {error}"
        report.created = report.updated = report.removed = 0
        _record(report, started_at)
        raise
    new_ids = {action.action_id for action in plan.create}
    for action_id, problem in failed.items():
        report.problems.append(problem)
        report.skipped += 1
        if action_id in new_ids:
            report.created -= 1
        else:
            report.updated -= 1
    return _record(report, started_at)


def _record(report, started_at):
    if not report.dry_run:
        report.run = PullRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            outcome=PullRun.Outcome.OK if report.ok else PullRun.Outcome.FAILED,
            created=report.created,
            updated=report.updated,
            removed=report.removed,
            unchanged=report.unchanged,
            skipped=report.skipped,
            error=report.error,
            problems=report.problems[:MAX_RECORDED_PROBLEMS],
        )
        if not report.ok:
            logger.warning("synAthina pull failed: %s", report.error)
    return report


@transaction.atomic
def apply(plan, progress=None):
    """Write the plan; returns {synAthina id: problem} of the actions that could not be
    written (their changes undone, as for a bad feature)."""
    # Each page is saved several times on its way to being published and translated; its
    # references are indexed once, when it is written (as the demo loader does), and its
    # occurrences' districts are looked up in boundaries read once for the whole pull.
    with disable_reference_index_auto_update(), districts_read_once():
        return _apply(plan, progress)


def _apply(plan, progress):
    writes = [(ImportedAction(synathina_id=a.action_id), a) for a in plan.create] + plan.update
    # The parent is made outside the savepoints below: one action's failure can't undo it.
    writer = PartnerActionWriter(ensure_partner_organisation() if writes else None)
    failed = {}
    done = 0

    def step():
        nonlocal done
        done += 1
        if progress:
            progress(done, plan.steps)

    for record, action in writes:
        try:
            with transaction.atomic():
                writer.write(record, action)
        except (ValidationError, MissingSourceString) as error:
            # Text the checks let through but the page refuses: this action only.
            message = f"not written: {type(error).__name__}: {error}"
            failed[action.action_id] = {
                "language": "el", "feature": None, "action_id": action.action_id,
                "message": message,
            }  # fmt: skip
        step()
    for record in plan.remove:
        writer.remove(record)
        step()
    return failed


def _greek():
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def _english():
    return Locale.objects.get(language_code="en")


def find_partner_organisation():
    """The Greek "synAthina" organisation page partner actions live under, if created."""
    return (
        OrganisationPage.objects.filter(locale=_greek(), slug=PARTNER_SLUG)
        .child_of(OrganisationIndexPage.objects.get(locale=_greek()))
        .first()
    )


def ensure_partner_organisation():
    organisation = find_partner_organisation()
    if organisation is not None:
        return organisation
    index = OrganisationIndexPage.objects.get(locale=_greek())
    organisation = OrganisationPage(
        title=PARTNER["title"]["el"],
        slug=PARTNER_SLUG,
        organisation_type=OrganisationType.objects.get(
            locale=_greek(), slug=PARTNER_ORGANISATION_TYPE
        ),
        legal_form=OrganisationPage.LegalForm.PUBLIC_BODY,
        description=f"<p>{escape(PARTNER['description']['el'], quote=False)}</p>",
        website=settings.SYNATHINA_BASE_URL,
    )
    index.add_child(instance=organisation)
    organisation.save_revision().publish()
    organisation = OrganisationPage.objects.get(pk=organisation.pk)
    strings = {PARTNER_SLUG: PARTNER_SLUG}
    for texts in PARTNER.values():
        strings[texts["el"]] = texts["en"]
    translation = translate(organisation, _english(), strings)
    ReferenceIndex.create_or_update_for_object(organisation)
    ReferenceIndex.create_or_update_for_object(translation)
    return organisation


class PartnerActionWriter:
    """Writes partner action pages: the Greek page published, then its English translation."""

    def __init__(self, parent):
        self.parent = parent
        self.english = _english()
        self.areas = {
            area.synathina_id: area
            for area in ThematicArea.objects.filter(locale=_greek(), synathina_id__isnull=False)
        }

    def write(self, record, action):
        page = record.page.specific if record.page_id else None
        if page is None:
            page = ActionPage(
                slug=slug_for(action),
                source=ActionPage.Source.SYNATHINA,
                live=True,
            )
        self._fill(page, action)
        if page.pk is None:
            self.parent.add_child(instance=page)
        page.save_revision().publish()
        page = ActionPage.objects.get(pk=page.pk)
        translation = translate(page, self.english, self._english_strings(page, action))
        ReferenceIndex.create_or_update_for_object(page)
        ReferenceIndex.create_or_update_for_object(translation)
        record.page = page
        record.content_hash = action.content_hash()
        record.in_feed = True
        record.changed_at = timezone.now()
        record.save()

    def _fill(self, page, action):
        page.title = action.title("el")
        page.short_description = action.short_description("el")
        page.description = _paragraph(ORGANISED_BY["el"], action.team_name("el"))
        page.source_url = action.url
        existing = list(page.occurrences.all()) if page.pk else []
        occurrences = []
        for position, (feature, subtitle) in enumerate(
            zip(action.greek, action.subtitles("el"), strict=True)
        ):
            occurrence = existing[position] if position < len(existing) else ActionOccurrence()
            occurrence.sort_order = position
            occurrence.subtitle = subtitle
            occurrence.start, occurrence.end = feature.start, feature.end
            occurrence.address = feature.address
            occurrence.latitude, occurrence.longitude = feature.latitude, feature.longitude
            occurrence.district_set_by_hand = False
            occurrence.thematic_areas = [
                self.areas[area] for area in feature.thematic_areas if area in self.areas
            ]
            occurrences.append(occurrence)
        page.occurrences = occurrences

    def _english_strings(self, page, action):
        """Greek text → English text, for every text of the page wagtail-localize segments."""
        strings = {page.slug: page.slug}

        def pair(greek, english):
            if greek:
                strings.setdefault(greek, english or greek)

        pair(page.title, action.title("en"))
        pair(page.short_description, action.short_description("en"))
        pair(
            ORGANISED_BY["el"].format(team=action.team_name("el")),
            ORGANISED_BY["en"].format(team=action.team_name("en")),
        )
        subtitles = zip(action.subtitles("el"), action.subtitles("en"), strict=True)
        for (greek_subtitle, english_subtitle), greek, english in zip(
            subtitles, action.greek, action.english, strict=True
        ):
            pair(greek_subtitle, english_subtitle)
            pair(greek.address, english.address)
        return strings

    def remove(self, record):
        page = record.page
        if page is not None:
            for version in (page, page.get_translation_or_none(self.english)):
                if version is not None and version.live:
                    version.specific.unpublish()
        record.in_feed = False
        record.changed_at = timezone.now()
        record.save()


def _paragraph(template, team):
    return f"<p>{escape(template.format(team=team), quote=False)}</p>" if team else ""


def managed_by_pull(page):
    """Whether the pull owns `page` (in any locale): a partner action or the synAthina
    organisation they live under. Nobody edits those in the admin (decision 68)."""
    page_class = page.specific_class
    if page_class is not None and issubclass(page_class, ActionPage):
        return ActionPage.objects.filter(pk=page.pk, source=ActionPage.Source.SYNATHINA).exists()
    if page_class is OrganisationPage:
        partner = find_partner_organisation()
        return partner is not None and page.translation_key == partner.translation_key
    return False
