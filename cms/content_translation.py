"""Translating content through wagtail-localize from known source→target strings.

Seed taxonomies and demo content come with their English text. Feeding it
through wagtail-localize's own translation memory (rather than copying pages
by hand) makes those translations ordinary wagtail-localize translations:
they show up in its editor and are re-synced when the source changes.
"""

from wagtail.models import Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue


class MissingSourceString(LookupError):
    """A segment of the source has no entry in the strings given for the target."""


def translate(instance, locale, strings, *, publish=True):
    """Create or update `instance`'s translation into `locale` from `strings`.

    A page translation is published unless `publish` is False (then it is a draft);
    snippet translations are always saved as they are.

    `strings` maps each source text (plain text, as wagtail-localize segments
    it: a field's value or a rich-text paragraph) to its translation. Raises
    MissingSourceString rather than publishing a half-translated object.
    """
    strings = {_as_segment(text): _as_segment(translated) for text, translated in strings.items()}
    source, _ = TranslationSource.update_or_create_from_instance(instance)
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = segment.string.data
        if text not in strings:
            raise MissingSourceString(
                f"No {locale.language_code} text for {text!r} in {instance!r} "
                f"({segment.context.path})"
            )
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": strings[text]},
        )
    translation, _ = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    if not isinstance(instance, Page):
        translation.save_target(publish=True)  # snippets have no drafts here
        return instance.get_translation(locale)
    # wagtail-localize would publish a page on commit, from a revision taken now: inside a
    # longer transaction that writes back stale tree data (e.g. the child count) once the
    # transaction ends. Saving a draft and publishing it at once keeps the tree right.
    translation.save_target(publish=False)
    target = instance.get_translation(locale)
    if publish:
        target.get_latest_revision().publish()
        target.refresh_from_db()
    return target


def _as_segment(text):
    """Plain text as wagtail-localize stores a segment (HTML-escaped)."""
    return StringValue.from_plaintext(text).data
