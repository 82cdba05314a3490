"""A chart's caption is true to its bars, and a chart says which period it is of.

By-unit bars count each unit's own roster: a member two units list is in both bars, so the bars
add up to more than the district's deduplicated total. A caption that called the bars
deduplicated would contradict the bars a reader can add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from synthetic import synthetic_indicators

from reports.chart_specs import CHARTS
from reports.charts import draw_charts

PERIOD = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
MEMBERS_CHART = next(s for s in CHARTS if s.compare_with == "cards_issued")


def units_minus_total(indicators, indicator_id):
    rows = indicators[indicators.indicator_id == indicator_id]
    return sum(rows.loc[rows.breakdown_dim == "unit", "value"]) - rows.loc[rows.breakdown_dim.isna(), "value"].iloc[0]


def listed_twice(indicators):
    """One unit's members and cards raised by 10, the headlines not: as when 10 people are on
    two units' rosters (the synthetic table's headlines are exactly the sums of the units)."""
    indicators = indicators.copy()
    for indicator_id in ("members", "cards_issued"):
        row = indicators.index[(indicators.indicator_id == indicator_id) & (indicators.breakdown_dim == "unit")][0]
        indicators.loc[row, "value"] = indicators.loc[row, "value"] + Decimal(10)
    return indicators


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(seed=11, period=PERIOD)


def captions(indicators, tmp_path) -> dict[str, str]:
    charts, _ = draw_charts(indicators, tmp_path)
    return {c.name: c.caption for c in charts}


def test_by_unit_bars_that_add_up_to_more_than_the_total_are_captioned_so(indicators, tmp_path):
    overlapping = listed_twice(indicators)
    assert units_minus_total(overlapping, "members") == 10
    caption = captions(overlapping, tmp_path)[MEMBERS_CHART.name]
    assert "各单位自己的名册" in caption and "各计一次" in caption
    assert "各单位之和大于全区合计" in caption
    # What the bars are comes first, before the catalog's words about the district's total.
    assert caption.index("各计一次") < caption.index("只计一次")


def test_no_sum_claim_when_the_bars_add_up_to_the_total(indicators, tmp_path):
    assert units_minus_total(indicators, "members") == 0
    caption = captions(indicators, tmp_path)[MEMBERS_CHART.name]
    assert "各计一次" in caption and "大于全区合计" not in caption and "只计一次" not in caption


def test_every_by_unit_chart_says_how_a_unit_is_counted(indicators, tmp_path):
    texts = captions(indicators, tmp_path)
    for spec in CHARTS:
        if spec.breakdown_dim == "unit":
            assert "各计一次" in texts[spec.name], spec.name


def test_each_caption_names_the_period_a_stock_by_its_end(indicators, tmp_path):
    texts = captions(indicators, tmp_path)
    for spec in CHARTS:
        expected = "截至2023年12月31日" if spec.stock else "2023年1月1日至2023年12月31日"
        assert expected in texts[spec.name], spec.name
    assert not next(s for s in CHARTS if s.indicator_id == "aid_amount").stock  # paid inside the period


def test_the_period_is_drawn_into_the_png(indicators, tmp_path):
    """Same values, another period: every PNG changes, so the period is in the picture itself."""
    later = indicators.assign(period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31))
    first, _ = draw_charts(indicators, tmp_path / "a")
    second, _ = draw_charts(later, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.path.read_bytes() != b.path.read_bytes(), a.name
