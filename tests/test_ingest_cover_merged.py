"""Clerks often merge a cover's header across A:B (「填报单位」 in A3:B3) and type the value in C3.
calamine gives ['填报单位', '', '月坛街道工会服务站'] and the merged range; the value is the first
cell after the header's merged span, an empty one is reported at that cell, and a blank value is
still never taken from a later, unrelated cell (the template's sheet list in column D)."""

from __future__ import annotations

import datetime as dt

import openpyxl
from test_ingest_workbook_builder import headers_of, write_return

from domain.schema import units
from ingest.read.cover import read_cover
from ingest.read.reader import read_workbook

UNIT = units()[1].name
KEY = b"cover-merged-key" * 2


def merged_cover(unit: object = UNIT) -> tuple[list[list], list]:
    """Rows as calamine gives them, headers merged across A:B, values in C, sheet list in D:E."""
    rows = [
        ["工会统计报表（数说工会）", "", "", "", ""],
        ["", "", "", "", ""],
        ["填报单位", "", unit, "工作表", "填报说明"],
        ["统计期起", "", dt.date(2018, 1, 1), "会员名册", "期末在册会员，一人一行。"],
        ["统计期止", "", dt.date(2018, 12, 31), "京卡办理", "京卡的办理记录，一卡一行。"],
    ]
    return rows, [((r, 0), (r, 1)) for r in (2, 3, 4)]


def test_a_value_beside_a_merged_header_reads():
    rows, merged = merged_cover()
    cover = read_cover(rows, merged=merged)
    assert cover.usable and cover.unit_name == UNIT and cover.period_end == dt.date(2018, 12, 31)


def test_an_empty_value_beside_a_merged_header_is_reported_at_the_value_cell():
    rows, merged = merged_cover(unit="")
    (error,) = read_cover(rows, merged=merged).errors
    assert (error.row, error.column) == (3, 3) and error.reason.startswith("封面 C3「填报单位」为空")
    assert "工作表" not in error.reason


def test_a_header_merged_down_two_rows_still_finds_its_value_on_its_row():
    rows, _ = merged_cover()
    cover = read_cover(rows, merged=[((2, 0), (3, 1)), ((3, 0), (3, 1)), ((4, 0), (4, 1))])
    assert cover.usable and cover.unit_name == UNIT


def _merge_cover_headers(path) -> None:
    """The builder's cover (headers in A, values in B) re-laid as clerks do: header in A:B merged."""
    book = openpyxl.load_workbook(path)
    ws = book["填报说明"]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value and row[1].value is not None:
            ws.cell(row[0].row, 3).value, row[1].value = row[1].value, None
            ws.merge_cells(start_row=row[0].row, start_column=1, end_row=row[0].row, end_column=2)
    book.save(path)


def test_a_workbook_with_merged_cover_headers_is_read(tmp_path):
    path = write_return(tmp_path / "in" / "合并封面.xlsx", {"培训": (headers_of("trainings"), [])}, unit=UNIT)
    _merge_cover_headers(path)
    outcome = read_workbook(path, tmp_path / "in", KEY)
    assert outcome.file.status == "loaded" and outcome.cover.unit_name == UNIT, [p.reason for p in outcome.problems]
