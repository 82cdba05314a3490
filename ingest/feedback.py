"""整改清单: what goes back to a unit whose return had problems or warnings, in its own terms.

One workbook per submission (feedback/<单位>_整改清单.xlsx in the run folder), only where there is
something to say, and not for a file a newer one replaced: a sheet 整改清单 (what was read,
loaded, rejected, skipped, and every problem in plain words), then a copy of each of the unit's
sheets that has a problem at a cell, laid out as they sent it, with every such cell highlighted
(red: the row was not loaded until it is corrected; yellow: read, but please check) and the
reason as a cell comment. Personal data is masked (ingest/feedback_cells.py).

The per-run summary of who submitted is ingest/submission_status.py (re-exported here)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

from ingest import safe_names
from ingest.cover import about_whole_file
from ingest.feedback_cells import masked_cover, masked_rows, read_sheet_rows
from ingest.reader import is_failure
from ingest.report import FileReport, IngestReport, Problem
from ingest.schema import sheet as schema_sheet
from ingest.sheet_reader import column_letter
from ingest.submission_status import FEEDBACK_DIR, feedback_names, write_submission_summary

__all__ = ["REJECTED_FILL", "WARNING_FILL", "write_feedback", "write_submission_summary"]

SUMMARY_SHEET = "整改清单"
REJECTED_FILL = "#FFC7CE"
WARNING_FILL = "#FFEB9C"
SEVERITY_WORDS = {"rejected": "须改正", "warning": "请核对"}
STATUS_WORDS = {
    "loaded": "已读取",
    "empty": "空表",
    "hidden": "隐藏（未读取）",
    "unrecognised": "无法识别（未读取）",
    "rejected": "未入库",
}


FEEDBACK_FAILED = (
    "本文件的整改清单未能生成（{kind}），问题仍全部列在入库报告和提交情况中：这不是填报的问题，"
    "请数据管理员交技术人员检查"
)


def write_feedback(
    report: IngestReport, input_dir: Path, out_dir: Path, say: Callable[[str], None] = lambda text: None
) -> list[Path]:
    """Write each submission's 整改清单 into out_dir/feedback/; returns the paths written. A list
    that cannot be written (whatever the file holds) is that file's problem, added to the report
    and told through `say`; the other units' lists are written."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in report.problems:
        by_file[problem.source_file].append(problem)
    names = feedback_names(report)
    written = []
    for file in report.files:
        if file.source_file not in names:
            continue
        path = Path(out_dir) / FEEDBACK_DIR / names[file.source_file]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_one(path, file, by_file[file.source_file], Path(input_dir) / file.source_file, report.loaded_at)
        except BaseException as error:
            if not is_failure(error):  # a panic of calamine re-reading the sheet is one
                raise
            path.unlink(missing_ok=True)
            reason = FEEDBACK_FAILED.format(kind=type(error).__name__)
            report.problems.append(Problem(file.source_file, None, None, None, None, "warning", reason))
            say(f"未能生成 {file.source_file} 的整改清单：{reason}")
            continue
        written.append(path)
    return written


def _write_one(path: Path, file: FileReport, problems: list[Problem], source: Path, loaded_at: str) -> None:
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties(
        {
            "title": f"{file.unit_name or file.source_file} 报表整改清单",
            "author": "数说工会",
            "created": dt.datetime.fromisoformat(loaded_at),
        }
    )
    styles = _Styles(book)
    at_cells = [p for p in problems if p.sheet and p.source_row and p.source_column]
    order = {s.sheet: i for i, s in enumerate(file.sheets)}
    # the cover (not among the sheets read) first, then the sheets as in the workbook
    sheet_names = sorted({p.sheet for p in at_cells}, key=lambda name: (order.get(name, -1), name))
    sheets = {name: found for name in sheet_names if (found := _sheet_to_copy(file, source, name)) is not None}
    copies = dict(zip(sheets, safe_names.sheet_names(sheets, taken=[SUMMARY_SHEET])))
    _summary(book.add_worksheet(SUMMARY_SHEET), styles, file, problems, loaded_at, copies)
    for name, rows in sheets.items():
        _copy(book.add_worksheet(copies[name]), styles, rows, [p for p in at_cells if p.sheet == name])
    book.close()


def _sheet_to_copy(file: FileReport, source: Path, name: str) -> list[list] | None:
    """The sheet's rows as they may be shown (masked), None if it cannot be read again."""
    found = read_sheet_rows(source, name)
    if found is None:
        return None
    rows, merged = found
    if name not in {s.sheet for s in file.sheets} or is_csv(file):  # the cover; a CSV's first lines are its cover
        rows = masked_cover(rows, merged)
    return masked_rows(name, rows)


def is_csv(file: FileReport) -> bool:
    """A CSV return has no cover and no sheets: its 封面 is its first lines and its file name."""
    return file.source_file.lower().endswith(".csv")


