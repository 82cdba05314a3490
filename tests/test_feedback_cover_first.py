"""A workbook refused for its cover: the 整改清单 puts the cover's problem first, at its cell (with
the cover copied beside it, the cell in red), and still accounts for every sheet with one line
each; the conclusion says the cover is why nothing was loaded. 提交情况 gives the same reason."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from test_feedback_workbook import problem_cells
from test_ingest_workbook_builder import headers_of, write_return

from ingest.run import ingest
from ingest.workbooks.feedback import PROBLEM_ROWS_SHEET, REJECTED_FILL, write_feedback, write_submission_summary

KEY = b"feedback-cover-key" * 2
TRAINING = ["班", "通用能力", "甲", dt.date(2018, 3, 5), 3]
SHEETS = {"会员名册": "members", "京卡办理": "cards", "培训": "trainings"}  # names that sort before 填报说明


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    root = tmp_path_factory.mktemp("cover-first")
    path = write_return(
        root / "in" / "空单位.xlsx",
        {
            "会员名册": (headers_of("members"), []),
            "京卡办理": (headers_of("cards"), []),
            "培训": (headers_of("trainings"), [TRAINING, TRAINING]),
        },
        unit="",
    )
    book = openpyxl.load_workbook(path)
    book["填报说明"]["D3"], book["填报说明"]["E3"] = "工作表", "填报说明"  # the template's sheet list beside the fields
    book.save(path)
    report = ingest(root / "in", root / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, root / "in", root / "run")
    summary = write_submission_summary(report, root / "run", (dt.date(2018, 1, 1), dt.date(2018, 12, 31)))
    return report, openpyxl.load_workbook(feedback), openpyxl.load_workbook(summary)


def _problem_lines(ws) -> list[tuple]:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "序号")
    return [r for r in rows[start + 1 :] if r[0] is not None]


def test_the_cover_problem_comes_first_at_its_cell(refused):
    _, book, _ = refused
    first, *rest = _problem_lines(book["整改清单"])
    assert first[1:4] == ("填报说明", "B3", "填报单位")
    assert first[7].startswith("封面 B3「填报单位」为空：请填写本单位全称")
    assert sorted(line[1] for line in rest) == sorted(SHEETS)  # still one line per sheet refused
    assert all(line[2] == "—" and line[7].startswith("封面有误") for line in rest)


def test_the_covers_problem_row_is_shown_with_its_empty_cell_in_red(refused):
    _, book, _ = refused
    assert book.sheetnames == ["整改清单", PROBLEM_ROWS_SHEET]
    cover = problem_cells(book)["填报说明"]
    assert {row for row, _ in cover} == {3}  # the cover's row with the problem, not the whole cover
    cell = cover[(3, 2)]
    assert cell.fill.fgColor.rgb[-6:] == REJECTED_FILL[1:] and "为空" in cell.comment.text


def test_the_conclusion_names_the_cover_as_the_cause(refused):
    _, book, _ = refused
    conclusion = next(r[1] for r in book["整改清单"].iter_rows(values_only=True) if r[0] == "结论")
    assert conclusion.startswith("封面有 1 处须改正（见下表第 1 条），因此本文件 3 个工作表的 2 行均未入库")


def test_submission_status_gives_the_cover_problem_as_the_reason(refused):
    report, _, summary = refused
    (unattributed,) = report.submission_status["unattributed_files"]
    assert unattributed["reasons"] == [p.reason for p in report.problems if p.sheet == "填报说明"]
    rows = [r for r in summary["提交情况"].iter_rows(values_only=True) if r[1] == "空单位.xlsx"]
    assert rows and rows[0][3].startswith("封面 B3「填报单位」为空")


def test_a_file_that_cannot_be_read_gets_a_list_titled_by_its_name_without_promising_copies(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, tmp_path / "in", tmp_path / "run")
    ws = openpyxl.load_workbook(feedback).worksheets[0]
    assert "坏文件.xlsx" in ws["A1"].value and "未能确定填报单位" in ws["A1"].value
    how = next(row[1] for row in ws.iter_rows(values_only=True) if row[0] == "怎么看")
    assert "没有附上原表" in how and "红色单元格" not in how
