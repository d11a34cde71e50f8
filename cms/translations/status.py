"""Translation status: how much of the live Greek content each locale has, and which
translations their source has overtaken.

A translation counts only if it is a live page of its own in that locale (an alias,
the Greek text standing in, does not) or, for a taxonomy term, a term in that locale.
A page translation is out of date when its Greek source was published after it.
Every figure comes from a fixed number of queries, whatever the amount of content.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from pages.models import ActionPage, OrganisationPage, ServicePage

from .catalogue import taxonomy_models

KINDS = (
    ("organisations", _("Organisations")),
    ("services", _("Services")),
    ("actions", _("Actions")),
    ("terms", _("Taxonomy terms")),
)
PAGE_KINDS = {"organisations": OrganisationPage, "services": ServicePage, "actions": ActionPage}


@dataclass
class Coverage:
    language_code: str
    language_name: str
    kind: str
    kind_label: str
    translated: int
    total: int

    @property
    def percent(self):
        return round(100 * self.translated / self.total) if self.total else 100


def target_languages():
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _page_counts(model):
    """(Greek total, {language code: translated}) for the live pages of `model`."""
    greek = model.objects.live().filter(
        locale__language_code=settings.LANGUAGE_CODE, alias_of__isnull=True
    )
    translated = (
        model.objects.live()
        .filter(alias_of__isnull=True, translation_key__in=greek.values("translation_key"))
        .exclude(locale__language_code=settings.LANGUAGE_CODE)
        .order_by()  # grouped by language alone, not by the tree order too
        .values_list("locale__language_code")
        .annotate(count=Count("pk"))
    )
    return greek.count(), dict(translated)


def _term_counts():
    total, by_language = 0, {}
    for model in taxonomy_models():
        greek = model.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        total += greek.count()
        translated = (
            model.objects.filter(translation_key__in=greek.values("translation_key"))
            .exclude(locale__language_code=settings.LANGUAGE_CODE)
            .order_by()
            .values_list("locale__language_code")
            .annotate(count=Count("pk"))
        )
        for code, count in translated:
            by_language[code] = by_language.get(code, 0) + count
    return total, by_language


def coverage():
    """One Coverage per target language and kind, languages in settings order."""
    counts = {kind: _page_counts(model) for kind, model in PAGE_KINDS.items()}
    counts["terms"] = _term_counts()
    return [
        Coverage(code, name, kind, label, counts[kind][1].get(code, 0), counts[kind][0])
        for code, name in target_languages()
        for kind, label in KINDS
    ]


def out_of_date_translations():
    """Published page translations (not aliases) whose Greek source was published after
    them, oldest first, each with `source_published_at` and `locale`."""
    source = Page.objects.filter(
        translation_key=OuterRef("translation_key"),
        locale__language_code=settings.LANGUAGE_CODE,
    )
    return (
        Page.objects.filter(alias_of__isnull=True, last_published_at__isnull=False)
        .exclude(locale__language_code=settings.LANGUAGE_CODE)
        .annotate(
            source_published_at=Subquery(source.values("last_published_at")[:1]),
            source_id=Subquery(source.values("pk")[:1]),
        )
        .filter(source_published_at__gt=F("last_published_at"))
        .select_related("locale", "content_type")
        .order_by("last_published_at", "pk")
    )
