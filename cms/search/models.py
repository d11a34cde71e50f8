from django.contrib.contenttypes.models import ContentType
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


class SearchTerm(models.Model):
    """One lexeme of one search document, with the document's rank for that lexeme alone
    (PostgreSQL only; written with the document, never by hand).

    A search for one word reads its best matches, in rank order, and their count from
    the index on these rows, instead of ranking every document that contains the word
    (decision 87). `language` and `page_id` repeat the document's, for that index.
    """

    document = models.ForeignKey(
        SearchDocument,
        verbose_name=_("search document"),
        on_delete=models.CASCADE,
        related_name="terms",
    )
    language = models.CharField(_("language searched"), max_length=10)
    page_type = models.ForeignKey(
        ContentType,
        verbose_name=_("page type"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # only read through search_term_best
    )
    page_id = models.PositiveIntegerField(_("source page"))
    config = models.CharField(_("text search configuration"), max_length=63)
    lexeme = models.TextField(_("lexeme"))
    rank = models.FloatField(_("rank of the document for this lexeme"))

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [
            # Best first within one word: ORDER BY rank DESC, page_id LIMIT n reads n
            # entries; config is included so counting is an index-only scan too.
            models.Index(
                fields=["language", "page_type", "lexeme", "-rank", "page_id"],
                include=["config"],
                name="search_term_best",
            )
        ]

    def __str__(self):
        return f"{self.lexeme} ({self.language}, {self.config})"
