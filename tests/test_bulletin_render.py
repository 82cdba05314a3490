"""The bulletin prints every headline figure from the indicators, beside its label, and refuses
to print one that is missing. Data: synthetic (random, not the article's values)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from synthetic import synthetic_indicators

from reports.bulletin import TEMPLATES, load_indicators, render
from reports.figure_book import OTHERS_TITLE, BulletinDataError
from reports.formatting import MissingFigureError, format_figure

# The figures the 数说工会 section prints, in the order a reader meets them.
HEADLINE = [
    "training_units",
    "training_person_times",
    "migrant_students_funded",
    "warmth_aid_amount",
    "mutual_insurance_enrolled",
    "mutual_insurance_benefited",
    "medical_mutual_benefited",
    "medical_mutual_claims",
    "job_fairs",
    "jobs_placed",
    "model_worker_recuperation",
    "model_worker_checkups",
    "summer_relief_amount",
    "summer_relief_packs",
    "women_screening_cards",
    "matchmaking_events",
    "matchmaking_participants",
    "cards_issued",
    "card_uptake_rate",
    "card_services",
    "real_name_service_times",
    "participation_rate",
    "stations_qualified",
    "stations_star_applied",
    "social_org_activities",
    "social_org_served",
    "stations",
    "retired_assistants",
    "social_workers",
    "contracts_signed",
    "enterprises_covered",
    "contract_signing_rate",
    "disputes_mediated",
    "disputes_amount",
]


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(seed=11)


@pytest.fixture(scope="module")
def rendered(indicators, tmp_path_factory):
    out = tmp_path_factory.mktemp("bulletin")
    paths = render(
        indicators,
        out,
        notes=["检查提示：某单位会员名册有重复身份证"],
        run_id="run-test",
        checks_href="checks/report.html",
    )
    return paths, paths["html"].read_text(encoding="utf-8"), paths["md"].read_text(encoding="utf-8")


def expected_text(indicators, indicator_id):
    row = indicators[(indicators.indicator_id == indicator_id) & indicators.breakdown_dim.isna()].iloc[0]
    return row["label"], format_figure(row)


def html_table(page):
    return {
        m["id"]: (html.unescape(m["label"]), html.unescape(m["value"]))
        for m in re.finditer(
            r'<tr id="fig-(?P<id>[a-z_]+)"><td class="label">(?P<label>[^<]*)</td><td '
            r'class="value">(?P<value>[^<]*)</td>',
            page,
        )
    }


def test_every_headline_figure_stands_beside_its_label_in_the_html_table(indicators, rendered):
    """指标一览 in the order the prose prints them; then every other figure of the catalogue."""
    table = html_table(rendered[1])
    assert list(table)[: len(HEADLINE)] == HEADLINE
    assert set(table) == set(indicators["indicator_id"]) and len(table) == indicators["indicator_id"].nunique()
    assert OTHERS_TITLE in rendered[1] and OTHERS_TITLE in rendered[2]
    for indicator_id in HEADLINE:
        assert table[indicator_id] == expected_text(indicators, indicator_id), indicator_id


def test_every_headline_figure_stands_beside_its_label_in_the_markdown_table(indicators, rendered):
    markdown = rendered[2]
    for indicator_id in HEADLINE:
        label, text = expected_text(indicators, indicator_id)
        assert f"| {label} | {text} |" in markdown, indicator_id


def test_headings_print_the_figures_with_their_own_units(indicators, rendered):
    markdown = rendered[2]
    _, jobs = expected_text(indicators, "jobs_placed")
    assert jobs.endswith("人次")  # the heading counts 人次, as the figure does
    headings = [line for line in markdown.splitlines() if line.startswith("### ")]
    assert any(f"安置就业{jobs}" in line for line in headings)
    _, units = expected_text(indicators, "training_units")
    _, trained = expected_text(indicators, "training_person_times")
    assert f"完成全区{units}{trained}培训" in markdown
    assert "截至2023年12月31日" in markdown  # the period's end, from the data


def test_same_signing_rates_print_once_as_jun_dadao(indicators, rendered):
    _, rate = expected_text(indicators, "contract_signing_rate")
    assert f"签订率均达到{rate}" in rendered[2]
    assert "工资专项协议签订率" not in rendered[2].split("## 指标一览")[0]


def test_different_signing_rates_are_both_printed(tmp_path):
    indicators = synthetic_indicators(seed=11, same_signing_rates=False)
    markdown = render(indicators, tmp_path)["md"].read_text(encoding="utf-8")
    _, collective = expected_text(indicators, "collective_contract_rate")
    _, wage = expected_text(indicators, "wage_agreement_rate")
    assert collective != wage
    assert "均达到" not in markdown.split("## 指标一览")[0]  # the prose (the catalogue's 口径 may say it)
    assert f"集体合同签订率{collective}，工资专项协议签订率{wage}" in markdown


def test_the_html_embeds_every_chart_and_the_markdown_links_it(rendered):
    paths, page, markdown = rendered
    charts = [p for key, p in paths.items() if key.startswith("chart:")]
    assert len(charts) >= 3
    for chart in charts:
        assert base64.b64encode(chart.read_bytes()).decode("ascii") in page
        assert f"](charts/{chart.name})" in markdown


def test_notes_run_id_and_checks_link_are_printed(rendered):
    page = rendered[1]
    assert "检查提示：某单位会员名册有重复身份证" in page
    assert "run-test" in page
    assert '<a href="checks/report.html">' in page
    assert "2023年1月1日至2023年12月31日" in page


def test_a_missing_headline_figure_stops_the_render_naming_it(tmp_path):
    with pytest.raises(MissingFigureError, match="cards_issued"):
        render(synthetic_indicators(drop=("cards_issued",)), tmp_path)
    assert not (tmp_path / "bulletin.html").exists()


def test_a_headline_figure_without_value_stops_the_render_naming_it(tmp_path):
    indicators = synthetic_indicators()
    headline = indicators.breakdown_dim.isna() & (indicators.indicator_id == "disputes_amount")
    indicators.loc[headline, "value"] = None
    with pytest.raises(MissingFigureError, match="disputes_amount"):
        render(indicators, tmp_path)


def test_two_periods_in_one_table_are_refused(tmp_path):
    indicators = synthetic_indicators()
    indicators.loc[indicators.index[0], "period_end"] = dt.date(2022, 12, 31)
    with pytest.raises(BulletinDataError, match="一个统计期"):
        render(indicators, tmp_path)


def test_markup_in_catalog_text_is_escaped_in_html(tmp_path):
    indicators = synthetic_indicators()
    indicators.loc[indicators.indicator_id == "job_fairs", "definition"] = "<script>x</script>"
    page = render(indicators, tmp_path)["html"].read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_templates_hold_words_only_no_numbers():
    for template in sorted(TEMPLATES.glob("*.j2")):
        text = re.sub(r"\{[{%#].*?[}%#]\}", "", template.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
        assert not re.findall(r"\d", text), f"{template.name} 中有数字：所有数字都应来自指标表"


def test_load_indicators_keeps_decimals_exact(indicators, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.register(
            "frame", indicators.astype({c: str for c in ("value", "numerator", "denominator")}).replace("None", None)
        )
        con.execute("create schema marts")
        con.execute("""create table marts.indicators as select * exclude (value, numerator, denominator),
            value::decimal(38,6) as value, numerator::decimal(38,2) as numerator,
            denominator::decimal(38,2) as denominator from frame""")
    loaded = load_indicators(warehouse)
    row = loaded[(loaded.indicator_id == "warmth_aid_amount") & loaded.breakdown_dim.isna()].iloc[0]
    original = indicators[(indicators.indicator_id == "warmth_aid_amount") & indicators.breakdown_dim.isna()].iloc[0]
    assert row["value"] == original["value"] and type(row["value"]).__name__ == "Decimal"
    paths = render(loaded, tmp_path / "out")
    assert html_table(paths["html"].read_text(encoding="utf-8"))["warmth_aid_amount"][1] == format_figure(original)


def test_load_indicators_explains_a_missing_table(tmp_path):
    warehouse = tmp_path / "empty.duckdb"
    duckdb.connect(str(warehouse)).close()
    with pytest.raises(BulletinDataError, match=r"marts\.indicators"):
        load_indicators(warehouse)
    with pytest.raises(BulletinDataError, match="找不到数据库文件"):
        load_indicators(Path(tmp_path / "nope.duckdb"))


def test_an_empty_indicators_table_is_refused_with_a_reason(indicators, tmp_path):
    with pytest.raises(BulletinDataError, match="统计期"):
        render(indicators.iloc[0:0], tmp_path)


def _with_values(indicators, **values):
    """Headline rows set to exact values; a rate given as (numerator, denominator)."""
    indicators = indicators.copy()
    for indicator_id, value in values.items():
        at = indicators.index[(indicators.indicator_id == indicator_id) & indicators.breakdown_dim.isna()][0]
        if isinstance(value, tuple):
            indicators.loc[at, ["numerator", "denominator"]] = [Decimal(value[0]), Decimal(value[1])]
            value = Decimal(value[0]) / Decimal(value[1])
        indicators.loc[at, "value"] = Decimal(value)
    return indicators


def test_full_staffing_is_claimed_only_when_every_station_is_staffed(indicators, tmp_path):
    claim = "实现工会服务站工作人员满编配备"
    full = render(_with_values(indicators, stations=17, stations_fully_staffed=17), tmp_path / "full")
    short = render(_with_values(indicators, stations=17, stations_fully_staffed=16), tmp_path / "short")
    full_md, short_md = (p["md"].read_text(encoding="utf-8").split("## 指标一览")[0] for p in (full, short))
    assert claim in full_md and "为全区17个工会服务站，招录" in full_md
    assert claim not in short_md and "为全区17个工会服务站，招录" in short_md


def test_gaoda_follows_the_rule_of_the_wording_table(indicators, tmp_path):
    """高达 for a participation rate of 90 % or more, read from the exact rate: 89.6 % prints
    90% but is 达到."""
    high = render(_with_values(indicators, participation_rate=(9001, 10000)), tmp_path / "high")
    under = render(_with_values(indicators, participation_rate=(896, 1000)), tmp_path / "under")
    assert "职工参与率高达90%" in high["md"].read_text(encoding="utf-8")
    assert "职工参与率达到90%" in under["md"].read_text(encoding="utf-8")
