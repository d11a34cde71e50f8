"""Reading synAthina's public feed (CONTRACT.md part 1): every feature checked, nothing saved.

`read_document` turns one language's features into checked `FeedFeature`s grouped by
`action_id`, and notes the features it could not read. `combine` pairs the Greek and
English documents into `PartnerAction`s, the actions in thematic area 12 a pull imports.

A feature with a missing field or a bad value spoils its whole action (the pull leaves
that action as it is); a feature whose action cannot be told spoils every removal (it
might belong to any action); an English document disagreeing badly with the Greek one is
a `FeedRejected`, as is a document that is not a feed at all (the client raises those).
"""

import datetime
import hashlib
import html
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.utils.text import Truncator

from pages.models.actions import SHORT_DESCRIPTION_MAX_LENGTH
from snippets.geography import GREECE_LATITUDE, GREECE_LONGITUDE

from .feed import ATHENS, SYNATHINA_DATETIME

REFUGEES_AND_IMMIGRANTS = 12  # synAthina's thematic area id
COORDINATE_PLACES = Decimal("0.000001")  # the six decimals ActionOccurrence stores
# The lengths of the fields they go to: longer text is cut, a longer link is refused.
SUBTITLE_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 255
ADDRESS_MAX_LENGTH = 255
URL_MAX_LENGTH = 200
# The two documents are fetched a moment apart, so an action published or unpublished in
# between is in only one of them; more than this share (or this many) is not a race.
MAX_LANGUAGE_MISMATCH = 0.1
LANGUAGE_MISMATCH_ALLOWANCE = 2


class FeedRejected(Exception):
    """A whole document is unusable: the pull fails and changes nothing."""


class FeatureError(ValueError):
    """One feature is unusable: its action is left as it is."""


def text(value, name, *, required=True):
    """A feature's text, HTML entities decoded and whitespace collapsed."""
    if not isinstance(value, str):
        raise FeatureError(f"{name}: missing or not text")
    value = " ".join(html.unescape(value).split())
    if required and not value:
        raise FeatureError(f"{name}: empty")
    return value


def integer(value, name):
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FeatureError(f"{name}: missing or not a whole number")
    if isinstance(value, str) and not value.strip().isdigit():
        raise FeatureError(f"{name}: {value!r} is not a whole number")
    number = int(value)
    if number <= 0:
        raise FeatureError(f"{name}: {number} is not a positive number")
    return number


def thematic_areas(value):
    if not isinstance(value, list) or not value:
        raise FeatureError("category_id: missing or not a list of ids")
    return tuple(sorted({integer(item, "category_id") for item in value}))


def athens_time(value, name):
    """A naive Europe/Athens `YYYY-MM-DD HH:MM:SS`, made aware. In the hour repeated when
    summer time ends the first (summer) one is meant; a time skipped when it starts is
    read with the winter offset."""
    if not isinstance(value, str):
        raise FeatureError(f"{name}: missing or not text")
    try:
        moment = datetime.datetime.strptime(value.strip(), SYNATHINA_DATETIME)
    except ValueError as error:
        raise FeatureError(f"{name}: {value!r} is not YYYY-MM-DD HH:MM:SS") from error
    return moment.replace(tzinfo=ATHENS)


def _coordinate(value, name, bounds):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FeatureError(f"coordinates: {name} is not a number")
    try:
        number = Decimal(str(value).strip()).quantize(COORDINATE_PLACES)
    except InvalidOperation as error:
        raise FeatureError(f"coordinates: {name} {value!r} is not a number") from error
    if not bounds[0] <= number <= bounds[1]:
        raise FeatureError(f"coordinates: {name} {number} is outside Greece (latitude first?)")
    return number


def coordinates(value):
    """(latitude, longitude) from synAthina's latitude-first pair; (None, None) for [0, 0]."""
    if not isinstance(value, list) or len(value) != 2:
        raise FeatureError("coordinates: missing or not a [latitude, longitude] pair")
    try:
        if all(Decimal(str(item)) == 0 for item in value):
            return None, None
    except InvalidOperation:
        pass  # _coordinate says what is wrong
    return (
        _coordinate(value[0], "latitude", GREECE_LATITUDE),
        _coordinate(value[1], "longitude", GREECE_LONGITUDE),
    )


