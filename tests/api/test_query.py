"""Typed query parameters: good values parse, every bad one is named in a single 400."""

import datetime

import pytest
from django.test import RequestFactory

from cms.api.problems import Problem
from cms.api.query import ATHENS, QueryParams


def params_for(query, allowed=("x", "y"), **options):
    return QueryParams(RequestFactory().get(f"/api/v1/things?{query}"), allowed, **options)


def field_errors(query, read):
    params = params_for(query)
    read(params)
    with pytest.raises(Problem) as raised:
        params.check()
    assert raised.value.status_code == 400
    return [error["field"] for error in raised.value.errors]


def test_absent_parameters_are_none_and_check_passes():
    params = params_for("")

    assert params.integer("x") is None
    assert params.boolean("y") is None
    params.check()


def test_unknown_parameters_are_refused_unless_paginated_lists_allow_pagination():
    with pytest.raises(Problem):
        params_for("page=2")
    params_for("page=2&page_size=5", paginated=True).check()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("x=3", 3), ("x=-2", -2), ("x=%203%20", 3)],
)
def test_integers(query, expected):
    assert params_for(query).integer("x", minimum=-5, maximum=7) == expected


@pytest.mark.parametrize("value", ["3.5", "three", "1_0", "%D9%A3", "", "8", "-6"])
def test_bad_integers_are_named(value):
    assert field_errors(f"x={value}", lambda p: p.integer("x", minimum=-5, maximum=7)) == ["x"]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("False", False)])
def test_booleans(value, expected):
    assert params_for(f"x={value}").boolean("x") is expected


def test_every_bad_value_is_named_in_one_problem():
    def read(params):
        params.boolean("x")
        params.choice("y", ["in_person", "remote"])

    assert field_errors("x=maybe&y=teleport", read) == ["x", "y"]


def test_a_repeated_parameter_is_refused():
    assert field_errors("x=1&x=2", lambda p: p.integer("x")) == ["x"]


def test_lists_are_comma_separated_without_blanks_or_duplicates():
    assert params_for("x=a,%20b,,a").values("x") == ["a", "b"]
    assert field_errors("x=,,", lambda p: p.values("x")) == ["x"]
    many = ",".join(f"v{i}" for i in range(51))
    assert field_errors(f"x={many}", lambda p: p.values("x")) == ["x"]


def test_datetimes_without_an_offset_are_athens_time():
    athens = params_for("x=2026-05-04T10:00").datetime("x")
    utc = params_for("x=2026-05-04T10:00Z").datetime("x")
    day = params_for("x=2026-05-04").datetime("x")

    assert athens == datetime.datetime(2026, 5, 4, 10, tzinfo=ATHENS)
    assert utc == datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)
    assert day == datetime.datetime(2026, 5, 4, tzinfo=ATHENS)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", "2026-02-30T10:00", "10:00"])
def test_bad_datetimes_are_named(value):
    assert field_errors(f"x={value}", lambda p: p.datetime("x")) == ["x"]


def test_points_are_latitude_first():
    assert params_for("x=37.98,23.73").point("x") == (37.98, 23.73)


@pytest.mark.parametrize(
    "value", ["37.98", "91,23", "37.98,181", "nan,23", "inf,1", "a,b", "1,2,3", "1_0,2"]
)
def test_bad_points_are_named(value):
    assert field_errors(f"x={value}", lambda p: p.point("x")) == ["x"]


def test_numbers_and_text_are_bounded():
    assert params_for("x=2.5").number("x", minimum=0.1, maximum=50) == 2.5
    assert field_errors("x=0", lambda p: p.number("x", minimum=0.1, maximum=50)) == ["x"]
    assert params_for("x=%20clinic%20").text("x") == "clinic"
    assert field_errors("x=" + "a" * 201, lambda p: p.text("x")) == ["x"]
