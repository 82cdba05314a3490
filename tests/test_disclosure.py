"""Small counts stay unrevealed: a withheld unit's count cannot be worked out from what is
published (the headline and every published unit), in any output (reports/disclosure.py)."""

from __future__ import annotations

import csv
import itertools
import json
from decimal import Decimal

import pandas as pd
import pytest
from synthetic import synthetic_indicators
from test_exports_catalogue import GENERATED, fake_sources

from reports.chart_specs import publishable
from reports.disclosure import SMALL_COUNT, withheld_units
from reports.exports import write_exports

SENSITIVE = "women_screening_cards"


def feasible_range(withheld: list[int], published: list[int]) -> tuple[int, int]:
    """What a reader can say of one withheld cell: the headline (at most the sum of the units)
    minus the published cells leaves the withheld cells' sum S; each lies in [0, m], m the smallest
    published cell (a reader who knows the rule knows a withheld cell is at most that); integers."""
    total, k = sum(withheld), len(withheld)
    upper = min(published) if published else total
    return max(0, total - (k - 1) * upper), min(upper, total)


def _check(values: tuple[int, ...]) -> None:
    keys = [f"U{i}" for i in range(len(values))]
    hidden = withheld_units(SENSITIVE, dict(zip(keys, values, strict=True)))
    assert all(value >= SMALL_COUNT for key, value in zip(keys, values, strict=True) if key not in hidden), values
    withheld = [v for k, v in zip(keys, values, strict=True) if k in hidden]
    published = [v for k, v in zip(keys, values, strict=True) if k not in hidden]
    if not withheld or sum(values) == 0:  # nothing withheld, or every unit 0: the headline says so
        return
    low, high = feasible_range(withheld, published)
    assert low < high, f"{values}: a withheld cell is pinned to {low}"


@pytest.mark.parametrize("units", [2, 3, 4])
def test_no_withheld_count_can_be_derived_from_any_small_table(units):
    for values in itertools.product(range(0, 13), repeat=units):
        _check(values)


def test_no_withheld_count_can_be_derived_with_many_units():
    for values in itertools.product((0, 1, 4, 5, 6, 40), repeat=6):
        _check(values)


def test_one_small_count_takes_the_smallest_other_unit_with_it():
    hidden = withheld_units(SENSITIVE, {"甲": Decimal(3), "乙": Decimal(120), "丙": Decimal(7), "丁": Decimal(9)})
    assert sorted(hidden) == ["丙", "甲"]
    assert len(set(hidden.values())) == 1, "primary and secondary read the same, so neither can be told apart"


def test_nothing_is_withheld_when_no_count_is_small():
    assert withheld_units(SENSITIVE, {"甲": Decimal(5), "乙": Decimal(6)}) == {}
    assert withheld_units("cards_issued", {"甲": Decimal(1), "乙": Decimal(600)}) == {}


def _with_screening(values: list[int]) -> pd.DataFrame:
    frame = synthetic_indicators(11)
    rows = frame[(frame["indicator_id"] == SENSITIVE) & (frame["breakdown_dim"] == "unit")]
    frame = frame.copy()
    for index, value in zip(rows.index, itertools.cycle(values)):
        frame.loc[index, "value"] = Decimal(value)
    head = (frame["indicator_id"] == SENSITIVE) & frame["breakdown_dim"].isna()
    frame.loc[head, "value"] = Decimal(sum(frame.loc[rows.index, "value"]))
    return frame


def test_every_published_output_withholds_the_same_cells_and_they_stay_underivable(tmp_path):
    indicators = _with_screening([3, 120, 57, 9, 88, 64, 71])
    exported = write_exports(indicators, tmp_path, run_id="r", generated_at=GENERATED, sources=fake_sources())
    rows = [
        r for r in csv.DictReader(exported["csv"].read_text(encoding="utf-8-sig").splitlines()) if r["id"] == SENSITIVE
    ]
    head = next(r for r in rows if r["分项"] == "合计")
    units = [r for r in rows if r["分项"] != "合计"]
    hidden = {r["分项"] for r in units if r["可否发布"] != "是"}
    assert len(hidden) >= 2
    for r in units:
        if r["分项"] in hidden:
            assert r["数值"] == r["印刷数字"] == r["发布用语"] == "" and r.get("上期数值", "") == ""
    published = [int(Decimal(r["数值"])) for r in units if r["分项"] not in hidden]
    withheld_sum = int(Decimal(head["数值"])) - sum(published)
    low, high = feasible_range([withheld_sum // len(hidden)] * len(hidden), published)  # any split of the sum
    assert low < high
    document = json.loads(exported["json"].read_text(encoding="utf-8"))
    in_json = {r["分项"] for r in document["figures"] if r["id"] == SENSITIVE and r["可否发布"] != "是"}
    assert in_json == hidden
    by_unit = indicators[(indicators["indicator_id"] == SENSITIVE) & (indicators["breakdown_dim"] == "unit")]
    drawn, count = publishable(by_unit, SENSITIVE, "unit")
    assert (
        count == len(hidden) and {f"按单位：{k}" for k in drawn["breakdown_key"]} == {r["分项"] for r in units} - hidden
    )
