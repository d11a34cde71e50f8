"""One PO file per locale for translation agencies: every outstanding string of the
live Greek content (pages and taxonomy terms), exported and imported back.

Built on wagtail-localize: each page or term has a `TranslationSource` (refreshed from
the live Greek content on export, so source edits become outstanding strings) and a
`Translation` per target locale; `Translation.export_po()` and `import_po()` do the
per-object work. Entries are told apart by their `msgctxt`, "<translation uuid>:<field
path>", and the file names its locale in a header, so a file can only go back into the
locale it came from.

Only wagtail-localize's string segments reach the file, i.e. the translatable text
fields; synchronised fields and child rows (contact persons, opening hours…) never do.

Imported page translations go live through the translator review: each page that got
new strings is saved as a draft of its translation and submitted to the moderation
workflow, as a translator's "Submit translation for review" does. Taxonomy terms have
no drafts: their translations are saved at once.
"""

import uuid
from dataclasses import dataclass, field

import polib
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page
from wagtail_localize.models import (
    StringNotUsedInContext,
    StringTranslation,
    Translation,
    TranslationSource,
    UnknownContext,
    UnknownString,
)

from cms.editorial.workflows import SubmissionRefused, submit_translation_for_review
from snippets.models import TaxonomyTerm

from .sync import source_locale

LOCALE_HEADER = "X-ACCMR-Locale"
CONTEXT_SEPARATOR = ":"


class CatalogueError(Exception):
    """The file cannot be imported at all; the message says why."""


# --- What is translated -------------------------------------------------------------


def taxonomy_models():
    return [
        model
        for model in apps.get_app_config("snippets").get_models()
        if issubclass(model, TaxonomyTerm)
    ]


def live_source_pages():
    """The live Greek pages (not aliases), home page included, as their specific models."""
    return (
        Page.objects.live()
        .filter(locale=source_locale(), alias_of__isnull=True, depth__gt=1)
        .order_by("path")
        .specific()
    )


def source_terms():
    greek = source_locale()
    for model in taxonomy_models():
        yield from model.objects.filter(locale=greek).order_by("pk")


def live_sources():
    yield from live_source_pages()
    yield from source_terms()


def refresh_translations(locale):
    """Every live Greek object's Translation into `locale`, its source refreshed from the
    live content first (new and changed source texts become outstanding strings)."""
    translations = []
    for instance in live_sources():
        source, _created = TranslationSource.update_or_create_from_instance(instance)
        translation, _created = Translation.objects.get_or_create(
            source=source, target_locale=locale, defaults={"enabled": True}
        )
        translations.append(translation)
    return translations


# --- Export -------------------------------------------------------------------------


def export_catalogue(locale):
    """A POFile with every string of the live Greek content not yet translated into
    `locale`; the source's path and field in each entry's comment, for the translator."""
    po = polib.POFile(wrapwidth=200)
    po.metadata = {
        "Project-Id-Version": "ACCMR content",
        "POT-Creation-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "Language": locale.language_code,
        LOCALE_HEADER: locale.language_code,
    }
    for translation in refresh_translations(locale):
        described = (
            f"{translation.source.specific_content_type.name}: {translation.source.object_repr}"
        )
        for entry in translation.export_po():
            if entry.obsolete or entry.msgstr:
                continue
            po.append(
                polib.POEntry(
                    msgid=entry.msgid,
                    msgstr="",
                    msgctxt=f"{translation.uuid}{CONTEXT_SEPARATOR}{entry.msgctxt}",
                    comment=f"{described} ({entry.msgctxt})",
                )
            )
    return po


# --- Import -------------------------------------------------------------------------


@dataclass
class ImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    empty: int = 0
    errors: list = field(default_factory=list)  # (entry number, msgid, message)
    submitted: list = field(default_factory=list)  # pages submitted for review
    saved_terms: list = field(default_factory=list)


def read_catalogue(path_or_text, locale):
    """The parsed PO file, or CatalogueError if it is not a PO file for `locale`."""
    try:
        po = polib.pofile(path_or_text, wrapwidth=200)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise CatalogueError(_("Not a valid PO file: %(error)s") % {"error": error}) from error
    file_locale = po.metadata.get(LOCALE_HEADER)
    if file_locale is None:
        raise CatalogueError(
            _("The file has no %(header)s header: export it with export_translations.")
            % {"header": LOCALE_HEADER}
        )
    if file_locale != locale.language_code:
        raise CatalogueError(
            _("The file is for %(file)s, not %(locale)s.")
            % {"file": file_locale, "locale": locale.language_code}
        )
    return po


