"""Hidden rows and columns are data nobody reviewing the sheet saw: they are reported (file, sheet,
rows or columns, what to do) and not counted until the unit shows them and sends the file again,
as a hidden sheet is. They are found in the file guard's one pass over the sheet XML."""

from __future__ import annotations

import duckdb
import pytest
from careless_returns import CARELESS_FILE, ingest_beside_a_clean_return, sheet_grid
from messy_cases import members, trainings
from messy_corpus import Style
from messy_grids import Formula, write_grids

from ingest.find.cell_extent import whole_tags
from ingest.find.file_guard import inspect_workbook
from ingest.find.hidden_cells import HiddenCells, HiddenScan

FIRST_DATA_ROW = 4  # title, hint, header above (Style())


def test_hidden_training_rows_are_reported_and_not_counted(tmp_path):
    grid, exp = sheet_grid("trainings", trainings(6))
    grid.hidden_rows = {FIRST_DATA_ROW, FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 3}  # Excel rows 5, 6 and 8
    found = ingest_beside_a_clean_return(tmp_path, [grid])

    sheet = found.careless["培训"]
    assert (sheet.rows_read, sheet.rows_loaded, sheet.rows_rejected, sheet.rows_hidden) == (exp.rows_read, 3, 0, 3)
    assert sheet.rows_skipped == sheet.rows_title + sheet.rows_hidden
    (problem,) = found.problems
    assert (problem.sheet, problem.source_row, problem.severity) == ("培训", 5, "warning")
    assert "第 5–6 行、第 8 行被隐藏" in problem.reason and "取消隐藏并核对后重新报送" in problem.reason
    assert sorted(row[-1] for row in found.loaded["trainings"]) == [4, 7, 9]  # source_row (last): visible rows only
    with duckdb.connect(str(tmp_path / "both.duckdb"), read_only=True) as con:
        assert con.execute(
            "select rows_hidden, rows_skipped from raw.ingest_sheets where source_file = ? and sheet = '培训'",
            [CARELESS_FILE],
        ).fetchone() == (3, sheet.rows_skipped)


def test_hidden_blank_rows_are_blank_rows_and_hidden_title_rows_title_rows(tmp_path):
    grid, _exp = sheet_grid("trainings", trainings(2))
    grid.rows.insert(FIRST_DATA_ROW, [""] * 5)  # Excel row 5, between the two data rows
    grid.hidden_rows = {0, 1, FIRST_DATA_ROW}  # the title and hint rows, and the blank row
    found = ingest_beside_a_clean_return(tmp_path, [grid])
    sheet = found.careless["培训"]
    assert (sheet.rows_loaded, sheet.rows_hidden, sheet.rows_blank, sheet.rows_title) == (2, 0, 1, 3)
    assert found.problems == []


def test_a_hidden_required_column_leaves_the_sheet_unread_and_says_it_is_hidden(tmp_path):
    grid, _exp = sheet_grid("members", members(1, 3))
    joined = grid.rows[2].index("入会日期")
    grid.hidden_columns = {joined}
    found = ingest_beside_a_clean_return(tmp_path, [grid])

    sheet = found.careless["会员名册"]
    assert (sheet.rows_loaded, sheet.rows_rejected, sheet.status) == (0, 3, "rejected")
    rejected = next(p for p in found.problems if p.severity == "rejected")
    assert (rejected.sheet, rejected.source_row, rejected.column_header, rejected.source_column) == (
        "会员名册",
        3,
        "入会日期",
        joined + 1,
    )
    assert "必填列“入会日期”（E 列）被隐藏" in rejected.reason and "取消隐藏" in rejected.reason
    warning = next(p for p in found.problems if p.severity == "warning")
    assert "E 列（“入会日期”）被隐藏" in warning.reason
    assert found.loaded["members"] == []


def test_a_hidden_optional_column_is_not_loaded_and_named(tmp_path):
    grid, _exp = sheet_grid("members", members(1, 3), Style(extra_columns=True))  # 序号 in front, 备注 behind
    header = grid.rows[2]
    sex, remark = header.index("性别"), header.index("备注")
    grid.rows[FIRST_DATA_ROW - 1][remark] = "已退休"
    grid.hidden_columns = {
        sex,
        remark,
        *range(len(header), 16_384),
    }  # and every unused column to the right, as tidy clerks do
    found = ingest_beside_a_clean_return(tmp_path, [grid])

    sheet = found.careless["会员名册"]
    assert (sheet.rows_loaded, sheet.rows_rejected) == (3, 0)
    hidden = [p for p in found.problems if "被隐藏" in p.reason]
    assert {p.severity for p in hidden} == {"warning"}
    assert any("列“性别”（G 列）被隐藏，未读取，该列按空值处理" in p.reason for p in hidden)
    assert any("G 列（“性别”）、I 列（“备注”）被隐藏" in p.reason for p in hidden)
    with duckdb.connect(str(tmp_path / "both.duckdb"), read_only=True) as con:
        assert con.execute(
            "select count(*), count(declared_sex) from raw.members where source_file = ?", [CARELESS_FILE]
        ).fetchone() == (3, 0)


def test_nothing_hidden_means_no_hidden_rows_and_no_problem(tmp_path):
    grid, _exp = sheet_grid("trainings", trainings(3))
    found = ingest_beside_a_clean_return(tmp_path, [grid])
    assert found.careless["培训"].rows_hidden == 0 and found.problems == []


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_the_guard_finds_hidden_rows_and_columns_as_each_writer_saves_them(tmp_path, writer):
    grid, _ = sheet_grid("trainings", trainings(4))
    grid.hidden_rows, grid.hidden_columns = {4, 6}, {1, 2}
    if writer == "openpyxl":  # the grid writer picks openpyxl for a formula without a saved result
        grid.rows[5][4] = Formula("1+1")
    path = write_grids(tmp_path / f"{writer}.xlsx", [grid])
    assert inspect_workbook(path).hidden == {"培训": HiddenCells({4, 6}, {1, 2})}


@pytest.mark.parametrize(
    "xml, rows, columns",
    [
        (b'<row r="5" spans="1:3" hidden="1" x14ac:dyDescent="0.25"><c r="A5"><v>1</v></c></row>', {4}, set()),
        (b"<x:row r='7' hidden='true'/>", {6}, set()),
        (b'<row r="5" hidden="0"/><row r="6"/>', set(), set()),
        (
            b'<cols><col min="2" max="4" width="0" hidden="1"/><col min="6" max="6" hidden="1"/></cols>',
            set(),
            {1, 2, 3, 5},
        ),
        (b'<c r="A1" t="inlineStr"><is><t>hidden="1"</t></is></c><sheetView hidden="1"/>', set(), set()),
    ],
)
def test_the_hidden_scan_reads_the_row_and_col_elements_only(xml, rows, columns):
    scan = HiddenScan()
    data, carry = whole_tags(xml)  # as the guard feeds it: blocks cut after a tag's end
    scan.feed(data)
    scan.feed(carry)
    assert scan.finish() == HiddenCells(rows, columns)
