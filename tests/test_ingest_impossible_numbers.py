"""Numbers no cell can mean (infinity, NaN, 1e308, 20-digit amounts, absurd counts) are rejected
cells with a reason, never an exception: Excel accepts 1e308, and a file written by another
program can hold <v>NaN</v> or <v>inf</v>. Typed numbers (floats, as calamine gives them) and
numbers typed as text (a CSV, a text cell) go through the same rules."""

import math

import pytest

from domain.schema import sheets
from ingest.clean import cells
from ingest.read import totals
from ingest.read.headers import ColumnMatch

IMPOSSIBLE = [
    math.inf,
    -math.inf,
    math.nan,
    1e308,
    -1e308,
    1.7976931348623157e308,
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-inf",
    "1e308",
    "1e999999999",
    "-1E+999999999",
    "12345678901234567890",
    12345678901234567890.0,
]


@pytest.mark.parametrize("raw", IMPOSSIBLE, ids=repr)
@pytest.mark.parametrize("scale", [1, 10000])
def test_an_impossible_amount_is_a_rejected_cell_with_a_reason(raw, scale):
    values, errors = cells.money([raw, 12.5], scale=scale)
    assert values[0] is None and set(errors) == {0}
    assert "：请" in errors[0]  # says what to do
    assert values[1] == 1250 * scale


@pytest.mark.parametrize(
    "raw",
    [*IMPOSSIBLE, 1e15, "1000000000000000", 2.0**63, "9" * 5000, 2.5, "2.5", "1e-999999999"],
    ids=lambda r: repr(r)[:30],
)
def test_an_impossible_count_is_a_rejected_cell_with_a_reason(raw):
    values, errors = cells.integer([raw, 3.0])
    assert values == [None, 3] and set(errors) == {0}
    assert "：请" in errors[0]


def test_not_a_number_is_told_as_such_not_as_a_fraction():
    _, errors = cells.integer([math.nan, math.inf, "NaN"])
    assert all("不是有效的数字" in e and "小数" not in e for e in errors.values())
    _, errors = cells.money([math.nan, "Infinity"])
    assert all("不是有效的数字" in e for e in errors.values())


def test_tiny_or_long_amounts_are_judged_exactly():
    values, errors = cells.money(
        ["1e-999999999", "1.000000000000000000000000000001", "1." + "0" * 60, "0.000001"], scale=1
    )
    assert set(errors) == {0, 1, 3} and values[2] == 100
    assert all("小数" in errors[i] for i in (0, 1, 3))
    values, errors = cells.money(["0.000001"], scale=10000)
    assert errors == {} and values == [1]


def test_the_largest_counts_and_amounts_a_cell_can_mean_still_load():
    values, errors = cells.integer([999_999_999_999_999.0, "999,999,999,999,999"])
    assert errors == {} and values == [999_999_999_999_999] * 2
    values, errors = cells.money([9_999_999_999_999.99, "9999999999999999.99"])
    assert errors == {} and values == [999_999_999_999_999, 999_999_999_999_999_999]


def test_a_total_row_holding_infinity_is_not_compared_and_does_not_raise():
    members = next(s for s in sheets() if any(c.type == "money" for c in s.columns))
    money = next(c for c in members.columns if c.type == "money")
    match = ColumnMatch(money, 0, money.header)
    assert totals._parse(match, math.inf) is None and totals._parse(match, "NaN") is None
