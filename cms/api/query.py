"""Typed query parameters for public endpoints: every malformed value is named in one 400.

    params = QueryParams(request, allowed=("district", "free", "near"))
    district = params.integer("district", minimum=1, maximum=7)
    free = params.boolean("free")
    params.check()  # raises one Problem listing every bad field

A parameter that is absent gives None (or the default); unknown parameters are refused
up front (`reject_unknown_params`). Lists are comma-separated (`category=a,b` matches
either); different parameters combine with AND.
"""

import datetime
import math
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .listing import PAGINATION_PARAMS
from .params import reject_unknown_params
from .problems import Problem

ATHENS = ZoneInfo("Europe/Athens")
TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}
MAX_TEXT_LENGTH = 200
MAX_LIST_LENGTH = 50


class QueryParams:
    def __init__(self, request, allowed=(), *, paginated=False):
        known = (*allowed, *PAGINATION_PARAMS) if paginated else tuple(allowed)
        reject_unknown_params(request, known)
        self.query = request.GET
        self.errors = []
        # The content version the response cache read for this request, if it did: what
        # is derived from content may be kept under it (`pages.api.filtering.TermLookup`).
        self.content_version = getattr(request, "api_content_version", None)

    def _raw(self, name):
        values = self.query.getlist(name)
        if not values:
            return None
        if len(values) > 1:
            return self._error(name, _("Give this parameter once."))
        return values[0].strip()

    def _error(self, name, message):
        self.errors.append({"field": name, "message": message})

    def check(self):
        """Raise one 400 problem naming every malformed parameter read so far."""
        if self.errors:
            # Endpoints reading a parameter twice (the map's layers) report it once.
            first = {}
            for error in self.errors:
                first.setdefault(error["field"], error)
            unique = list(first.values())
            raise Problem(
                400,
                _("Invalid query parameters."),
                errors=unique,
                problem_type="validation-error",
            )

    def text(self, name, *, max_length=MAX_TEXT_LENGTH):
        value = self._raw(name)
        if value is None or value == "":
            return None
        if len(value) > max_length:
            return self._error(name, _("At most %(count)d characters.") % {"count": max_length})
        return value

    def integer(self, name, *, minimum=None, maximum=None):
        value = self._raw(name)
        if value is None:
            return None
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            return self._error(name, _("Use a whole number."))
        number = int(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            return self._error(
                name,
                _("Use a number from %(minimum)s to %(maximum)s.")
                % {"minimum": minimum, "maximum": maximum},
            )
        return number

    def number(self, name, *, minimum, maximum):
        value = self._raw(name)
        if value is None:
            return None
        parsed = _finite_float(value)
        if parsed is None or not minimum <= parsed <= maximum:
            return self._error(
                name,
                _("Use a number from %(minimum)s to %(maximum)s.")
                % {"minimum": minimum, "maximum": maximum},
            )
        return parsed

    def boolean(self, name):
        value = self._raw(name)
        if value is None:
            return None
        if value.lower() in TRUE_VALUES:
            return True
        if value.lower() in FALSE_VALUES:
            return False
        return self._error(name, _("Use true or false."))

    def choice(self, name, choices):
        """One of `choices` (an iterable of allowed strings)."""
        value = self._raw(name)
        if value is None:
            return None
        choices = list(choices)
        if value not in choices:
            return self._error(
                name, _("Use one of: %(choices)s.") % {"choices": ", ".join(choices)}
            )
        return value

    def values(self, name, *, max_count=MAX_LIST_LENGTH):
        """A comma-separated list of non-empty values (order kept, duplicates dropped)."""
        value = self._raw(name)
        if value is None:
            return None
        items = list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
        if not items:
            return self._error(name, _("Give at least one value."))
        if len(items) > max_count:
            return self._error(name, _("At most %(count)d values.") % {"count": max_count})
        if any(len(item) > MAX_TEXT_LENGTH for item in items):
            return self._error(
                name, _("At most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}
            )
        return items

    def datetime(self, name):
        """An ISO 8601 date-time; without an offset it is Athens time. A date is its midnight."""
        value = self._raw(name)
        if value is None:
            return None
        try:
            moment = parse_datetime(value)
            if moment is None and (day := parse_date(value)) is not None:
                moment = datetime.datetime.combine(day, datetime.time())
        except ValueError:
            moment = None
        if moment is None:
            return self._error(name, _("Use an ISO 8601 date-time, e.g. 2026-05-04T10:00+03:00."))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ATHENS)
        return moment

    def point(self, name):
        """`LAT,LNG` in decimal degrees, as a (latitude, longitude) pair of floats."""
        value = self._raw(name)
        if value is None:
            return None
        parts = value.split(",")
        coordinates = [_finite_float(part) for part in parts] if len(parts) == 2 else []
        if (
            len(coordinates) != 2
            or None in coordinates
            or not -90 <= coordinates[0] <= 90
            or not -180 <= coordinates[1] <= 180
        ):
            return self._error(name, _("Use LATITUDE,LONGITUDE in degrees, e.g. 37.98,23.73."))
        return coordinates[0], coordinates[1]


def _finite_float(text):
    """A finite float from plain ASCII decimal notation, else None (Python's `float`
    would also take "1_0", "nan", "inf" and non-ASCII digits)."""
    text = text.strip()
    if not text.isascii() or "_" in text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
