from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """What a search in `language` reads of one service or organisation.

    One row per source (Greek) page and language, built from the translation the API
    would serve in that language (its own if live and public, else English, else Greek),
    so a query reads one row per page whatever the fallback. Written by
    `cms.search.documents`, never edited by hand.
    """

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("source page"),
        on_delete=models.CASCADE,
        related_name="search_documents",
    )
    language = models.CharField(_("language searched"), max_length=10)
    # A plain id, not a foreign key: when the served translation is deleted, the signal
    # handler rewrites this row; a cascade would race it within the same delete.
    served_page_id = models.PositiveIntegerField(_("page served"))
    served_language = models.CharField(_("language served"), max_length=10)
    config = models.CharField(_("text search configuration"), max_length=63)
    title = models.TextField(_("title"))
    summary = models.TextField(_("summary"), blank=True)
    match_text = models.TextField(
        _("title and summary, lower-cased and without accents"),
        blank=True,
        help_text=_("What the embedded (SQLite) database's plain substring search compares."),
    )
    # Title (A), summary (B), description and other text (C), taxonomy terms (D), read in
    # `config`; PostgreSQL only.
    vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "page"], name="search_document_language_page"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"