class _Styles:
    def __init__(self, book):
        add = book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.head = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top", "border": 1})
        self.plain = add({"valign": "top", "border": 1})
        self.rejected = add(
            {"bg_color": REJECTED_FILL, "font_color": "#9C0006", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.warning = add(
            {"bg_color": WARNING_FILL, "font_color": "#9C5700", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.red = add({"bg_color": REJECTED_FILL, "font_color": "#9C0006"})
        self.red_date = add({"bg_color": REJECTED_FILL, "font_color": "#9C0006", "num_format": "yyyy-mm-dd"})
        self.yellow = add({"bg_color": WARNING_FILL, "font_color": "#9C5700"})
        self.yellow_date = add({"bg_color": WARNING_FILL, "font_color": "#9C5700", "num_format": "yyyy-mm-dd"})


def reading_order(file: FileReport, problems: list[Problem]) -> list[Problem]:
    """Problems as the clerk should read them: what must be corrected before what to check; and
    within each, the file's and its cover's problems first (a wrong cover is why every sheet was
    refused), then sheet by sheet in the workbook's order, row by row."""
    sheets = {s.sheet: i for i, s in enumerate(file.sheets)}
    read = set(sheets)
    return sorted(
        problems,
        key=lambda p: (
            p.severity != "rejected",
            not about_whole_file(p, read),
            sheets.get(p.sheet, -1),
            p.source_row or 0,
            p.source_column or 0,
        ),
    )


def _conclusion(file: FileReport, ordered: list[Problem]) -> str:
    """What happened to the file and what to do, in one paragraph. A file that could not be
    opened had no row read; a refused cover is one or two cells to fix, and the per-sheet lines
    after it are its consequence, not more to fix."""
    rejected = sum(p.severity == "rejected" for p in ordered)
    checks = len(ordered) - rejected
    whole = "整个文件" if is_csv(file) else "整个工作簿"
    if file.status == "unreadable":
        which = "第 1 条" if rejected <= 1 else f"第 1–{rejected} 条"
        return f"本文件未能打开，其中数据全部未计入统计：请按下表{which}处理后重新报送。"
    if file.held:
        return f"本文件暂扣，其中数据全部未计入统计，也没有取代任何单位的报表：{file.held}。请按下表第 1 条核实后重新报送{whole}。"
    if file.status == "cover_invalid":
        sheets = {s.sheet for s in file.sheets}
        first = sum(1 for p in ordered if p.severity == "rejected" and about_whole_file(p, sheets))
        which = "第 1 条" if first == 1 else f"第 1–{first} 条"
        refused = [s for s in file.sheets if s.status == "rejected"]
        names = {s.sheet for s in refused}
        lines = sum(1 for p in ordered if p.severity == "rejected" and p.sheet in names and p.source_row is None)
        rows = sum(s.rows_rejected for s in refused)
        where = "文件开头或文件名中的填报单位、统计期" if is_csv(file) else "封面"
        if not refused:
            consequence = ""
        elif is_csv(file):
            consequence = f"，因此文件中的 {rows} 行数据全部未入库"
        else:
            consequence = f"，因此本文件 {len(refused)} 个工作表的 {rows} 行均未入库（下表其后逐表列出）"
        others = [f"{n} 处{word}" for n, word in ((rejected - first - lines, "须改正"), (checks, "请核对")) if n]
        also = f"；另有 {'、'.join(others)}" if others else ""
        return f"{where}有 {first} 处须改正（见下表{which}）{consequence}{also}：请改正后重新报送{whole}。"
    counts = f"有 {rejected} 处须改正、{checks} 处请核对。"
    if rejected:
        return counts + f"须改正的行未计入统计，请改正后重新报送{whole}。"
    return counts + "数据已全部按所读入库；如提醒之处有误，请改正后重新报送。"


def _how_to_read(file: FileReport, copies: dict[str, str]) -> str:
    """Promise only what the list holds: the copied sheets, or none and why."""
    if copies:
        return (
            "本清单之后的工作表是贵单位报来的原表（身份证号、卡号、姓名、电话已部分隐藏）：红色单元格须改正，黄色单元格请核对，"
            "鼠标停在单元格上可看说明；点“查看原表”一栏的“去看”可跳到该单元格。"
        )
    if file.status == "unreadable":
        return "文件未能读取，本清单没有附上原表：请按上面的结论处理后重新报送。"
    return "下表逐条列出问题和改法：类别为“须改正”的须改正后重新报送，“请核对”的请核对，无误可不改。"


def _summary(
    ws, styles: _Styles, file: FileReport, problems: list[Problem], loaded_at: str, copies: dict[str, str]
) -> None:
    ordered = reading_order(file, problems)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 6, 10)
    ws.set_column(7, 7, 80)
    heading = (
        f"报表整改清单：{file.source_file}（暂扣：来源与封面填报单位不一致）"
        if file.held
        else f"{file.unit_name} 报表整改清单"
        if file.unit_name
        else f"报表整改清单：{file.source_file}（未能确定填报单位）"
    )
    ws.write_string(0, 0, heading, styles.title)
    period = f"{file.period_start} 至 {file.period_end}" if file.period_start else "（未能确定）"
    used = (
        f"否（暂扣：{file.held}）"
        if file.held
        else {
            True: "是（本单位本统计期以此文件为准）",
            False: "否（已被更新的文件取代）",
            None: "否（本文件未能入库）",
        }[file.used]
    )
    facts = [
        ("报送文件", file.source_file),
        ("统计期", period),
        ("读取时间", loaded_at),
        ("是否采用", used),
        ("结论", _conclusion(file, ordered)),
        ("怎么看", _how_to_read(file, copies)),
    ]
    for r, (label, value) in enumerate(facts, start=2):
        ws.write_string(r, 0, label, styles.head)
        ws.merge_range(r, 1, r, 7, value, styles.wrap)
    r = len(facts) + 3
    heads = ["工作表", "识别为", "读取行数", "入库", "拒收", "跳过", "状态", "跳过的行"]
    ws.write_row(r, 0, heads, styles.head)
    for s in file.sheets:
        r += 1
        title = schema_sheet(s.sheet_name).title if s.sheet_name else "—"
        skipped = f"空行 {s.rows_blank}、标题/表头 {s.rows_title}、合计 {s.rows_total}、注释 {s.rows_note}、隐藏 {s.rows_hidden}"
        ws.write_row(
            r,
            0,
            [
                s.sheet,
                title,
                s.rows_read,
                s.rows_loaded,
                s.rows_rejected,
                s.rows_skipped,
                STATUS_WORDS.get(s.status, s.status),
                skipped,
            ],
            styles.plain,
        )
    r += 2
    ws.write_row(
        r, 0, ["序号", "工作表", "单元格", "列标题", "填写内容", "类别", "查看原表", "说明（问题与改法）"], styles.head
    )
    for n, p in enumerate(ordered, start=1):
        r += 1
        place = (
            f"{column_letter(p.source_column - 1)}{p.source_row}"
            if p.source_row and p.source_column
            else (f"第 {p.source_row} 行" if p.source_row else "—")
        )
        style = styles.rejected if p.severity == "rejected" else styles.warning
        ws.write_row(
            r,
            0,
            [n, p.sheet or "（整个文件）", place, (p.column_header or "").replace("\n", ""), p.value_shown or ""],
            styles.plain,
        )
        ws.write_string(r, 5, SEVERITY_WORDS[p.severity], style)
        if p.sheet in copies and p.source_row and p.source_column:
            ws.write_url(r, 6, f"internal:'{copies[p.sheet]}'!{place}", string="去看")
        ws.write_string(r, 7, p.reason, styles.wrap)
    ws.freeze_panes(len(facts) + 4, 0)


def _copy(ws, styles: _Styles, rows: list[list], problems: list[Problem]) -> None:
    """The unit's sheet as sent, problem cells filled and commented (every reason on a cell)."""
    at: dict[tuple[int, int], list[Problem]] = defaultdict(list)
    for p in problems:
        at[(p.source_row - 1, p.source_column - 1)].append(p)
    width = max((len(r) for r in rows), default=0)
    ws.set_column(0, max(width - 1, 0), 14)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            found = at.get((r, c))
            red = found and any(p.severity == "rejected" for p in found)
            fill, date_fill = (
                (styles.red, styles.red_date)
                if red
                else (styles.yellow, styles.yellow_date)
                if found
                else (None, styles.date)
            )
            _write(ws, r, c, value, fill, date_fill)
    for (r, c), found in at.items():
        if r >= len(rows) or c >= len(rows[r]):
            red = any(p.severity == "rejected" for p in found)
            ws.write_blank(r, c, None, styles.red if red else styles.yellow)
        text = "\n".join(f"【{SEVERITY_WORDS[p.severity]}】{p.reason}" for p in found)
        ws.write_comment(r, c, text, {"author": "数说工会", "x_scale": 3, "y_scale": 2.5})
    ws.freeze_panes(0, 0)


def _write(ws, r: int, c: int, value, fill, date_fill) -> None:
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        ws.write_datetime(r, c, moment, date_fill)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fill)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(r, c, value, fill)
    elif isinstance(value, float):  # NaN or infinity in the file: Excel has no such number, so as text
        ws.write_string(r, c, str(value), fill)
    elif value == "" or value is None:
        if fill is not None:
            ws.write_blank(r, c, None, fill)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fill)
    else:  # a time or duration: as text
        ws.write_string(r, c, str(value), fill)