def _split_context(msgctxt):
    key, separator, path = (msgctxt or "").partition(CONTEXT_SEPARATOR)
    try:
        return uuid.UUID(key), path if separator else None
    except ValueError:
        return None, None


def _warning_message(warning):
    if isinstance(warning, UnknownString):
        return _("The source text is not in the platform (changed since the export?).")
    if isinstance(warning, UnknownContext):
        return _("The field no longer exists in the source.")
    if isinstance(warning, StringNotUsedInContext):
        return _("The source text is no longer used in this field (changed since the export?).")
    return str(warning)


def _existing(translation):
    return dict(
        StringTranslation.objects.filter(
            context__object_id=translation.source.object_id, locale=translation.target_locale
        ).values_list("pk", "data")
    )


def import_catalogue(po, locale, user):
    """Import the translations in `po` into `locale`; what was done is in the report.

    Entries with an empty translation are skipped; a changed translation replaces the
    old one and is counted as changed; entries that match nothing are reported, one by
    one, and the rest is imported. Pages with new strings are submitted for review by
    `user`, who must be able to edit them.
    """
    report = ImportReport()
    grouped = {}
    for number, entry in enumerate(po, start=1):
        if entry.obsolete:
            continue
        if not entry.msgstr:
            report.empty += 1
            continue
        key, path = _split_context(entry.msgctxt)
        if key is None or not path:
            report.errors.append((number, entry.msgid, _("Unrecognised msgctxt.")))
            continue
        grouped.setdefault(key, []).append((number, entry, path))
    translations = Translation.objects.filter(uuid__in=grouped).select_related(
        "source", "target_locale"
    )
    by_uuid = {translation.uuid: translation for translation in translations}
    for key, entries in grouped.items():
        translation = by_uuid.get(key)
        if translation is None or translation.target_locale_id != locale.pk:
            for number, entry, _path in entries:
                report.errors.append(
                    (number, entry.msgid, _("No translation into this locale has this id."))
                )
            continue
        with transaction.atomic():
            _import_translation(translation, entries, report, user)
    return report


def _import_translation(translation, entries, report, user):
    po = polib.POFile()
    po.metadata = {"X-WagtailLocalize-TranslationID": str(translation.uuid)}
    numbers = []
    for number, entry, path in entries:
        po.append(polib.POEntry(msgid=entry.msgid, msgstr=entry.msgstr, msgctxt=path))
        numbers.append((number, entry.msgid))
    before = _existing(translation)
    warnings = translation.import_po(po, user=user, tool_name="PO file")
    after = _existing(translation)
    for warning in warnings:
        number, msgid = numbers[warning.index]
        report.errors.append((number, msgid, _warning_message(warning)))
    added = len(after.keys() - before.keys())
    changed = sum(1 for pk, data in after.items() if pk in before and before[pk] != data)
    report.added += added
    report.changed += changed
    report.unchanged += len(entries) - len(warnings) - added - changed
    if added or changed:
        try:
            with transaction.atomic():
                _publish_through_review(translation, report, user)
        except SubmissionRefused as refusal:
            # The strings stay imported; the page waits for someone who may submit it.
            report.errors.append((None, translation.source.object_repr, str(refusal)))


def _publish_through_review(translation, report, user):
    instance = translation.source.get_source_instance()
    if not isinstance(instance, Page):
        translation.save_target(user=user, publish=True)
        report.saved_terms.append(instance.get_translation(translation.target_locale))
        return
    target = _translation_page(instance, translation.target_locale, user)
    if user is None or not target.permissions_for_user(user).can_edit():
        raise SubmissionRefused(
            _("%(user)s may not edit %(page)s.") % {"user": user, "page": target}
        )
    submit_translation_for_review(target, user)
    report.submitted.append(target)


def _translation_page(source_page, locale, user):
    """The page in `locale` that becomes the translation of `source_page`.

    Missing, it is first made an alias (as synced mode would have). An alias becomes a
    page of its own, unpublished: until a reviewer approves the translation, the
    locale has no live translation of it and the API falls back to English or Greek
    rather than serve the Greek text as a translation.
    """
    target = source_page.get_translation_or_none(locale)
    if target is None:
        target = source_page.copy_for_translation(locale, copy_parents=True, alias=True)
    target = target.specific
    if target.alias_of_id:
        target.alias_of_id = None
        target.save(update_fields=["alias_of_id"], clean=False)
        if target.live:
            # Taking down a stand-in is no publishing decision: translators may do it.
            UnpublishPageAction(target, user=user).execute(skip_permission_checks=True)
        target = Page.objects.get(pk=target.pk).specific
    return target
