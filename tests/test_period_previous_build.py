"""The run builds the previous period's indicators beside this period's when the input holds
returns for it (the small demo holds 2017 and 2018): they are what the generator generated for
2017, the gate compares with them, the exports carry them; and without such returns there is no
previous period anywhere."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from reports.bulletin import load_indicators
from reports.period_change import PREVIOUS_TABLE, load_previous
from shushuo import previous_build

PERIOD = (date(2018, 1, 1), date(2018, 12, 31))


@pytest.fixture(scope="module")
def previous(small_run):
    return load_previous(small_run.run_dir / "warehouse.duckdb")


def test_previous_indicators_are_what_the_generator_generated_for_the_year_before(previous, small_truth):
    assert {str(d)[:10] for d in previous["period_start"]} == {"2017-01-01"}
    heads = previous[previous["breakdown_dim"].isna()].set_index("indicator_id")
    differing = {}
    for figure_id, truth in small_truth["previous"]["figures"].items():
        value = heads.loc[figure_id, "value"]
        if isinstance(truth, dict):
            ok = abs(value - Decimal(truth["numerator"]) / Decimal(truth["denominator"])) < Decimal("1e-6")
        else:
            ok = value == Decimal(truth)
        if not ok:
            differing[figure_id] = (truth, value)
    assert not differing


def test_the_run_records_the_previous_period_and_the_gate_compares_with_it(small_run):
    manifest = json.loads((small_run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["previous_period_start"] == "2017-01-01"
    assert manifest["parameters"]["previous_period_end"] == "2017-12-31"
    moved = next(o for o in manifest["checks"]["outcomes"] if o["check_id"] == "rule.moved_against_previous_period")
    assert moved["status"] != "skipped"


def test_exports_give_rates_in_points_and_counts_in_percent(small_run):
    with open(small_run.run_dir / "figures.csv", encoding="utf-8-sig", newline="") as f:
        heads = {r["id"]: r for r in csv.DictReader(f) if r["分项"] == "合计"}
    assert heads["card_uptake_rate"]["同比"].startswith(("提高", "下降")) and heads["card_uptake_rate"][
        "同比"
    ].endswith("个百分点")
    members = heads["members"]
    growth = (Decimal(members["数值"]) - Decimal(members["上期数值"])) / Decimal(members["上期数值"]) * 100
    assert members["同比"] == f"增长{growth.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    assert "<th>同比</th>" in small_run.bulletin.read_text(encoding="utf-8")


def test_without_returns_for_the_previous_period_there_is_none(small_run, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(small_run.run_dir / "warehouse.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.submissions where period_end < ?", [PERIOD[0]])
        assert con.execute(f"select count(*) from {PREVIOUS_TABLE}").fetchone()[0] > 0
    assert previous_build.build(warehouse, *PERIOD) is None
    assert load_previous(warehouse) is None  # the stale schemas are gone
    indicators = load_indicators(warehouse)
    assert not [c for c in indicators.columns if c.startswith("previous")]
