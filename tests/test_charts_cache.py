"""Charts drawn before are taken from the chart cache (reports/chart_cache.py) only when they would
be drawn from the same values: the same bytes as drawing them; a chart whose bars changed is drawn
again, the others are not; without a cache folder every chart is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from synthetic import synthetic_indicators

from reports import charts as chart_module
from reports.charts import draw_charts


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(seed=5)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _counting_draws(monkeypatch) -> list[str]:
    drawn: list[str] = []
    draw = chart_module._draw

    def counted(spec, *args, **kwargs):
        drawn.append(spec.name)
        return draw(spec, *args, **kwargs)

    monkeypatch.setattr(chart_module, "_draw", counted)
    return drawn


def test_a_chart_drawn_before_is_copied_and_is_the_same_bytes(indicators, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    draw_charts(indicators, tmp_path / "first", cache=cache)
    drawn = _counting_draws(monkeypatch)
    charts, _ = draw_charts(indicators, tmp_path / "again", cache=cache)
    assert charts and drawn == []
    monkeypatch.undo()
    draw_charts(indicators, tmp_path / "fresh")
    assert _files(tmp_path / "again") == _files(tmp_path / "fresh") == _files(tmp_path / "first")


def test_only_the_chart_whose_bars_changed_is_drawn_again(indicators, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    charts, _ = draw_charts(indicators, tmp_path / "first", cache=cache)
    drawn_names = {c.name for c in charts}
    spec = next(s for s in chart_module.CHARTS if s.name in drawn_names and s.scale != "ratio")
    changed = indicators.copy()
    rows = changed.index[
        (changed["indicator_id"] == spec.indicator_id) & (changed["breakdown_dim"] == spec.breakdown_dim)
    ]
    row = rows[0]
    changed.loc[row, "value"] = changed.loc[row, "value"] + 1
    drawn = _counting_draws(monkeypatch)
    draw_charts(changed, tmp_path / "changed", cache=cache)
    assert drawn == [spec.name]
    png = f"{spec.name}.png"
    assert (tmp_path / "changed" / png).read_bytes() != (tmp_path / "first" / png).read_bytes()


def test_without_a_cache_folder_every_chart_is_drawn(indicators, tmp_path, monkeypatch):
    draw_charts(indicators, tmp_path / "first")
    drawn = _counting_draws(monkeypatch)
    charts, _ = draw_charts(indicators, tmp_path / "again")
    assert len(drawn) == len(charts) > 0
