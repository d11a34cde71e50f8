"""How each language's text is read: PostgreSQL text search configurations, Greek stop
words, and the accent- and case-free form the embedded (SQLite) fallback compares.

PostgreSQL 15 stems Greek, English, French and Arabic; it has nothing for Farsi,
Ukrainian or Urdu, which are read word by word (`simple`). The `accmr_*` configurations
are created by this app's first migration: copies of the built-in ones whose words go
through `unaccent` before the stemmer, so "υγεια", "ΥΓΕΙΑ" and "Υγεία" are one word.
"""

import re
import unicodedata

GREEK_CONFIG = "accmr_greek"
SIMPLE_CONFIG = "accmr_simple"

TEXT_SEARCH_CONFIGS = {
    "el": GREEK_CONFIG,
    "en": "accmr_english",
    "fr": "accmr_french",
    # unaccent has no rules for Arabic script; the Arabic stemmer normalises it itself.
    "ar": "arabic",
    "fa": SIMPLE_CONFIG,
    "uk": SIMPLE_CONFIG,
    "ur": SIMPLE_CONFIG,
}

# PostgreSQL's Greek stemmer has no stop-word list, so articles, prepositions and other
# function words in a query would have to appear in the text. They are left out of Greek
# queries (outside quoted phrases). Written without accents, compared with `plain`.
# fmt: off
GREEK_STOP_WORDS = frozenset({
    "ο", "η", "το", "οι", "τα", "του", "της", "των", "τον", "την", "τους", "τις",
    "ενα", "ενας", "μια", "μιας", "ενος",
    "και", "ουτε", "ουδε", "αλλα", "ομως", "ενω", "αν", "οτι",
    "πως", "που", "οπου", "οπως", "ως", "σαν",
    "σε", "στο", "στη", "στην", "στον", "στα", "στους", "στις", "στης", "στου", "στων",
    "για", "με", "απο", "προς", "χωρις", "κατα", "μετα", "παρα", "δια", "μεχρι", "εως", "εκτος",
    "να", "θα", "δεν", "μη", "μην", "ειναι", "εχει", "εχουν",
    "αυτο", "αυτη", "αυτος", "αυτα", "αυτοι", "αυτες", "εδω", "εκει", "πολυ", "πιο",
})
# fmt: on

_WORD = re.compile(r"\w+")


def config_for(language):
    """The text search configuration for `language`; word by word for one added later."""
    return TEXT_SEARCH_CONFIGS.get(language, SIMPLE_CONFIG)


def plain(text):
    """`text` lower-cased (case-folded) and without accents: "Υγεία" → "υγεια"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped).casefold()


def without_greek_stop_words(query):
    """`query` without Greek function words, except inside quoted phrases."""
    parts = query.split('"')
    # Even parts are outside quotes (an unclosed quote runs to the end, as in websearch).
    for index in range(0, len(parts), 2):
        parts[index] = _WORD.sub(
            lambda word: "" if plain(word.group()) in GREEK_STOP_WORDS else word.group(),
            parts[index],
        )
    return '"'.join(parts)