def web_address(value, name):
    value = text(value, name)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FeatureError(f"{name}: {value!r} is not a web address")
    if len(value) > URL_MAX_LENGTH:
        raise FeatureError(f"{name}: longer than {URL_MAX_LENGTH} characters")
    return value


def _cut(value, length):
    return Truncator(value).chars(length)


@dataclass(frozen=True)
class FeedFeature:
    """One checked feature: one occurrence of an action, in one language."""

    action_id: int
    url: str
    slug: str
    team_name: str
    short_description: str
    title: str
    address: str
    start: datetime.datetime
    end: datetime.datetime
    latitude: Decimal | None
    longitude: Decimal | None
    thematic_areas: tuple[int, ...]

    def alignment_key(self):
        """What must be the same for the same occurrence in both languages."""
        return (self.start, self.end, self.latitude, self.longitude, self.thematic_areas)


def read_feature(raw):
    """A `FeedFeature` from one raw feature; raises FeatureError naming the bad field."""
    latitude, longitude = coordinates(raw.get("coordinates"))
    start = athens_time(raw.get("date"), "date")
    end = athens_time(raw.get("date_end"), "date_end")
    if end < start:
        raise FeatureError("date_end: before date")
    return FeedFeature(
        action_id=integer(raw.get("action_id"), "action_id"),
        url=web_address(raw.get("url"), "url"),
        slug=text(raw.get("slug"), "slug", required=False),
        team_name=text(raw.get("team_name"), "team_name", required=False),
        short_description=_cut(
            text(raw.get("content"), "content", required=False), SHORT_DESCRIPTION_MAX_LENGTH
        ),
        title=_cut(text(raw.get("title"), "title"), TITLE_MAX_LENGTH),
        address=_cut(text(raw.get("address"), "address", required=False), ADDRESS_MAX_LENGTH),
        start=start,
        end=end,
        latitude=latitude,
        longitude=longitude,
        thematic_areas=thematic_areas(raw.get("category_id")),
    )


def _problem(language, position, action_id, message):
    return {"language": language, "feature": position, "action_id": action_id, "message": message}


@dataclass
class FeedReading:
    """One language's document, read: good features by action, and what was wrong."""

    language: str
    features: dict = field(default_factory=dict)  # action id → [FeedFeature]
    bad_actions: dict = field(default_factory=dict)  # action id → [problem]
    # Action ids whose bad features might be in area 12 (unreadable or listing it).
    bad_may_concern_us: set = field(default_factory=set)
    unattributed: list = field(default_factory=list)  # problems of features without an action

    @property
    def action_ids(self):
        return set(self.features) | set(self.bad_actions)


def _possibly_in_our_area(raw):
    try:
        return REFUGEES_AND_IMMIGRANTS in thematic_areas(raw.get("category_id"))
    except FeatureError:
        return True


def read_document(language, raw_features):
    reading = FeedReading(language)
    for position, raw in enumerate(raw_features):
        if not isinstance(raw, dict):
            reading.unattributed.append(_problem(language, position, None, "not an object"))
            continue
        try:
            action_id = integer(raw.get("action_id"), "action_id")
        except FeatureError as error:
            reading.unattributed.append(_problem(language, position, None, str(error)))
            continue
        try:
            feature = read_feature(raw)
        except FeatureError as error:
            reading.bad_actions.setdefault(action_id, []).append(
                _problem(language, position, action_id, str(error))
            )
            if _possibly_in_our_area(raw):
                reading.bad_may_concern_us.add(action_id)
            continue
        reading.features.setdefault(action_id, []).append(feature)
    return reading


def _aligned(features):
    return sorted(features, key=lambda feature: (*feature.alignment_key(), feature.title))


def _main_title(titles):
    """The action's title: the occurrences' most common one, then the shortest."""
    counts = Counter(titles)
    return min(counts, key=lambda title: (-counts[title], len(title), title))


