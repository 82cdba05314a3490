"""Cells no return can mean are rejected at the cell, with the place and a reason in Chinese, not
loaded and not left to block the gate: dates outside the schema's plausible window (9999-12-31,
1900), Excel's serial 60 (a 1900-02-29 that never was), cells far longer than their column allows.
A title block pasted again mid-sheet is skipped as title rows, not rejected as empty data."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from careless_returns import ingest_beside_a_clean_return, sheet_grid
from messy_cases import CARDS, members, trainings

from domain import schema
from ingest.clean import cells
from ingest.clean.pseudonymise import pseudonymisers
from ingest.clean.validators import InvalidValue
from ingest.read.sheet_reader import VALUE_SHOWN_MAX, read_sheet
from ingest.workbooks.feedback_cells import CELL_SHOWN_MAX, safe_cell

FIRST_DATA_ROW = 4  # title, hint, header above (Style())
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


@pytest.mark.parametrize(
    "serial, day",
    [
        (1.0, dt.date(1900, 1, 1)),
        (59.0, dt.date(1900, 2, 28)),
        (61.0, dt.date(1900, 3, 1)),
        (43164.0, dt.date(2018, 3, 5)),
    ],
)
def test_excel_serials_are_the_days_excel_shows(serial, day):
    assert cells.to_date(serial) == day


def test_serial_60_is_not_a_day():
    with pytest.raises(InvalidValue, match="1900-02-29"):
        cells.to_date(60.0)


def _cell(grid, excel_row: int, header: str) -> tuple[int, int]:
    return excel_row - 1, grid.rows[2].index(header)


def test_implausible_dates_are_rejected_at_the_cell_and_never_reach_the_gate(tmp_path):
    grid, _ = sheet_grid("cards", CARDS)
    far, old = _cell(grid, FIRST_DATA_ROW, "办卡日期"), _cell(grid, FIRST_DATA_ROW + 1, "办卡日期")
    grid.rows[far[0]][far[1]] = dt.date(9999, 12, 31)  # date-formatted, as Excel saves a typed date
    grid.rows[old[0]][old[1]] = dt.date(1900, 1, 5)
    train, _ = sheet_grid("trainings", trainings(2))
    leap = _cell(train, FIRST_DATA_ROW, "开班日期")
    train.rows[leap[0]][leap[1]] = 60.0  # a bare number in a date column
    found = ingest_beside_a_clean_return(tmp_path, [grid, train])

    latest = schema.sheet("cards").column("issued_on").date_window(PERIOD[1])[1]
    problems = {(p.sheet, p.source_row, p.column_header): p for p in found.problems}
    assert set(problems) == {("京卡办理", 4, "办卡日期"), ("京卡办理", 5, "办卡日期"), ("培训", 4, "开班日期")}
    assert all(p.severity == "rejected" and p.source_column for p in problems.values())
    assert f"日期 9999-12-31 晚于 {latest.isoformat()}" in problems["京卡办理", 4, "办卡日期"].reason
    assert "日期 1900-01-05 早于 1949-10-01" in problems["京卡办理", 5, "办卡日期"].reason
    assert "1900-02-29" in problems["培训", 4, "开班日期"].reason
    assert (found.careless["京卡办理"].rows_loaded, found.careless["京卡办理"].rows_rejected) == (1, 2)
    assert (found.careless["培训"].rows_loaded, found.careless["培训"].rows_rejected) == (1, 1)
    with duckdb.connect(str(tmp_path / "both.duckdb"), read_only=True) as con:  # what the gate's plausible_date reads
        earliest, latest_loaded = con.execute("select min(issued_on), max(issued_on) from raw.cards").fetchone()
    assert schema.plausible()["earliest_date"] <= earliest and latest_loaded <= latest


def test_the_gate_and_ingest_read_one_plausible_window():
    from checks import date_windows

    for s in schema.sheets():
        for c in s.columns:
            if c.type == "date":
                assert date_windows.plausible_window(date_windows.kind_of(s.name, c.name), PERIOD[1]) == c.date_window(
                    PERIOD[1]
                ), (s.name, c.name)


def test_cells_longer_than_their_column_allows_are_rejected_and_shown_cut_short(tmp_path):
    grid, _ = sheet_grid("trainings", trainings(3))
    name, times = _cell(grid, FIRST_DATA_ROW, "班次名称"), _cell(grid, FIRST_DATA_ROW + 1, "参训人次")
    grid.rows[name[0]][name[1]] = "LONG-NAME"
    grid.rows[times[0]][times[1]] = "1" + " " * 500
    members_grid, _ = sheet_grid("members", members(1, 2))
    person = _cell(members_grid, FIRST_DATA_ROW, "身份证号")
    members_grid.rows[person[0]][person[1]] = "110102198503120011" * 1000
    found = ingest_beside_a_clean_return(tmp_path, [grid, members_grid], texts={"LONG-NAME": "长" * 100_000})

    problems = {(p.sheet, p.source_row, p.column_header): p for p in found.problems}
    long_name = problems["培训", 4, "班次名称"]
    assert long_name.severity == "rejected" and "内容过长：有 100,000 个字，本列最多 200 个字" in long_name.reason
    assert len(long_name.value_shown) <= VALUE_SHOWN_MAX + 1 and long_name.value_shown.startswith("长长")
    assert "本列最多 64 个字" in problems["培训", 5, "参训人次"].reason
    long_id = problems["会员名册", 4, "身份证号"]
    assert "18,000 个字" in long_id.reason and long_id.value_shown == "（18,000 个字，不显示）"
    assert (found.careless["培训"].rows_loaded, found.careless["培训"].rows_rejected) == (1, 2)
    assert (found.careless["会员名册"].rows_loaded, found.careless["会员名册"].rows_rejected) == (1, 1)


def test_a_huge_cell_costs_a_short_problem_and_a_short_feedback_copy():
    persons, cards = pseudonymisers(b"k" * 32)
    huge = "案" * 20_000_000 + "110102198503120011"
    rows = [["案件编号", "受理日期", "案由", "涉及职工人数", "涉案金额（元）"], ["K1", "2018-04-01", huge, 1, 100]]
    sheet = read_sheet("劳动争议调解", rows, "x.xlsx", persons, cards, period_end=PERIOD[1])
    (problem,) = [p for p in sheet.problems if p.severity == "rejected"]
    assert problem.column_header == "案由" and "20,000,018 个字，本列最多 2000 个字" in problem.reason
    assert len(problem.value_shown) <= VALUE_SHOWN_MAX + 1 and len(problem.reason) < 200
    copied = safe_cell("1101021985031200" + huge)
    assert len(copied) < CELL_SHOWN_MAX + 40 and "20,000,034 个字" in copied and "1101021985031200" not in copied


def test_a_pasted_second_block_with_its_title_hint_and_header_is_skipped_as_title_rows(tmp_path):
    grid, _exp = sheet_grid("members", members(1, 3))
    top = [list(row) for row in grid.rows[:3]]  # title, hint, header
    second, _ = sheet_grid("members", members(10, 2))
    grid.add(*top, *second.rows[3:])
    grid.add(["会员名册（续）"] + [""] * (len(top[2]) - 1), *second.rows[3:4])
    found = ingest_beside_a_clean_return(tmp_path, [grid])

    sheet = found.careless["会员名册"]
    assert (sheet.rows_loaded, sheet.rows_rejected, sheet.rows_title) == (3 + 2 + 1, 0, 3 + 3 + 1)
    assert found.problems == []
    assert sorted(row[-1] for row in found.loaded["members"]) == [4, 5, 6, 10, 11, 13]


def test_a_lone_cell_that_only_starts_with_the_title_is_still_data(tmp_path):
    grid, _ = sheet_grid("trainings", trainings(2))
    grid.add(["培训班甲"] + [""] * 4)  # a row the clerk did not finish: rejected, not skipped
    found = ingest_beside_a_clean_return(tmp_path, [grid])
    assert found.careless["培训"].rows_rejected == 1
    assert {p.source_row for p in found.problems} == {6}
