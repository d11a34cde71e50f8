"""The demo content, read from the TOML files in `data/`.

Every `{el = …, en = …}` table in those files becomes a `Text`: a Greek text (the
source language) with its English translation.
"""

import tomllib
from functools import cache
from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).resolve().parent / "data"


class Text(NamedTuple):
    el: str
    en: str

    def format(self, **values):
        """Fill in `{name}` placeholders in both languages; a Text value gives each its own."""
        return Text(*(self._format(language, values) for language in self._fields))

    def _format(self, language, values):
        in_language = {
            name: getattr(value, language) if isinstance(value, Text) else value
            for name, value in values.items()
        }
        return getattr(self, language).format(**in_language)


@cache
def load(name):
    """The data file `data/<name>.toml`, with its bilingual tables as `Text`s."""
    with open(DATA_DIR / f"{name}.toml", "rb") as data_file:
        return _with_texts(tomllib.load(data_file))


def _with_texts(value):
    if isinstance(value, dict):
        if value.keys() == set(Text._fields):
            return Text(**value)
        return {key: _with_texts(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_texts(item) for item in value]
    return value
