"""The pieces behind messy returns, one by one: total and note rows, the 单位 line, CSV text and
file names, formulas without a result, the row identity and the choice of the current file."""

from __future__ import annotations

import datetime as dt

import pytest
import python_calamine as calamine
from messy_grids import Formula, Grid, write_grids

from ingest.clean.pseudonymise import pseudonymisers
from ingest.load.current import choose_current
from ingest.read.csv_return import name_fields, period_of_label, read_csv_rows
from ingest.read.formulas import formulas_without_value
from ingest.read.row_kinds import is_note, total_label
from ingest.read.sheet_reader import read_sheet
from ingest.report import FileReport, IngestReport, RowsUnaccounted, SheetReport


def test_total_and_note_labels_as_clerks_write_them():
    assert [total_label(v) for v in ("合计", "合 计", "合计：", "总计（元）", "本页小计", "　小计")] == [
        "合计",
        "合计",
        "合计",
        "总计",
        "小计",
        "小计",
    ]
    assert total_label("合计科技有限公司工会") is None and total_label("会计培训班") is None
    assert all(
        is_note(v) for v in ("注：本表截至12月31日", "注1、按实际填写", "填表人：张三", "审核人:李四", "（以下空白）")
    )
    assert not any(is_note(v) for v in ("注册会计师培训", "张三", "说明书", ""))


def _read(rows, **kwargs):
    persons, cards = pseudonymisers(b"k" * 32)
    return read_sheet("送清凉", rows, "x.xlsx", persons, cards, **kwargs)


def test_unit_line_scales_bare_money_headers_and_a_clashing_header_keeps_its_own_unit():
    rows = [
        ["送清凉", "", "", ""],
        ["", "", "单位：万元", ""],
        ["慰问点", "日期", "投入资金", "清凉包份数"],
        ["甲", "2018-07-01", "1.5", 3],
    ]
    sheet = _read(rows)
    assert sheet.table.column("amount").to_pylist()[0] * 1 == 15000 and sheet.problems == []
    rows[2][2] = "投入资金（元）"
    sheet = _read(rows)
    assert float(sheet.table.column("amount").to_pylist()[0]) == 1.5
    (warning,) = sheet.problems
    assert warning.severity == "warning" and "万元" in warning.reason and warning.source_row == 2


def test_total_row_checked_against_loaded_rows():
    rows = [
        ["慰问点", "日期", "投入资金（元）", "清凉包份数"],
        ["甲", "2018-07-01", "100", 3],
        ["乙", "2018-07-02", "50.5", 2],
        ["合计", "", "150.50", 5],
    ]
    assert _read(rows).problems == []
    rows[3][3] = 7
    (mismatch,) = _read(rows).problems
    assert (mismatch.source_row, mismatch.column_header, mismatch.source_column) == (4, "清凉包份数", 4)
    assert "为 7" in mismatch.reason and "相加为 5" in mismatch.reason


def test_formula_without_a_result_is_rejected_never_read_as_empty(tmp_path):
    grid = Grid(
        "送清凉",
        [
            ["慰问点", "日期", "投入资金（元）", "清凉包份数"],
            ["甲", "2018-07-01", 100, Formula("1+2")],
            ["乙", "2018-07-01", 100, Formula("1+1", cached=2)],
        ],
    )
    path = write_grids(tmp_path / "f.xlsx", [grid])  # openpyxl: no saved results at all
    assert formulas_without_value(path) == {"送清凉": {(1, 3), (2, 3)}}
    cached = write_grids(
        tmp_path / "c.xlsx", [Grid("a", [["x", Formula("1+1", cached=2)]])]
    )  # xlsxwriter keeps results
    assert formulas_without_value(cached) == {}
    book = calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("送清凉").to_python(skip_empty_area=False)
    assert rows[1][3] == ""  # what calamine makes of it
    sheet = _read(rows, formulas=formulas_without_value(path)["送清凉"])
    assert sheet.report.rows_rejected == 2 and all("公式" in p.reason for p in sheet.problems)


def test_merged_cells_read_as_the_value_on_each_row():
    rows = [
        ["慰问点", "日期", "投入资金（元）", "清凉包份数"],
        ["甲", "2018-07-01", 1, 1],
        ["", "2018-07-02", 2, 2],
        ["", "2018-07-03", 3, 3],
    ]
    sheet = _read(rows, merged=[((1, 0), (3, 0))])
    assert sheet.table.column("site").to_pylist() == ["甲", "甲", "甲"]
    (warning,) = sheet.problems
    assert warning.severity == "warning" and warning.source_row == 2


def test_csv_text_in_every_encoding_and_separator():
    text = "慰问点,日期\r\n甲,2018-07-01\r\n"
    for data in (
        text.encode("utf-8"),
        text.encode("utf-8-sig"),
        text.encode("gbk"),
        text.replace(",", "\t").encode("utf-16"),
    ):
        assert read_csv_rows(data) == [["慰问点", "日期"], ["甲", "2018-07-01"]]


def test_periods_and_units_from_file_names():
    assert period_of_label("2018年度") == (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    assert period_of_label("2018年上半年") == (dt.date(2018, 1, 1), dt.date(2018, 6, 30))
    assert period_of_label("2018年第一季度") == (dt.date(2018, 1, 1), dt.date(2018, 3, 31))
    assert period_of_label("2018年2月") == (dt.date(2018, 2, 1), dt.date(2018, 2, 28))
    fields, title = name_fields("月坛_2018年度_会员名册")
    assert fields["unit_name"] == "月坛" and fields["period_end"] == dt.date(2018, 12, 31) and title == "会员名册"


def test_rows_that_do_not_add_up_stop_the_run_even_under_python_O():
    broken = SheetReport("x.xlsx", "培训", "trainings", rows_read=5, rows_loaded=3, rows_skipped=1, rows_blank=1)
    with pytest.raises(RowsUnaccounted, match="行数对不上"):
        broken.check_identity()
    unkinded = SheetReport("x.xlsx", "培训", "trainings", rows_read=5, rows_loaded=4, rows_skipped=1)
    with pytest.raises(RowsUnaccounted):
        unkinded.check_identity()


def test_current_file_is_the_newest_by_date_then_file_time_then_name():
    report = IngestReport("in", "w", "2019-01-20 00:00:00")
    base = dict(
        unit_code="S01",
        unit_name="西长安街街道工会服务站",
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
        file_sha256="0" * 64,
        filled_by=None,
    )
    for name, filled, modified in [
        ("a.xlsx", dt.date(2019, 1, 8), dt.datetime(2019, 1, 8, 9)),
        ("b.xlsx", dt.date(2019, 1, 8), dt.datetime(2019, 1, 8, 17)),
        ("c.xlsx", dt.date(2019, 1, 5), dt.datetime(2019, 1, 20)),
        ("d.xlsx", None, dt.datetime(2019, 2, 1)),
    ]:
        report.submissions.append(dict(base, source_file=name, filled_on=filled, file_modified_at=modified))
        report.files.append(FileReport(name, "0" * 64, "loaded", "S01"))
    (chosen,) = choose_current(report)
    assert chosen["source_file"] == "b.xlsx"
    assert [r["source_file"] for r in chosen["replaced"]] == ["a.xlsx", "c.xlsx", "d.xlsx"]
    assert [f.used for f in report.files] == [False, True, False, False]
