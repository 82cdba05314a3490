"""整改清单 and 提交情况 on the messy corpus: a feedback workbook for each submission that has
something to say (and none for a clean or replaced one), which opens, highlights exactly the
rejected cells in red and the warned ones in yellow, and never shows a whole ID or name."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from messy_cases import EXCEL_ID, build_corpus
from test_ingest_workbook_builder import headers_of, person_id

from domain.schema import sheet as schema_sheet
from ingest.clean.validators import InvalidValue, resident_id
from ingest.run import ingest
from ingest.workbooks.feedback import (
    PROBLEM_ROWS_SHEET,
    REJECTED_FILL,
    WARNING_FILL,
    write_feedback,
    write_submission_summary,
)

KEY = b"feedback-test-key" * 2
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    cases = build_corpus(root / "in")
    report = ingest(root / "in", root / "w.duckdb", key=KEY, workers=1)
    (root / "run").mkdir()
    (root / "run" / "ingest_report.json").write_text(report.to_json(), encoding="utf-8")
    paths = write_feedback(report, root / "in", root / "run")
    summary = write_submission_summary(report, root / "run", PERIOD)
    return cases, report, paths, summary, root / "run"


def _is_resident_id(value: str) -> bool:
    try:
        return resident_id(value) == value
    except InvalidValue:
        return False


def _fill(cell) -> str | None:
    color = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
    return f"#{color[-6:]}" if isinstance(color, str) else None


def test_one_feedback_per_submission_with_something_to_say(written):
    _, _, paths, _, run = written
    assert sorted(p.name for p in paths) == sorted(
        [
            "月坛街道工会服务站_整改清单.xlsx",
            "德胜街道工会服务站_整改清单.xlsx",
            "展览路街道工会服务站_整改清单.xlsx",
            "天桥街道工会服务站_整改清单.xlsx",
            "导出数据_整改清单.xlsx",
        ]
    )  # not the clean ones, not 天桥's replaced file
    assert all(p.parent == run / "feedback" for p in paths)


def problem_cells(book) -> dict[str, dict[tuple[int, int], object]]:
    """The cells of a 整改清单's 有问题的行 by the unit's sheet and their (row, column), 1-based, in the
    unit's own workbook: each block starts with a line 工作表“…”, each row with its 原表行号."""
    out: dict[str, dict[tuple[int, int], object]] = {}
    sheet = None
    for row in book[PROBLEM_ROWS_SHEET].iter_rows():
        first = row[0].value
        if isinstance(first, str) and first.startswith("工作表“"):
            sheet = first[len("工作表“") :].split("”（")[0]
            out[sheet] = {}
        elif isinstance(first, int):
            out[sheet].update({(first, cell.column - 1): cell for cell in row[1:]})
    return out


def test_a_list_shows_only_the_problem_rows_and_the_header(written):
    _, report, paths, _, _ = written
    for path in paths:
        book = openpyxl.load_workbook(path)
        if PROBLEM_ROWS_SHEET not in book.sheetnames:
            continue
        file = next(f for f in report.files if path.name.startswith((f.unit_name or "\0", f.source_file[:4])))
        cells = problem_cells(book)
        rows = {(sheet, row) for sheet, found in cells.items() for row, _ in found}
        wanted = {(p.sheet, p.source_row) for p in report.problems if p.source_file == file.source_file}
        assert rows and rows <= wanted, path.name


def test_highlighted_cells_are_exactly_the_problem_cells(written):
    _, report, paths, _, _ = written
    by_unit = {f.unit_name or f.source_file.rsplit(".", 1)[0]: f for f in report.files if f.used is not False}
    compared = 0
    for path in paths:
        file = by_unit[path.name.replace("_整改清单.xlsx", "")]
        book = openpyxl.load_workbook(path)
        assert book.sheetnames[0] == "整改清单"
        problems = [
            p for p in report.problems if p.source_file == file.source_file and p.source_row and p.source_column
        ]
        shown = problem_cells(book) if problems else {}
        for sheet in {p.sheet for p in problems}:
            cells = shown[sheet]
            red = {place for place, c in cells.items() if _fill(c) == REJECTED_FILL}
            yellow = {place for place, c in cells.items() if _fill(c) == WARNING_FILL}
            rejected = {
                (p.source_row, p.source_column) for p in problems if p.sheet == sheet and p.severity == "rejected"
            }
            warned = {(p.source_row, p.source_column) for p in problems if p.sheet == sheet and p.severity == "warning"}
            assert red == rejected, (path.name, sheet)
            assert yellow == warned - rejected, (path.name, sheet)
            commented = {place for place, c in cells.items() if c.comment}
            assert commented == rejected | warned
            compared += len(red)
    assert compared >= 5


