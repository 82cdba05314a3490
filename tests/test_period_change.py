"""同比: which period comes before, how a change is written (a rate in 百分点, never %; a count in
% with one decimal), and that the bulletin and the exports carry it only when there is a
previous period. Data: synthetic (not the article's values)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from synthetic import synthetic_indicators

from domain.periods import comparable, previous_period
from domain.schema import units
from reports.bulletin import render
from reports.docx_export import write_docx
from reports.exports import write_exports
from reports.period_change import change_of, comparison_word, with_previous
from tests.test_exports_catalogue import GENERATED, fake_sources

YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
YEAR_BEFORE = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))


@pytest.mark.parametrize(
    "period, before",
    [
        (YEAR, YEAR_BEFORE),
        ((dt.date(2023, 4, 1), dt.date(2023, 6, 30)), (dt.date(2023, 1, 1), dt.date(2023, 3, 31))),
        ((dt.date(2023, 1, 1), dt.date(2023, 3, 31)), (dt.date(2022, 10, 1), dt.date(2022, 12, 31))),
        ((dt.date(2024, 3, 1), dt.date(2024, 3, 31)), (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ((dt.date(2023, 1, 10), dt.date(2023, 1, 19)), (dt.date(2022, 12, 31), dt.date(2023, 1, 9))),
    ],
)
def test_the_previous_period_has_the_same_length_just_before(period, before):
    assert previous_period(*period) == before


def test_a_period_is_compared_with_only_when_every_expected_unit_sent_it():
    expected = [u.code for u in units()]
    assert comparable(expected)
    assert comparable([*expected, "a unit not in units.yaml"])
    assert not comparable(expected[1:])
    assert not comparable([])


@pytest.fixture(scope="module")
def compared() -> pd.DataFrame:
    now = synthetic_indicators(seed=11, period=YEAR)
    before = synthetic_indicators(seed=12, period=YEAR_BEFORE)
    return with_previous(now, before)


def headline(frame: pd.DataFrame, indicator_id: str) -> pd.Series:
    return frame[(frame.indicator_id == indicator_id) & frame.breakdown_dim.isna()].iloc[0]


def row(style: str, value, before, num=None, den=None, before_num=None, before_den=None) -> pd.Series:
    return pd.Series(
        {
            "indicator_id": "x",
            "style": style,
            "value": value,
            "numerator": num,
            "denominator": den,
            "previous_value": before,
            "previous_numerator": before_num,
            "previous_denominator": before_den,
        }
    )


def test_a_rate_changes_in_percentage_points_from_its_exact_parts(compared):
    figure = headline(compared, "card_uptake_rate")
    change = change_of(figure)
    exact = (
        Decimal(figure["numerator"]) / Decimal(figure["denominator"])
        - Decimal(figure["previous_numerator"]) / Decimal(figure["previous_denominator"])
    ) * 100
    assert change.kind == "points" and change.amount == exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert change.text.endswith("个百分点") and "%" not in change.text
    assert change_of(row("pct:2", None, None, 8540, 10000, 8215, 10000)).text == "提高3.25个百分点"
    assert change_of(row("pct:0", None, None, 96, 100, 97, 100)).text == "下降1.0个百分点"  # at least one decimal


def test_a_count_changes_in_percent_with_one_decimal(compared):
    figure = headline(compared, "cards_issued")
    change = change_of(figure)
    exact = (Decimal(figure["value"]) - Decimal(figure["previous_value"])) / Decimal(figure["previous_value"]) * 100
    assert change.kind == "percent" and change.amount == exact.quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert change_of(row("exact", Decimal(1000), Decimal(1100))).text == "下降9.1%"
    assert change_of(row("wan:2", Decimal("10750"), Decimal(10000))).text == "增长7.5%"
    assert change_of(row("exact", Decimal(1000), Decimal(1000))).text == "持平"
    assert change_of(row("exact", Decimal(10001), Decimal(10000))).text == "基本持平"  # +0.01%: not 持平


def test_a_rate_change_too_small_to_print_is_basically_level_not_level():
    """88.42% after 88.45% prints as 88.4% after 88.5%: 持平 would contradict the printed figures."""
    assert change_of(row("pct:1", None, None, 8842, 10000, 8845, 10000)).text == "基本持平"
    assert change_of(row("pct:1", None, None, 8845, 10000, 8845, 10000)).text == "持平"
    assert change_of(row("exact", Decimal(5), Decimal(0))) is None  # no percentage of nothing


def test_same_period_a_year_before_is_tongbi_the_quarter_before_is_huanbi(compared):
    assert comparison_word(compared) == "同比"
    quarter = synthetic_indicators(seed=11, period=(dt.date(2023, 4, 1), dt.date(2023, 6, 30)))
    quarter_before = synthetic_indicators(seed=12, period=(dt.date(2023, 1, 1), dt.date(2023, 3, 31)))
    assert comparison_word(with_previous(quarter, quarter_before)) == "环比"


def test_without_a_previous_period_nothing_is_added():
    now = synthetic_indicators(seed=11, period=YEAR)
    assert list(with_previous(now, None).columns) == list(now.columns)
    assert change_of(headline(now, "cards_issued")) is None


def test_the_bulletin_table_has_a_tongbi_column_and_the_prose_says_it(compared, tmp_path):
    paths = render(compared, tmp_path)
    markdown = paths["md"].read_text(encoding="utf-8")
    page = paths["html"].read_text(encoding="utf-8")
    assert "| 指标 | 数值 | 同比 | 口径 |" in markdown and "<th>同比</th>" in page
    rate = change_of(headline(compared, "card_uptake_rate")).text
    count = change_of(headline(compared, "cards_issued")).text
    assert '<tr id="fig-card_uptake_rate">' in page and f'<td class="change">{rate}</td>' in page
    assert f"同比{count}，办卡率达" in markdown and f"同比{rate}。" in markdown
    assert "同比：与上一统计期（2022年1月1日至2022年12月31日）" in markdown


def test_the_bulletin_has_no_tongbi_without_a_previous_period(tmp_path):
    paths = render(synthetic_indicators(seed=11, period=YEAR), tmp_path)
    for key in ("md", "html"):
        text = paths[key].read_text(encoding="utf-8")
        assert "同比" not in text and "环比" not in text and "上期" not in text


def test_the_docx_table_has_the_tongbi_column(compared, tmp_path):
    document = Document(str(write_docx(compared, tmp_path / "bulletin.docx")))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["指标", "数值", "同比", "口径"]
    assert any(r.cells[2].text.endswith("个百分点") for r in table.rows[1:])
    # 提高3.29个百分点 on one line: a column wide enough for it, and the cell told not to wrap
    assert table.columns[2].width >= Mm(30)
    assert all(r.cells[2]._tc.tcPr.find(qn("w:noWrap")) is not None for r in table.rows[1:])


def test_exports_carry_previous_value_and_tongbi_only_with_a_previous_period(compared, tmp_path):
    with_before = write_exports(compared, tmp_path / "a", run_id="r", generated_at=GENERATED, sources=fake_sources())
    with open(with_before["csv"], encoding="utf-8-sig", newline="") as f:
        records = list(csv.DictReader(f))
    by_id = {r["id"]: r for r in records if r["分项"] == "合计"}
    assert by_id["card_uptake_rate"]["同比"].endswith("个百分点")
    assert by_id["cards_issued"]["同比"] == change_of(headline(compared, "cards_issued")).text
    assert Decimal(by_id["cards_issued"]["上期数值"]) == headline(compared, "cards_issued")["previous_value"]
    assert "上期数值" in json.loads(with_before["json"].read_text(encoding="utf-8"))["figures"][0]

    plain = synthetic_indicators(seed=11, period=YEAR)
    without = write_exports(plain, tmp_path / "b", run_id="r", generated_at=GENERATED, sources=fake_sources())
    header = without["csv"].read_text(encoding="utf-8-sig").splitlines()[0]
    assert "上期数值" not in header and "同比" not in header


def test_the_site_shows_tongbi_beside_each_figure_only_with_a_previous_period(compared, tmp_path):
    from reports.site import write_site

    figure = headline(compared, "cards_issued")
    page = write_site(compared, tmp_path / "a", run_id="r", generated_at=GENERATED, sources=fake_sources()).parent
    text = (page / "figures.html").read_text(encoding="utf-8")
    assert f'<dt>同比</dt><dd class="change">{change_of(figure).text}' in text
    plain = write_site(
        synthetic_indicators(seed=11, period=YEAR),
        tmp_path / "b",
        run_id="r",
        generated_at=GENERATED,
        sources=fake_sources(),
    ).parent
    assert "<dt>同比</dt>" not in (plain / "figures.html").read_text(encoding="utf-8")


def test_the_docx_names_the_quality_check_report(compared, tmp_path):
    document = Document(str(write_docx(compared, tmp_path / "bulletin.docx", checks_href="checks/checks.html")))
    assert any("质量检查报告" in p.text and "checks/checks.html" in p.text for p in document.paragraphs)
