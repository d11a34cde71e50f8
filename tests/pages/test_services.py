"""Services: open or closed at a moment (in Athens time), and when they are due for review."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pages.models import ServiceClosure, ServiceOpeningHours, ServicePage
from pages.models.services import months_after
from tests.factories import make_organisation, make_service

UTC = datetime.UTC
MONDAY = 0
SUNDAY = 6


def at(*args):
    """An aware UTC moment."""
    return datetime.datetime(*args, tzinfo=UTC)


def service(hours=(), closures=(), **fields):
    """An unsaved service with its opening hours and closures (no database needed)."""
    return ServicePage(
        title="Ιατρείο",
        summary="Δωρεάν ιατρική εξέταση.",
        opening_hours=[
            ServiceOpeningHours(
                weekday=day, opens=datetime.time(*opens), closes=datetime.time(*closes)
            )
            for day, opens, closes in hours
        ],
        closures=[ServiceClosure(start_date=start, end_date=end) for start, end in closures],
        **fields,
    )


MONDAY_MORNINGS = [(MONDAY, (9, 0), (14, 0))]


# --- is_open_at ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        # Winter, Athens is UTC+2.
        (at(2030, 1, 7, 7, 30), True),  # 09:30 in Athens, 07:30 in UTC
        (at(2030, 1, 7, 6, 59), False),  # 08:59 in Athens
        (at(2030, 1, 7, 7, 0), True),  # 09:00 in Athens: opening time is included
        (at(2030, 1, 7, 11, 59), True),  # 13:59 in Athens
        (at(2030, 1, 7, 12, 0), False),  # 14:00 in Athens: closing time is excluded
        (at(2030, 1, 7, 12, 30), False),  # 14:30 in Athens, though 12:30 in UTC
        # Summer, Athens is UTC+3.
        (at(2030, 7, 1, 6, 30), True),  # 09:30 in Athens
        (at(2030, 7, 1, 11, 30), False),  # 14:30 in Athens, 11:30 in UTC
        # Another weekday.
        (at(2030, 1, 8, 7, 30), False),  # Tuesday
    ],
)
def test_is_open_at_uses_athens_time(moment, is_open):
    """Opening hours are Athens wall-clock times, whatever the moment's time zone."""
    assert service(MONDAY_MORNINGS).is_open_at(moment) is is_open


def test_is_open_at_uses_the_athens_weekday():
    """Sunday 23:30 in UTC is already Monday 01:30 in Athens."""
    night_shift = service([(MONDAY, (1, 0), (2, 0))])

    assert night_shift.is_open_at(at(2030, 1, 6, 23, 30)) is True
    assert night_shift.is_open_at(at(2030, 1, 7, 23, 30)) is False  # Tuesday in Athens


def test_is_open_at_follows_daylight_saving_time():
    """On the day clocks go forward (31 March 2030) the offset changes from +2 to +3."""
    sunday = service([(SUNDAY, (10, 0), (12, 0))])

    assert sunday.is_open_at(at(2030, 3, 31, 7, 30)) is True  # 10:30 EEST
    assert sunday.is_open_at(at(2030, 3, 24, 7, 30)) is False  # a week earlier: 09:30 EET


def test_is_open_at_accepts_moments_in_other_zones():
    new_york = datetime.timezone(datetime.timedelta(hours=-5))
    moment = datetime.datetime(2030, 1, 7, 2, 30, tzinfo=new_york)  # 09:30 in Athens

    assert service(MONDAY_MORNINGS).is_open_at(moment) is True


def test_several_rows_on_one_day():
    """A split day (morning and evening) is closed in between."""
    split = service([(MONDAY, (9, 0), (13, 0)), (MONDAY, (17, 0), (20, 0))])

    assert split.is_open_at(at(2030, 1, 7, 8, 0)) is True  # 10:00
    assert split.is_open_at(at(2030, 1, 7, 13, 0)) is False  # 15:00
    assert split.is_open_at(at(2030, 1, 7, 16, 0)) is True  # 18:00


def test_no_opening_hours_means_closed():
    assert service().is_open_at(at(2030, 1, 7, 7, 30)) is False


@pytest.mark.parametrize(
    ("closure", "is_open"),
    [
        ((datetime.date(2030, 1, 7), datetime.date(2030, 1, 7)), False),  # that day only
        ((datetime.date(2029, 12, 24), datetime.date(2030, 1, 7)), False),  # ends that day
        ((datetime.date(2030, 1, 7), datetime.date(2030, 1, 10)), False),  # starts that day
        ((datetime.date(2029, 12, 24), datetime.date(2030, 1, 6)), True),  # ended the day before
        ((datetime.date(2030, 1, 8), datetime.date(2030, 1, 10)), True),  # starts the day after
    ],
)
def test_closures_include_both_ends(closure, is_open):
    holidays = service(MONDAY_MORNINGS, closures=[closure])

    assert holidays.is_open_at(at(2030, 1, 7, 7, 30)) is is_open


