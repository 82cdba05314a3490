"""The figure catalogue exports (figures.xlsx / .csv / .json): every row of the indicators table,
worded, sourced, exact, and safe to open in Excel or WPS."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

import openpyxl
import pandas as pd
import pytest
import yaml
from synthetic import UNITS, read_catalog, synthetic_indicators

from ingest.load.current import decide
from reports.exports import neutralise, source_records, write_exports
from reports.figure_words import WORDING
from reports.formatting import format_figure
from reports.provenance import adopted_submissions, unit_short_names

GENERATED = dt.datetime(2024, 1, 15, 9, 30)


def fake_sources(period=(dt.date(2023, 1, 1), dt.date(2023, 12, 31))) -> pd.DataFrame:
    """raw.submissions as ingest writes it: one workbook per unit, and for the first unit an older
    workbook it later replaced (the newer one is the one counted)."""
    units = yaml.safe_load(UNITS.read_text(encoding="utf-8"))["units"]
    rows = [
        {
            "unit_code": u["code"],
            "unit_name": u["name"],
            "period_start": period[0],
            "period_end": period[1],
            "source_file": f"{u['name']}_年报.xlsx",
            "file_sha256": f"{i:064x}",
            "filled_by": "填报人",
            "filled_on": dt.date(period[1].year + 1, 1, 10),
            "file_modified_at": dt.datetime(period[1].year + 1, 1, 10, 8),
        }
        for i, u in enumerate(units)
    ]
    old = dict(rows[0], source_file=f"{units[0]['name']}_年报_初稿.xlsx", filled_on=dt.date(period[1].year + 1, 1, 2))
    rows = [old, *rows]
    decide(rows, GENERATED.date())  # which file counts, recorded as ingest records it
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(11)


@pytest.fixture(scope="module")
def exported(indicators, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return write_exports(indicators, out, run_id="20240115-093000-0001", generated_at=GENERATED, sources=fake_sources())


def test_wording_table_covers_the_catalog_and_types_no_number():
    wording = yaml.safe_load(WORDING.read_text(encoding="utf-8"))
    assert set(wording) == set(read_catalog()["indicator_id"])
    for indicator_id, entry in wording.items():
        assert "{figure}" in entry["say"], indicator_id
        assert not re.search(r"\d", json.dumps(entry, ensure_ascii=False)), f"{indicator_id}: 发布用语表里不应有数字"


def test_csv_has_a_bom_and_one_row_per_figure(exported, indicators):
    raw = exported["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel/WPS 需要 BOM 才能按 UTF-8 读中文"
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == len(indicators)
    assert list(rows[0])[:8] == ["id", "主题", "指标", "分项", "数值", "单位", "印刷数字", "发布用语"]
    assert {"口径", "统计期", "数据来源", "运行编号", "生成时间"} <= set(rows[0])


def test_headline_rows_carry_printed_figure_wording_and_exact_value(exported, indicators):
    rows = {
        r["id"]: r
        for r in csv.DictReader(exported["csv"].read_text(encoding="utf-8-sig").splitlines())
        if r["分项"] == "合计"
    }
    head = indicators[indicators["breakdown_dim"].isna()].set_index("indicator_id")
    cards = rows["cards_issued"]
    printed = format_figure(head.loc["cards_issued"])
    assert cards["印刷数字"] == printed
    assert cards["发布用语"].endswith(printed) and cards["发布用语"] != printed
    assert cards["数值"] == str(int(head.loc["cards_issued", "value"]))
    rate = rows["card_uptake_rate"]
    assert rate["单位"] == "%" and rate["发布用语"] == f"办卡率达{format_figure(head.loc['card_uptake_rate'])}"
    assert rate["分子"] and rate["分母"]
    assert cards["统计期"] == "2023年1月1日至2023年12月31日"
    assert cards["生成时间"] == "2024-01-15 09:30:00"


def test_sources_name_the_adopted_workbook_not_the_replaced_one(exported):
    rows = list(csv.DictReader(exported["csv"].read_text(encoding="utf-8-sig").splitlines()))
    first = next(iter(unit_short_names().values()))
    unit_row = next(r for r in rows if r["id"] == "cards_issued" and r["分项"] == f"按单位：{first}")
    assert unit_row["数据来源"].startswith(f"{first}：") and "初稿" not in unit_row["数据来源"]
    headline = next(r for r in rows if r["id"] == "cards_issued" and r["分项"] == "合计")
    assert headline["数据来源"].count("：") >= 15 and "初稿" not in headline["数据来源"]


def test_workbook_sheets_header_frozen_and_unit_parts(exported, indicators):
    book = openpyxl.load_workbook(exported["xlsx"])
    assert book.sheetnames == ["指标", "分单位", "来源文件", "说明"]
    figures = book["指标"]
    assert figures.freeze_panes == "A2"
    assert figures.column_dimensions["I"].width > 30  # 口径 is wide enough to read
    assert figures.max_row == len(indicators) + 1
    parts = list(book["分单位"].iter_rows(values_only=True))
    header, body = parts[0], parts[1:]
    cards = [dict(zip(header, r, strict=True)) for r in body if r[0] == "cards_issued"]
    unit_rows = indicators[(indicators["indicator_id"] == "cards_issued") & (indicators["breakdown_dim"] == "unit")]
    assert len(cards) == len(unit_rows)
    assert all(isinstance(r["数值"], int) and 0 < r["占合计"] < 1 for r in cards)  # a number, shown as a percentage
    shares = [row[header.index("占合计")] for row in book["分单位"].iter_rows(min_row=2)]
    assert all(c.number_format == "0.00%" for c in shares if c.value is not None)
    assert all(
        cell.value is None or cell.value != "" for row in book["分单位"].iter_rows() for cell in row
    )  # blank, not ''

    files = [
        dict(zip(next(book["来源文件"].iter_rows(max_row=1, values_only=True)), r, strict=True))
        for r in book["来源文件"].iter_rows(min_row=2, values_only=True)
    ]
    adoption = [f["是否采用"] for f in files]
    assert adoption.count("采用") == len(unit_short_names()) and len(adoption) == len(unit_short_names()) + 1
    assert all(isinstance(f["有误未计入的行"], int) for f in files)  # a number the analyst can sort and sum


def test_source_files_count_the_rows_left_out_for_correction():
    sources = pd.DataFrame(
        {
            "unit_code": ["S01", "S02"],
            "unit_name": ["甲", "乙"],
            "source_file": ["甲.xlsx", "乙.xlsx"],
            "file_sha256": ["a", "b"],
            "filled_on": [None, None],
            "file_modified_at": [None, None],
            "period_start": [None, None],
            "period_end": [None, None],
        }
    )
    sheet_rows = pd.DataFrame(
        {
            "source_file": ["甲.xlsx", "甲.xlsx", "乙.xlsx"],
            "sheet_name": ["members", "aid", "members"],
            "rows_loaded": [10, 4, 7],
            "rows_rejected": [2, 3, 0],
        }
    )
    records = {r["报送文件"]: r for r in source_records(sources, sheet_rows)}
    assert records["甲.xlsx"]["有误未计入的行"] == 5 and records["乙.xlsx"]["有误未计入的行"] == 0


def test_sensitive_unit_rows_are_withheld_everywhere(exported):
    rows = list(csv.DictReader(exported["csv"].read_text(encoding="utf-8-sig").splitlines()))
    warmth = [r for r in rows if r["id"] == "warmth_aid_amount" and r["分项"] != "合计"]
    small = [r for r in rows if r["id"] == "women_screening_cards" and r["分项"] != "合计" and r["可否发布"] != "是"]
    for row in warmth + small:
        assert row["数值"] == "" and row["印刷数字"] == "" and row["可否发布"].startswith("否：")
    assert small, "synthetic data has units with fewer than five screening cards"


def test_json_mirrors_the_csv(exported, indicators):
    document = json.loads(exported["json"].read_text(encoding="utf-8"))
    assert document["run_id"] == "20240115-093000-0001"
    assert len(document["figures"]) == len(indicators)
    assert {"unit_parts", "source_files"} <= set(document)
    values = [f["数值"] for f in document["figures"]]
    assert all(v is None or isinstance(v, (int, float)) for v in values)  # numbers, not strings
    assert None in values and any(isinstance(v, float) for v in values)  # a withheld figure is null; rates are numbers


@pytest.mark.parametrize("text", ["=1+1", "+86", "-cmd", "@SUM(A1)", "=HYPERLINK(\"http://x\")"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-12", "-0.5", "京卡", "12", ""])
def test_numbers_and_plain_text_are_left_alone(text):
    assert neutralise(text) == text


def test_injected_label_is_text_in_both_files(indicators, tmp_path):
    poisoned = indicators.copy()
    poisoned.loc[poisoned["indicator_id"] == "job_fairs", "label"] = "=HYPERLINK(\"http://evil\",\"点我\")"
    paths = write_exports(poisoned, tmp_path, run_id="r", generated_at=GENERATED, sources=fake_sources())
    row = next(r for r in csv.reader(paths["csv"].read_text(encoding="utf-8-sig").splitlines()) if r[0] == "job_fairs")
    assert row[2].startswith("'=")
    sheet = openpyxl.load_workbook(paths["xlsx"])["指标"]
    cell = next(c for c in sheet["C"] if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s", "xlsx 中的文本不能变成公式"


def test_the_adopted_file_is_the_one_ingest_marked_current_whatever_the_dates_say():
    """raw.submissions records ingest's decision (ingest/load/current.py); the exports read it and do not
    decide again: here the file with the later 填报日期 was held (it named another unit), so the
    other is 采用 and the held one says why."""
    sources = pd.DataFrame(
        {
            "unit_code": ["U1", "U1"],
            "unit_name": ["甲", "甲"],
            "source_file": ["甲_v1.xlsx", "乙_v2.xlsx"],
            "file_sha256": ["a", "b"],
            "filled_on": [dt.date(2023, 2, 1), dt.date(2023, 3, 1)],
            "file_modified_at": [None, None],
            "is_current": [True, False],
            "submission_rank": [1, None],
            "status_reason": [None, "文件名表明是乙的报表"],
        }
    )
    frame = adopted_submissions(sources)
    assert frame.loc[frame["adopted"], "source_file"].tolist() == ["甲_v1.xlsx"]
    records = {r["报送文件"]: r["是否采用"] for r in source_records(sources)}
    assert records == {"甲_v1.xlsx": "采用", "乙_v2.xlsx": "未采用（文件名表明是乙的报表）"}


def test_notes_say_unit_shares_may_add_up_to_more_than_the_total(exported):
    """Members and enterprises listed by two units count under both units but once in the total
    (int_figures_card_service, int_figures_bargaining): an editor summing 占合计 must be told."""
    notes = dict(openpyxl.load_workbook(exported["xlsx"])["说明"].iter_rows(values_only=True))
    assert "占合计" in notes and "超过100%" in notes["占合计"]


def test_a_unit_rate_printed_above_its_exact_value_is_not_said_to_reach_it():
    from decimal import Decimal

    from reports.figure_words import rate_rounded_up, wording

    above = pd.Series({"style": "pct:0", "numerator": 9384, "denominator": 10000, "value": Decimal("0.9384")})
    below = pd.Series({"style": "pct:0", "numerator": 9312, "denominator": 10000, "value": Decimal("0.9312")})
    assert rate_rounded_up(above, "94%") and not rate_rounded_up(below, "93%")
    assert wording("collective_contract_rate", "94%", "西长安街", rounded_up=True) == "西长安街集体合同签订率为94%"
    assert wording("collective_contract_rate", "93%", "西长安街") == "西长安街集体合同签订率达到93%"
    assert (
        wording("collective_contract_rate", "94%", rounded_up=True) == "集体合同签订率达到94%"
    )  # the headline keeps the article's words
    assert (
        wording("card_uptake_rate", "91.28%", "西长安街", rounded_up=True) == "西长安街办卡率为91.28%"
    )  # 达, not only 达到
