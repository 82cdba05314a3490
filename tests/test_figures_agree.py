"""No two publishable texts of one run name the same thing with different numbers.

A reader who finds 送温暖 twice (the bulletin's text, the aid chart, figures.csv) must find one
amount: the by-programme row named 送温暖 is the headline's 送温暖 (在档困难职工 and 困难劳模);
what the 送温暖 programme paid to 其他职工 is a row of its own."""

from __future__ import annotations

import csv

from reports.bulletin import load_indicators
from reports.chart_specs import CHARTS, breakdown, publishable
from reports.formatting import format_figure

WARMTH = "送温暖"


def indicators_of(run):
    return load_indicators(run.run_dir / "warehouse.duckdb")


def headline_row(indicators, indicator_id):
    return indicators[(indicators.indicator_id == indicator_id) & indicators.breakdown_dim.isna()].iloc[0]


def test_the_demo_pays_songwennuan_to_other_workers_too(small_run):
    """The case the agreement is about exists in the demo data: otherwise the tests below prove nothing."""
    indicators = indicators_of(small_run)
    keys = set(breakdown(indicators, "aid_amount", "programme")["breakdown_key"])
    assert WARMTH in keys and any(k.startswith(WARMTH) and k != WARMTH for k in keys)


def test_the_aid_chart_shows_the_bulletins_songwennuan(small_run):
    indicators = indicators_of(small_run)
    spec = next(s for s in CHARTS if s.indicator_id == "aid_amount")
    drawn, _ = publishable(
        breakdown(indicators, spec.indicator_id, spec.breakdown_dim), spec.indicator_id, spec.breakdown_dim
    )
    bar = drawn[drawn.breakdown_key == WARMTH].iloc[0]
    assert format_figure(bar) == format_figure(headline_row(indicators, "warmth_aid_amount"))
    assert sum(drawn["value"]) == headline_row(indicators, "aid_amount")["value"]


def test_every_publishable_songwennuan_amount_in_figures_csv_is_one_amount(small_run):
    rows = list(csv.DictReader((small_run.run_dir / "figures.csv").read_text(encoding="utf-8-sig").splitlines()))
    said = {
        r["印刷数字"]
        for r in rows
        if r["可否发布"] == "是" and WARMTH in r["发布用语"] and "其他职工" not in r["发布用语"]
    }
    assert len(said) == 1, said
    bulletin = (small_run.run_dir / "bulletin.md").read_text(encoding="utf-8")
    assert f"送温暖，发放款物{said.pop()}" in bulletin
