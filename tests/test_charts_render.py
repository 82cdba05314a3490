"""Charts are drawn in the bundled CJK font (no missing glyphs), byte-for-byte reproducible, skip
with a note when a breakdown is empty, and never show small counts of sensitive indicators."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from synthetic import synthetic_indicators

from reports.chart_specs import CHARTS, ChartSpec, publishable
from reports.charts import cjk_font_name, draw_charts


def glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(seed=5)


def test_the_font_is_the_bundled_noto_sans_cjk_sc():
    name = cjk_font_name()
    assert name == "Noto Sans CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    assert Path(found).name == "NotoSansCJKsc-Regular.otf"


def test_the_warning_capture_would_see_a_missing_glyph(tmp_path):
    # Without the CJK font matplotlib warns about each Chinese glyph: the test below relies on it.
    with warnings.catch_warnings(record=True) as caught, rc_context({"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.add_subplot().set_title("办卡率")
        fig.savefig(tmp_path / "boxes.png")
    assert glyph_warnings(caught)


def test_charts_are_written_with_no_missing_glyph(indicators, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts, notes = draw_charts(indicators, tmp_path)
    assert not glyph_warnings(caught)
    assert [c.name for c in charts] == [s.name for s in CHARTS]
    for chart in charts:
        assert chart.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert chart.path.stat().st_size > 10_000
    assert notes == []


def test_the_same_data_gives_the_same_bytes(indicators, tmp_path):
    first, _ = draw_charts(indicators, tmp_path / "a")
    second, _ = draw_charts(indicators, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), a.name
    assert b"Software" not in first[0].path.read_bytes()


def test_an_empty_breakdown_is_skipped_with_a_note(indicators, tmp_path):
    without = indicators[
        ~((indicators.indicator_id == "collective_contract_rate") & (indicators.breakdown_dim == "unit"))
    ]
    charts, notes = draw_charts(without, tmp_path)
    assert "contract_rate_by_unit" not in [c.name for c in charts]
    assert not (tmp_path / "contract_rate_by_unit.png").exists()
    assert any("未绘制" in n and "collective_contract_rate" in n for n in notes)


def unit_rows(indicator_id, values):
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "breakdown_dim": "unit",
            "breakdown_key": [f"U{i}" for i in range(len(values))],
            "value": [Decimal(v) for v in values],
        }
    )


def test_small_counts_of_sensitive_people_are_withheld_per_unit_with_the_cell_that_would_reveal_them():
    kept, withheld = publishable(unit_rows("women_screening_cards", [0, 4, 5, 120]), "women_screening_cards", "unit")
    assert list(kept["value"]) == [Decimal(120)]
    assert withheld == 3


def test_aid_by_unit_is_never_drawn_but_by_programme_is():
    rows = unit_rows("aid_amount", [100000, 200000])
    assert publishable(rows, "aid_amount", "unit")[0].empty
    assert len(publishable(rows.assign(breakdown_dim="programme"), "aid_amount", "programme")[0]) == 2


def test_a_chart_of_a_sensitive_indicator_says_what_it_withheld(indicators, tmp_path):
    spec = ChartSpec("screening_by_unit", "两癌筛查体检卡（按单位）", "women_screening_cards", "unit")
    rows = indicators[(indicators.indicator_id == "women_screening_cards") & (indicators.breakdown_dim == "unit")]
    small = int((rows["value"] < 5).sum())
    assert small  # the synthetic data has some
    _charts, notes = draw_charts(indicators, tmp_path, specs=(spec,))
    assert any(f"{small + 1} 个单位" in n and "敏感" in n for n in notes)  # and the one that would reveal them


def test_a_unit_whose_rate_has_no_denominator_is_left_out_with_a_note(indicators, tmp_path):
    indicators = indicators.copy()
    row = indicators.index[(indicators.indicator_id == "card_uptake_rate") & (indicators.breakdown_dim == "unit")][0]
    indicators.loc[row, ["numerator", "denominator"]] = [Decimal(0), Decimal(0)]
    key = indicators.loc[row, "breakdown_key"]
    charts, notes = draw_charts(indicators, tmp_path, specs=CHARTS[:1])
    assert [c.name for c in charts] == ["card_uptake_by_unit"]
    assert any(key in n and "分母为 0" in n for n in notes)


def test_by_unit_charts_do_not_call_every_unit_a_street():
    """The by-unit rows include 金融街商务楼宇职工服务中心 (a centre, not a street): a title
    "各街道…" would mislabel its bar."""
    from domain import schema

    assert any(u.kind != "street" for u in schema.units())
    for spec in CHARTS:
        if spec.breakdown_dim == "unit":
            assert "街道" not in spec.title and spec.title.startswith("各单位"), spec.title