def test_closure_day_is_the_athens_date():
    """Sunday 23:30 UTC falls on a Monday closure in Athens."""
    closed_monday = service(
        [(MONDAY, (1, 0), (2, 0))],
        closures=[(datetime.date(2030, 1, 7), datetime.date(2030, 1, 7))],
    )

    assert closed_monday.is_open_at(at(2030, 1, 6, 23, 30)) is False


@pytest.mark.parametrize(
    "status", [ServicePage.Status.TEMPORARILY_CLOSED, ServicePage.Status.INACTIVE]
)
def test_a_service_not_active_is_never_open(status):
    """A temporarily closed (or inactive) service is closed even in its opening hours."""
    assert service(MONDAY_MORNINGS, status=status).is_open_at(at(2030, 1, 7, 7, 30)) is False


def test_is_open_at_defaults_to_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 1, 7, 7, 30))

    assert service(MONDAY_MORNINGS).is_open_at() is True


@pytest.mark.django_db
def test_is_open_at_on_a_saved_service(site_tree):
    """The same rules hold for hours and closures read back from the database."""
    saved = make_service(
        make_organisation(),
        opening_hours=[(MONDAY, datetime.time(9), datetime.time(14))],
        closures=[(datetime.date(2030, 1, 14), datetime.date(2030, 1, 14))],
    )
    saved = ServicePage.objects.get(pk=saved.pk)

    assert saved.is_open_at(at(2030, 1, 7, 7, 30)) is True
    assert saved.is_open_at(at(2030, 1, 14, 7, 30)) is False  # the closure
    assert saved.is_open_at(at(2030, 1, 7, 12, 30)) is False  # 14:30 in Athens


# --- next_review ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_verified", "next_review"),
    [
        (datetime.date(2026, 1, 15), datetime.date(2026, 7, 15)),
        (datetime.date(2026, 8, 31), datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), datetime.date(2028, 2, 29)),  # a leap year
        (datetime.date(2026, 12, 31), datetime.date(2027, 6, 30)),
        (datetime.date(2026, 7, 1), datetime.date(2027, 1, 1)),
    ],
)
def test_next_review_defaults_to_six_months_after_the_last_check(
    site_tree, last_verified, next_review
):
    saved = make_service(make_organisation(), last_verified=last_verified)

    saved.refresh_from_db()
    assert saved.next_review == next_review


@pytest.mark.django_db
def test_next_review_set_by_an_editor_is_kept(site_tree):
    saved = make_service(
        make_organisation(),
        last_verified=datetime.date(2026, 1, 15),
        next_review=datetime.date(2026, 3, 1),
    )

    saved.refresh_from_db()
    assert saved.next_review == datetime.date(2026, 3, 1)


@pytest.mark.django_db
def test_next_review_before_the_last_check_is_invalid(site_tree):
    with pytest.raises(ValidationError) as error:
        make_service(
            make_organisation(),
            last_verified=datetime.date(2026, 3, 1),
            next_review=datetime.date(2026, 2, 1),
        )

    assert list(error.value.message_dict) == ["next_review"]


@pytest.mark.django_db
def test_reverifying_a_service_moves_its_automatic_review_date(site_tree):
    """Checking a service again starts a new six-month period.

    The review date was never chosen by anyone (it was filled in from the first
    check), so marking the service verified after it fell due must not be
    refused, and the next review moves to six months after the new check.
    """
    saved = make_service(make_organisation(), last_verified=datetime.date(2026, 1, 15))
    assert saved.next_review == datetime.date(2026, 7, 15)

    saved.last_verified = datetime.date(2026, 8, 3)
    saved.save()

    saved.refresh_from_db()
    assert saved.next_review == datetime.date(2027, 2, 3)


# --- months_after ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 15), 6, datetime.date(2026, 7, 15)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 11, 15), 2, datetime.date(2027, 1, 15)),  # over the new year
        (datetime.date(2026, 12, 15), 12, datetime.date(2027, 12, 15)),
        (datetime.date(2026, 5, 31), 0, datetime.date(2026, 5, 31)),
        (datetime.date(2026, 2, 28), 24, datetime.date(2028, 2, 28)),  # not pushed to the 29th
    ],
)
def test_months_after(day, months, expected):
    """The same day of the month, clamped to the end of shorter months."""
    assert months_after(day, months) == expected
