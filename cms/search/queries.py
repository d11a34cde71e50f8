"""Text search for the API: `filter_by_text(queryset, language, query)`, and for one
word searched alone, `single_lexemes` and `best_matches`.

On PostgreSQL a query is parsed with `websearch_to_tsquery` (quotes for phrases, `or`,
`-word`), in the configuration of the language each document is written in, and
matched against the stored, GIN-indexed documents (`cms.search.documents`), ranked by
`ts_rank`. One word that matches most documents would make every search rank them all:
`best_matches` reads the best of them, ranked the same, from the index on the documents'
`SearchTerm` rows instead (decision 87). On the embedded SQLite database every word must
appear in the served title or summary, compared without case or accents.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections
from django.db.models import Case, F, FilteredRelation, FloatField, Q, Value, When

from cms.api.caching import RecentlyUsed
from cms.api.language import fallback_chain

from .configs import GREEK_CONFIG, config_for, plain, without_greek_stop_words
from .models import SearchTerm

# websearch_to_tsquery's answer for one word: one quoted lexeme ('' for a quote in it).
_ONE_LEXEME = re.compile(r"'((?:[^']|'')+)'")

DOCUMENT = "search_document"  # the alias of the joined document


def _clean(query):
    """The user's text without NUL characters (PostgreSQL refuses them in a string)."""
    return (query or "").replace("\x00", " ").strip()


def _configs_read(language):
    """The text search configurations a `language` search reads: documents served in
    a fallback language are written in its configuration."""
    return list(dict.fromkeys(config_for(code) for code in fallback_chain(language)))


def _text_for(config, query):
    return without_greek_stop_words(query) if config == GREEK_CONFIG else query


def _postgresql_match(language, query):
    """The condition on the joined document matching `query` (in any configuration a
    `language` search may read), and its rank."""
    match, ranks = Q(), []
    for config in _configs_read(language):
        text = _text_for(config, query)
        parsed = SearchQuery(text, config=config, search_type="websearch")
        match |= Q(**{f"{DOCUMENT}__config": config, f"{DOCUMENT}__vector": parsed})
        ranks.append(
            When(
                **{f"{DOCUMENT}__config": config}, then=SearchRank(F(f"{DOCUMENT}__vector"), parsed)
            )
        )
    return match, Case(*ranks, default=Value(0.0), output_field=FloatField())


def _embedded_match(query):
    match = Q()
    for word in plain(query).split():
        match &= Q(**{f"{DOCUMENT}__match_text__contains": word})
    return match, Value(1.0, output_field=FloatField())


def filter_by_text(queryset, language, query, *, page_relation=None):
    """`queryset` (Greek ServicePage or OrganisationPage pages) narrowed to the pages
    whose document in `language` matches `query`, annotated with `search_rank` (higher
    is better). A page with no live translation in `language` is searched in the one it
    is served in (English, else Greek). A blank query filters nothing (rank 0).
    `page_relation`: the foreign key to the Greek page, for a queryset of other rows.

    Adds no query of its own: each page's document in `language` is joined (there is
    at most one), so the rank is read from the same row as the match.
    """
    query = _clean(query)
    if not query:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connections[queryset.db].vendor == "postgresql":
        match, rank = _postgresql_match(language, query)
    else:
        match, rank = _embedded_match(query)
    documents = f"{page_relation}__search_documents" if page_relation else "search_documents"
    document = FilteredRelation(documents, condition=Q(**{f"{documents}__language": language}))
    return queryset.annotate(**{DOCUMENT: document}).filter(match).annotate(search_rank=rank)


# Parsed words, `(language, query)` -> `single_lexemes`'s answer: the parse depends only
# on the text search configurations, which change with migrations alone.
PARSED_WORDS_KEPT = 5000
_PARSED = RecentlyUsed(lambda: PARSED_WORDS_KEPT)


def single_lexemes(language, query):
    """`{config: lexeme}` if `query` is a single word in every configuration a `language`
    search reads (a configuration in which it is a stop word has no entry, as it matches
    nothing there); None for anything else (several words, phrases, `or`, `-word`), which
    `filter_by_text` searches. PostgreSQL only; one query the first time this process
    is asked, none after."""
    query = _clean(query)
    kept = _PARSED.get((language, query))
    if kept is None:
        kept = (_parse_one_word(language, query),)
        _PARSED.set((language, query), kept)
    return kept[0]


def _parse_one_word(language, query):
    configs = _configs_read(language)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery(parsed.config::regconfig, parsed.text)::text"
            " FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS parsed(config, text, n)"
            " ORDER BY parsed.n",
            [configs, [_text_for(config, query) for config in configs]],
        )
        parsed = [text for (text,) in cursor.fetchall()]
    lexemes = {}
    for config, text in zip(configs, parsed, strict=True):
        if not text:  # only stop words
            continue
        one = _ONE_LEXEME.fullmatch(text)
        if one is None:
            return None
        lexemes[config] = one[1].replace("''", "'")
    return lexemes


# One configuration's lexeme: the condition the index on the search terms starts with.
_TERMS_OF_WORD = (
    f"FROM {SearchTerm._meta.db_table}"
    " WHERE language = %s AND page_type_id = %s AND config = %s AND lexeme = %s"
)


def best_matches(model, language, lexemes, *, offset, limit):
    """`(matches, count)` for a one-word search of `model` pages in `language` (`lexemes`
    from `single_lexemes`): the source page ids and ranks of the documents from `offset`,
    at most `limit` of them, best first (ties by page id, as `filter_by_text` results
    are ordered), and how many documents match.

    One query. Each configuration's best are read from the index in rank order and
    merged, so the cost grows with `offset + limit`, not with the number of matches;
    each configuration's matches are counted with an index-only scan, and added up (a
    document is written in one configuration). The rank is each document's `ts_rank`
    for the word, as `filter_by_text` would rank it.
    """
    if not lexemes:
        return [], 0
    page_type = ContentType.objects.get_for_model(model).pk
    words = [[language, page_type, config, lexeme] for config, lexeme in lexemes.items()]
    best = " UNION ALL ".join(
        [f"(SELECT page_id, rank {_TERMS_OF_WORD} ORDER BY rank DESC, page_id LIMIT %s)"]
        * len(words)
    )
    count = " + ".join([f"(SELECT count(*) {_TERMS_OF_WORD})"] * len(words))
    # LEFT JOIN: the count comes back on a row of its own past the last match.
    sql = (
        f"SELECT counted.total, best.page_id, best.rank FROM (SELECT {count} AS total) counted"
        f" LEFT JOIN (SELECT page_id, rank FROM ({best}) merged"
        " ORDER BY rank DESC, page_id LIMIT %s OFFSET %s) best ON true"
        " ORDER BY best.rank DESC, best.page_id"
    )
    params = [
        *(value for word in words for value in word),
        *(value for word in words for value in (*word, offset + limit)),
        limit,
        offset,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(page_id, rank) for _total, page_id, rank in rows if page_id is not None], rows[0][0]
