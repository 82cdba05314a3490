"""The cover (填报说明) is read cell by cell as the template lays it out: a field's value is the
cell right beside its header, and a field left empty is reported as empty, at that cell, so the
整改清单 can point the clerk to it. A CSV return, which has no cover, is told where to write what
it lacks: the unit, and the period once."""

from __future__ import annotations

import datetime as dt

from domain.schema import units
from ingest.read.cover import read_cover
from ingest.read.csv_return import csv_cover

UNIT = units()[1].name


def template_cover(
    unit: object = UNIT, start: object = dt.date(2018, 1, 1), end: object = dt.date(2018, 12, 31)
) -> list[list]:
    """The fields in A:B and, as in the template, the list of sheets in D:E on the same rows."""
    return [
        ["工会统计报表（数说工会）", "", "", "", ""],
        ["", "", "", "", ""],
        ["填报单位", unit, "", "工作表", "填报说明"],
        ["统计期起", start, "", "会员名册", "期末在册会员，一人一行。"],
        ["统计期止", end, "", "京卡办理", "京卡的办理记录，一卡一行。"],
        ["填报人", "", "", "培训", "职工培训班次，一班一行。"],
    ]


def test_a_filled_cover_reads():
    cover = read_cover(template_cover())
    assert cover.usable and cover.unit_name == UNIT and cover.period_end == dt.date(2018, 12, 31)


def test_an_empty_unit_is_reported_empty_at_its_cell_not_read_from_the_sheet_list():
    cover = read_cover(template_cover(unit=""))
    (error,) = cover.errors
    assert error.header == "填报单位" and (error.row, error.column) == (3, 2)
    assert error.reason.startswith("封面 B3「填报单位」为空：请填写本单位全称")
    assert "工作表" not in error.reason


def test_a_value_two_cells_away_is_not_the_fields_value():
    rows = template_cover()
    rows[3][1], rows[3][2] = "", dt.date(2018, 1, 1)  # 统计期起 typed into C4
    (error,) = read_cover(rows).errors
    assert (error.header, error.row, error.column) == ("统计期起", 4, 2)
    assert error.reason.startswith("封面 B4「统计期起」为空：请按“2018-01-01”的样式填写")


def test_an_unknown_unit_and_a_bad_date_say_which_cell():
    rows = template_cover(unit="不存在的单位", end="明年")
    unit_error, end_error = read_cover(rows).errors
    assert (unit_error.row, unit_error.column) == (
        3,
        2,
    ) and "B3「填报单位」填的“不存在的单位”不在单位名单中" in unit_error.reason
    assert (end_error.row, end_error.column) == (5, 2) and end_error.reason.startswith("封面 B5「统计期止」：")


def test_header_and_value_in_one_cell_point_at_that_cell():
    rows = [
        ["工会统计报表（数说工会）"],
        ["填报单位：不存在的单位"],
        ["统计期起：2018-01-01"],
        ["统计期止：2018-12-31"],
    ]
    (error,) = read_cover(rows).errors
    assert (error.row, error.column) == (2, 1) and error.reason.startswith("封面 A2「填报单位」")


def test_a_field_missing_from_the_cover_says_where_to_add_it():
    rows = template_cover()[:4]  # no 统计期止 row
    (error,) = read_cover(rows).errors
    assert error.row is None and error.reason.startswith("封面找不到「统计期止」：请按模板在封面写“统计期止”")


def test_a_csv_without_a_period_gets_the_period_advice_once():
    cover, title = csv_cover([["姓名", "身份证号"]], f"{UNIT}_会员名册")
    (error,) = cover.errors
    assert title == "会员名册" and cover.unit_name == UNIT and error.header is None
    assert error.reason.startswith("CSV 文件的文件名和开头几行都没有写明统计期：请在文件名中写明统计期")
    assert "统计期起,2018-01-01" in error.reason and "填报单位,单位全称" not in error.reason


def test_a_csv_without_a_unit_gets_the_unit_advice():
    cover, _ = csv_cover([["姓名", "身份证号"]], "2018年度_会员名册")
    (error,) = cover.errors
    assert error.header == "填报单位" and "在文件第一行写“填报单位,单位全称”" in error.reason
    assert cover.period_start == dt.date(2018, 1, 1)


def test_a_csv_cover_line_left_empty_is_reported_at_its_cell():
    rows = [["填报单位", UNIT], ["统计期起", "2018-01-01"], ["统计期止", ""], ["姓名", "身份证号"]]
    (error,) = csv_cover(rows, "导出")[0].errors
    assert (error.row, error.column) == (3, 2) and error.reason.startswith("文件开头 B3「统计期止」为空")