@dataclass(frozen=True)
class PartnerAction:
    """An action to import: its Greek occurrences and their English twins, in step."""

    action_id: int
    greek: tuple[FeedFeature, ...]
    english: tuple[FeedFeature, ...]

    @property
    def url(self):
        return self.greek[0].url

    @property
    def slug(self):
        return self.greek[0].slug

    def _title_position(self):
        title = _main_title([feature.title for feature in self.greek])
        return next(i for i, feature in enumerate(self.greek) if feature.title == title)

    def title(self, language):
        return self._features(language)[self._title_position()].title

    def team_name(self, language):
        features = self._features(language)
        return features[0].team_name or self.greek[0].team_name

    def short_description(self, language):
        features = self._features(language)
        return features[0].short_description or self.greek[0].short_description

    def subtitles(self, language):
        """Each occurrence's subtitle: its own title where it differs from the action's."""
        main = self.greek[self._title_position()].title
        return [
            _cut(feature.title, SUBTITLE_MAX_LENGTH) if greek.title != main else ""
            for greek, feature in zip(self.greek, self._features(language), strict=True)
        ]

    def _features(self, language):
        return self.english if language == "en" else self.greek

    def content_hash(self):
        data = [[asdict(f) for f in features] for features in (self.greek, self.english)]
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Combined:
    actions: dict = field(default_factory=dict)  # action id → PartnerAction
    skipped: dict = field(default_factory=dict)  # action id → [problem]: left untouched
    outside_area: int = 0
    removals_allowed: bool = True
    problems: list = field(default_factory=list)  # every problem, for the record


def _check_languages_agree(greek, english):
    greek_ids, english_ids = greek.action_ids, english.action_ids
    in_one_only = greek_ids ^ english_ids
    everything = greek_ids | english_ids
    allowed = max(LANGUAGE_MISMATCH_ALLOWANCE, MAX_LANGUAGE_MISMATCH * len(everything))
    if len(in_one_only) > allowed:
        raise FeedRejected(
            f"The English feed disagrees with the Greek one: {len(in_one_only)} of "
            f"{len(everything)} actions are in only one of them."
        )


def combine(greek, english, imported_ids=frozenset()):
    """The actions to import from the two readings; `imported_ids` are the synAthina ids
    already imported (their problems are reported whatever their thematic area)."""
    _check_languages_agree(greek, english)
    combined = Combined(removals_allowed=not greek.unattributed)
    combined.problems.extend(greek.unattributed + english.unattributed)
    for action_id in sorted(greek.action_ids):
        if action_id in greek.bad_actions:
            if action_id in greek.bad_may_concern_us or action_id in imported_ids:
                combined.skipped[action_id] = greek.bad_actions[action_id]
            continue
        features = greek.features[action_id]
        if not any(REFUGEES_AND_IMMIGRANTS in f.thematic_areas for f in features):
            combined.outside_area += 1
            continue
        problems = english.bad_actions.get(action_id)
        if problems is None and action_id not in english.features:
            problems = [_problem("en", None, action_id, "missing from the English feed")]
        if problems is None:
            greek_features = _aligned(features)
            english_features = _aligned(english.features[action_id])
            greek_keys = [feature.alignment_key() for feature in greek_features]
            if greek_keys != [feature.alignment_key() for feature in english_features]:
                problems = [
                    _problem("en", None, action_id, "its occurrences differ from the Greek feed's")
                ]
        if problems:
            combined.skipped[action_id] = problems
            continue
        combined.actions[action_id] = PartnerAction(
            action_id, tuple(greek_features), tuple(english_features)
        )
    for problems in combined.skipped.values():
        combined.problems.extend(problems)
    return combined


def slug_for(action):
    """The Greek page's slug: synAthina's id first, so it is unique among partner actions."""
    slug = re.sub(r"[^a-z0-9-]+", "-", action.slug.lower()).strip("-")
    return f"{action.action_id}-{slug}"[:TITLE_MAX_LENGTH].strip("-")
