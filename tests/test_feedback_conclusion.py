"""The 整改清单's 结论 and 怎么看 say what happened to this file: a file that could not be opened
had no row read; a refused cover is the few cells to fix, the per-sheet lines are its
consequence; a list without copied sheets promises none; a CSV has no 封面 or 工作簿."""

from __future__ import annotations

import datetime as dt

import openpyxl
from test_ingest_workbook_builder import UNIT, headers_of, write_return

from ingest.run import ingest
from ingest.workbooks.feedback import write_feedback

KEY = b"feedback-conclusion-key" * 2
TRAINING = ["班", "通用能力", "甲", dt.date(2018, 3, 5), 3]


def _facts(tmp_path) -> tuple[dict, list[tuple]]:
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, tmp_path / "in", tmp_path / "run")
    rows = list(openpyxl.load_workbook(feedback)["整改清单"].iter_rows(values_only=True))
    facts = {r[0]: r[1] for r in rows[:9] if r[0]}
    start = next(i for i, r in enumerate(rows) if r[0] == "序号")
    return facts, rows[start:]


def test_a_file_that_cannot_be_opened_says_no_data_was_counted(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    facts, _ = _facts(tmp_path)
    assert facts["结论"] == "本文件未能打开，其中数据全部未计入统计：请按下表第 1 条处理后重新报送。"
    assert "没有附上原表" in facts["怎么看"]


def test_a_refused_cover_counts_only_the_cover_cells_to_fix(tmp_path):
    sheets = {"会员名册": (headers_of("members"), []), "培训": (headers_of("trainings"), [TRAINING])}
    write_return(tmp_path / "in" / "空单位.xlsx", sheets, unit="")
    facts, lines = _facts(tmp_path)
    assert len(lines) == 4  # header, the cover's cell, one line per sheet refused
    assert facts["结论"].startswith("封面有 1 处须改正（见下表第 1 条），因此本文件 2 个工作表的 1 行均未入库")
    assert "有 3 处须改正" not in facts["结论"]


def test_a_readable_file_without_a_cell_to_show_promises_no_copies(tmp_path):
    write_return(
        tmp_path / "in" / "隐藏表.xlsx",
        {"培训": (headers_of("trainings"), [TRAINING])},
        hidden={"京卡办理": (headers_of("cards"), [])},
    )
    facts, lines = _facts(tmp_path)
    assert len(lines) == 2 and "隐藏" in lines[1][7]
    assert "未能读取" not in facts["怎么看"] and "原表" not in facts["怎么看"]


def test_the_problem_list_links_under_a_header_that_says_what_it_does(tmp_path):
    write_return(
        tmp_path / "in" / "日期.xlsx", {"培训": (headers_of("trainings"), [["班", "通用能力", "甲", "不是日期", 3]])}
    )
    _, lines = _facts(tmp_path)
    assert lines[0][6] == "查看" and "位置" not in lines[0]
    assert lines[1][6] == "去看"


def test_a_csv_is_told_about_its_first_lines_and_file_not_a_cover_or_workbook(tmp_path):
    (tmp_path / "in").mkdir()
    lines = ["填报单位,", ",".join(headers_of("trainings")), "班,通用能力,甲,2018-03-05,3"]
    (tmp_path / "in" / "2018年度_培训.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    facts, problems = _facts(tmp_path)
    texts = [facts["结论"], *(line[7] for line in problems[1:])]
    assert facts["结论"].startswith("文件开头或文件名中的填报单位、统计期有 1 处须改正") and "整个文件" in facts["结论"]
    assert len(texts) == 3 and not any("封面" in t or "工作簿" in t for t in texts)


def test_a_refused_cover_still_counts_what_else_there_is_to_fix(tmp_path):
    (tmp_path / "in").mkdir()
    heads = headers_of("trainings")
    lines = [
        "填报单位,",
        ",".join([*heads[:2], heads[3], "备注"]),
        "班,通用能力,2018-03-05,甲",
    ]  # required columns missing
    (tmp_path / "in" / "2018年度_培训.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    facts, problems = _facts(tmp_path)
    missing = sum(1 for line in problems[1:] if line[5] == "须改正" and "缺少必填列" in line[7])
    assert missing and f"；另有 {missing} 处须改正、1 处请核对：" in facts["结论"]


def test_a_csv_with_a_bad_cell_is_told_to_send_the_whole_file_again(tmp_path):
    (tmp_path / "in").mkdir()
    lines = [",".join(headers_of("trainings")), "班,通用能力,甲,不是日期,3"]
    (tmp_path / "in" / f"{UNIT}_2018年度_培训.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    facts, _ = _facts(tmp_path)
    assert facts["结论"].endswith("请改正后重新报送整个文件。") and "工作簿" not in facts["结论"]
