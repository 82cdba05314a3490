"""The cover copied into a 整改清单 shows the 填报人 with the surname only and the 联系电话 with its
last 4 digits: 怎么看 promises that names are partly hidden, and the list travels."""

from __future__ import annotations

import openpyxl
from test_ingest_workbook_builder import UNIT, headers_of, write_return

from ingest.feedback import write_feedback
from ingest.feedback_cells import mask_phone, masked_cover
from ingest.run import ingest

KEY = b"feedback-mask-key" * 2


def _cover_copy(tmp_path):
    path = write_return(tmp_path / "in" / "空单位.xlsx", {"培训": (headers_of("trainings"), [])}, unit="")
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, tmp_path / "in", tmp_path / "run")
    return openpyxl.load_workbook(path)["填报说明"], openpyxl.load_workbook(feedback)["填报说明"]


def test_the_copied_cover_masks_who_filled_it_and_the_phone(tmp_path):
    sent, copy = _cover_copy(tmp_path)
    values = {row[0].value: row[1].value for row in copy.iter_rows(min_col=1, max_col=2) if row[0].value}
    assert values["填报人"] == "张*" and values["联系电话"] == "****5678"
    assert values["统计期起"] == next(r[1].value for r in sent.iter_rows(max_col=2) if r[0].value == "统计期起")
    texts = " ".join(str(c.value) for row in copy.iter_rows() for c in row if c.value is not None)
    assert "张三" not in texts and "12345678" not in texts


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
    ]  # a bad date: the sheet is copied
    (tmp_path / "in" / "2018年度_培训.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, tmp_path / "in", tmp_path / "run")
    book = openpyxl.load_workbook(feedback)
    texts = " ".join(
        str(c.value) for ws in book.worksheets[1:] for row in ws.iter_rows() for c in row if c.value is not None
    )
    assert len(book.worksheets) == 2 and "赵*" in texts and "****1234" in texts
    assert "赵六" not in texts and "13900001234" not in texts


def test_the_feedback_says_phone_numbers_are_hidden_too(tmp_path):
    _cover_copy(tmp_path)
    (path,) = (tmp_path / "run" / "feedback").iterdir()
    how = next(r[1] for r in openpyxl.load_workbook(path)["整改清单"].iter_rows(values_only=True) if r[0] == "怎么看")
    assert "电话" in how