def test_no_whole_id_or_name_in_any_feedback(written):
    cases, _, paths, summary, _ = written
    ids = {
        v
        for case in cases.values()
        for exp in case.sheets.values()
        for row in exp.loaded.values()
        for v in row
        if isinstance(v, str) and (_is_resident_id(v) or (v.isdigit() and len(v) == 16))
    }
    ids |= {person_id(90), person_id(91), str(int(EXCEL_ID))[:15]}
    names = {
        row[0]
        for case in cases.values()
        for exp in case.sheets.values()
        for row in exp.loaded.values()
        if isinstance(row[0], str) and row[0].startswith("张")
    }
    assert len(ids) > 20 and any(len(i) == 16 for i in ids) and names
    for path in [*paths, summary]:
        book = openpyxl.load_workbook(path)
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    text = f"{cell.value} {cell.comment.text if cell.comment else ''}"
                    assert not any(i in text.upper() for i in ids), (path.name, cell.coordinate)
                    assert not any(n in text for n in names), (path.name, cell.coordinate)


def test_summary_lists_the_unit_problems_in_plain_words(written):
    _, _report, paths, _, _ = written
    book = openpyxl.load_workbook(next(p for p in paths if p.name.startswith("月坛")))
    ws = book["整改清单"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "月坛_2018年度.xlsx" in texts and any("不存在" in t for t in texts) and any("隐藏" in t for t in texts)
    assert "须改正" in texts and "请核对" in texts


def test_submission_summary_says_who_sent_what(written):
    _, report, _, summary, run = written
    status = report.submission_status
    assert status["missing"] == ["S01", "S10", "S11", "S12", "S13", "S14", "S15", "C01", "F00"]
    assert status["problems"] == ["S03", "S04", "S05"] and status["warnings"] == ["S09"]
    assert status["clean"] == ["S02", "S06", "S07", "S08"]
    s09 = next(u for u in status["units"] if u["unit_code"] == "S09")
    assert s09["source_file"] == "天桥/更正.xlsx" and s09["replaced"] == ["天桥/初报.xlsx"]
    assert [f["source_file"] for f in status["unattributed_files"]] == ["导出数据.csv"]
    on_disk = json.loads((run / "ingest_report.json").read_text(encoding="utf-8"))
    assert on_disk["submission_status"]["clean"] == status["clean"]
    ws = openpyxl.load_workbook(summary)["提交情况"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in {"S02", "S03", "S09", "F00"}}
    assert rows["S03"][2] == "有问题（须改正）" and rows["F00"][2] == "未报送" and rows["S02"][2] == "无问题"
    assert rows["S09"][3] == "天桥/更正.xlsx" and rows["S09"][12] == "天桥/初报.xlsx"


def test_submission_summary_keeps_its_header_in_view_and_says_what_the_counts_are(written):
    ws = openpyxl.load_workbook(written[3])["提交情况"]
    assert ws.freeze_panes == "C5" and ws.auto_filter.ref.startswith("A4:")
    assert "跳过：空行、标题和表头行、合计行" in ws["A3"].value and "读取行数＝入库＋拒收＋跳过" in ws["A3"].value


def test_the_problem_rows_keep_the_templates_header_colours_widths_and_a_frozen_header(written):
    _, _, paths, _, _ = written
    book = openpyxl.load_workbook(next(p for p in paths if p.name.startswith("展览路")))
    ws = book[PROBLEM_ROWS_SHEET]
    header = [c for c in ws[2] if c.value]  # under the line naming the sheet (培训, its only block)
    assert header[0].value == "原表行号" and [c.value for c in header[1:]] == headers_of("trainings")
    required = {c.header for c in schema_sheet("trainings").columns if c.required}
    assert all(_fill(c) == ("#FCE4D6" if c.value in required else "#DDEBF7") for c in header[1:])
    assert ws.freeze_panes == "B3"  # the header (and the row numbers) stay in view
    assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in header)


def test_every_sheet_prints_on_a4_one_page_wide_with_page_numbers(written):
    _, _, paths, summary, _ = written
    for path in [*paths, summary]:
        for ws in openpyxl.load_workbook(path).worksheets:
            setup = ws.page_setup
            assert setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, (path.name, ws.title)
            assert setup.fitToWidth in (1, None) and setup.fitToHeight == 0, (path.name, ws.title)  # None: 1
            assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
