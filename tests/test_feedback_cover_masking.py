"""A 整改清单 shows of the cover only the rows with a problem; a cover row it shows has the 填报人
with the surname only and the 联系电话 with its last 4 digits (masked_cover): 怎么看 promises that
names are partly hidden, and the list travels."""

from __future__ import annotations

import openpyxl
from test_feedback_workbook import problem_cells
from test_ingest_workbook_builder import UNIT, headers_of, write_return

from ingest.run import ingest
from ingest.workbooks.feedback import write_feedback
from ingest.workbooks.feedback_cells import mask_phone, masked_cover

KEY = b"feedback-mask-key" * 2


def _cover_copy(tmp_path):
    write_return(tmp_path / "in" / "空单位.xlsx", {"培训": (headers_of("trainings"), [])}, unit="")
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, tmp_path / "in", tmp_path / "run")
    return openpyxl.load_workbook(feedback)


def test_the_list_shows_the_covers_problem_row_and_not_who_filled_it(tmp_path):
    book = _cover_copy(tmp_path)
    cover = problem_cells(book)["填报说明"]
    assert cover[(3, 1)].value == "填报单位" and cover[(3, 2)].value is None  # the empty cell, in its row
    texts = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "张" not in texts and "5678" not in texts  # the 填报人 and 联系电话 rows have no problem: not shown


def test_merged_and_inline_cover_fields_are_masked_at_their_value():
    rows = [
        ["填报人", "", "王小明", "工作表"],
        ["联系电话：138 0000 5290", "", "", ""],
        ["填报单位", "", "", "会员名册"],
    ]
    masked = masked_cover(rows, [((0, 0), (0, 1))])
    assert masked[0] == ["填报人", "", "王**", "工作表"]
    assert masked[1][0] == "联系电话：****5290" and masked[2] == rows[2]


def test_a_phone_keeps_only_its_last_four_digits():
    assert mask_phone("010-12345678") == "****5678" and mask_phone(13800005290.0) == "****5290"
    assert mask_phone("123") == "****" and mask_phone("") == ""


def test_a_csvs_first_lines_are_masked_like_a_cover(tmp_path):
    (tmp_path / "in").mkdir()
    lines = [
        f"填报单位,{UNIT}",
        "填报人,赵六",
        "联系电话,13900001234",
        ",".join(headers_of("trainings")),
        "班,通用能力,甲,不是日期,3",
    ]  # a bad date: its row is shown
    (tmp_path / "in" / "2018年度_培训.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, tmp_path / "in", tmp_path / "run")
    book = openpyxl.load_workbook(feedback)
    texts = " ".join(
        str(c.value) for ws in book.worksheets[1:] for row in ws.iter_rows() for c in row if c.value is not None
    )
    assert len(book.worksheets) == 2 and "不是日期" in texts
    assert "赵" not in texts and "1234" not in texts  # the first lines (填报人, 联系电话) have no problem


def test_the_feedback_says_phone_numbers_are_hidden_too(tmp_path):
    _cover_copy(tmp_path)
    (path,) = (tmp_path / "run" / "feedback").iterdir()
    how = next(r[1] for r in openpyxl.load_workbook(path)["整改清单"].iter_rows(values_only=True) if r[0] == "怎么看")
    assert "电话" in how
