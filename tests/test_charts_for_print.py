"""Charts a design desk and a printer can use: a 300 dpi PNG with an SVG beside it, each figure named
as the catalogue names it, the district's rate as a line across by-unit rate bars, and rate labels
with the decimals it takes to tell apart bars that differ."""

from __future__ import annotations

import datetime as dt
import struct
from decimal import Decimal

import pytest
from synthetic import synthetic_indicators

from reports.chart_specs import CHARTS
from reports.chart_words import rate_labels
from reports.charts import draw_charts

PERIOD = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    indicators = synthetic_indicators(seed=11, period=PERIOD)
    charts, _ = draw_charts(indicators, tmp_path_factory.mktemp("charts"))
    return indicators, {c.name: c for c in charts}


def png_dpi(data: bytes) -> float:
    """Pixels per inch from the PNG's pHYs chunk (pixels per metre)."""
    at = data.index(b"pHYs")
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    assert unit == 1
    return per_metre * 0.0254


def test_each_chart_is_a_300_dpi_png_with_an_svg_beside_it(drawn):
    _, charts = drawn
    assert len(charts) >= 3
    for chart in charts.values():
        assert round(png_dpi(chart.path.read_bytes())) == 300, chart.name
        svg = chart.svg_path.read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert chart.title in svg  # text kept as text: the desk can edit it


def test_titles_legends_and_captions_use_the_catalogue_labels(drawn):
    indicators, charts = drawn
    label = dict(zip(indicators["indicator_id"], indicators["label"], strict=True))
    members = next(s for s in CHARTS if s.compare_with == "cards_issued")
    chart = charts[members.name]
    assert chart.title == f"各单位{label['members']}与{label['cards_issued']}"
    svg = chart.svg_path.read_text(encoding="utf-8")
    assert label["cards_issued"] in svg and "有效京卡数" not in chart.title + chart.caption + svg
    for spec in CHARTS:
        if spec.name in charts:
            assert label[spec.indicator_id] in charts[spec.name].title, spec.name


def test_by_unit_rate_charts_draw_the_district_rate_as_a_line(drawn):
    _, charts = drawn
    for spec in CHARTS:
        if spec.breakdown_dim == "unit" and spec.scale == "ratio" and spec.name in charts:
            chart = charts[spec.name]
            assert "虚线为全区" in chart.caption and "虚线为全区" in chart.alt, spec.name
            assert "全区" in chart.svg_path.read_text(encoding="utf-8")


def _rates(pairs, style="pct:0"):
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "indicator_id": "r",
                "label": "率",
                "unit": "%",
                "printed_unit": "",
                "style": style,
                "value": Decimal(n) / d,
            }
            | {"numerator": Decimal(n), "denominator": Decimal(d)}
            for n, d in pairs
        ]
    )


def test_a_rate_chart_adds_the_decimals_that_tell_different_bars_apart():
    labels, extra = rate_labels(_rates([(986, 1000), (994, 1000), (990, 1000)]))
    assert extra == 1 and labels == ["98.6%", "99.4%", "99.0%"]
    labels, extra = rate_labels(_rates([(9861, 10000), (9862, 10000)]))
    assert extra == 2 and len(set(labels)) == 2
    labels, extra = rate_labels(_rates([(1, 2), (2, 4), (3, 10)]))  # equal rates may print alike
    assert extra == 0 and labels == ["50%", "50%", "30%"]
