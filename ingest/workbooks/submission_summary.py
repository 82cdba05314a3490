"""提交情况.xlsx: the submission status of the period a run builds (ingest/workbooks/submission_status.py)
as a workbook the analyst prints: one line per expected unit, then the files held, the files no unit
could be given, the previous period's files and the files of other periods; each 整改清单 linked."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from domain.schema import units
from ingest.find.origin import FILE_NAME, FOLDER, UPLOADER
from ingest.report import IngestReport
from ingest.workbooks.style import (
    Formats,
    fit_row_height,
    fitted_width,
    new_workbook,
    print_setup,
    set_widths,
    set_wrapped_height,
    write_value,
)
from ingest.workbooks.submission_status import FEEDBACK_DIR, STATUS_WORDS, period_text, submission_status

SUMMARY_FILE = "提交情况.xlsx"
REPORT_FILE = "ingest_report.json"
FILE_STATUS_WORDS = {"unreadable": "无法打开", "cover_invalid": "封面有误，无法确定单位或统计期"}
CSV_COVER_INVALID = "文件开头或文件名有误，无法确定单位或统计期"
LIKELY_BY = {
    "cover": "封面所填单位：{}",
    FILE_NAME: "据文件名应是{}",
    FOLDER: "据所在文件夹应是{}",
    UPLOADER: "据上传账号应是{}",
}


def write_submission_summary(report: IngestReport, out_dir: Path, period: tuple[dt.date, dt.date]) -> Path:
    """Write out_dir/提交情况.xlsx; also sets report.submission_status and, when the run has
    already written out_dir/ingest_report.json, rewrites it with that section."""
    status = submission_status(report, period)
    report.submission_status = status
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if (out_dir / REPORT_FILE).is_file():
        (out_dir / REPORT_FILE).write_text(report.to_json(), encoding="utf-8")
    path = out_dir / SUMMARY_FILE
    title_text = f"报表提交情况（{period_text(status['period_start'], status['period_end'])}）"
    book = new_workbook(path, title_text, dt.datetime.fromisoformat(report.loaded_at))
    fmt = Formats(book)
    fills = {"missing": "#D9D9D9", "held": "#F8CBAD", "problems": "#FFC7CE", "warnings": "#FFEB9C", "clean": "#C6EFCE"}
    status_fmt = {k: fmt.fill(v, text_wrap=True) for k, v in fills.items()}
    ws = book.add_worksheet("提交情况")
    heads = [
        "代码",
        "单位",
        "情况",
        "采用的文件",
        "填报日期",
        "读取行数",
        "入库",
        "拒收",
        "跳过",
        "其中：隐藏行",
        "须改正",
        "请核对",
        "被取代的文件",
        "整改清单",
    ]
    table = [_unit_row(u) for u in status["units"]]
    widths: list[float] = [
        fitted_width([*(row[c] for row in table)], least=LEAST_WIDTHS.get(c, 7), most=MOST_WIDTHS.get(c, 10))
        for c in range(len(heads))
    ]
    set_widths(ws, widths)
    counts = Counter(r["status"] for r in status["units"])
    ws.write_string(0, 0, title_text, fmt.title)
    arrived = sum(1 for r in status["units"] if r["status"] == "missing" and r["files_not_loaded"])
    tally = (
        "；".join(
            f"{STATUS_WORDS[k]} {counts[k]} 个"
            + (f"（其中 {arrived} 个已报送但未能入库）" if k == "missing" and arrived else "")
            for k in STATUS_WORDS
        )
        + f"；无法归属的文件 {len(status['unattributed_files'])} 个"
    )
    legend = (
        "读取行数＝入库＋拒收＋跳过。拒收：有误、未入库的行（改法见整改清单）；跳过：空行、标题和表头行、合计行、"
        "注释行（不是数据），以及被隐藏的行（其中：隐藏行，取消隐藏并核对后重新报送才计入）；"
        "须改正、请核对：问题的条数（一行可有几处问题）；点“整改清单”一栏的文件名可打开该单位的整改清单"
        "（与本表同在一个文件夹下的 feedback 文件夹中）"
    )
    for line, text in ((1, tally), (2, legend)):
        ws.merge_range(line, 0, line, len(heads) - 1, text, fmt.note)
        set_wrapped_height(ws, line, text, sum(widths))
    ws.write_row(3, 0, heads, fmt.header)
    fit_row_height(ws, 3, heads, widths, range(len(heads)))
    ws.autofilter(3, 0, 3 + len(status["units"]), len(heads) - 1)
    for r, (u, row) in enumerate(zip(status["units"], table, strict=True), start=4):
        for c, value in enumerate(row):
            if c == 2:
                ws.write_string(r, c, value, status_fmt[u["status"]])
            elif c == 13 and value:
                _link_feedback(ws, r, c, value, fmt)
            elif value in ("", None):
                ws.write_blank(r, c, None, fmt.cell)
            else:
                write_value(ws, r, c, value, fmt, text_format=fmt.wrap)
        fit_row_height(ws, r, row, widths, (1, 2, 3, 12, 13))
    r = _write_held(ws, len(status["units"]) + 6, status["held_files"], fmt, widths)
    ws.write_string(r, 0, "无法归属到单位的文件（封面或文件本身有误，全部行未入库）", fmt.title)
    ws.write_row(r + 1, 0, ["", "文件", "情况", "原因", *[""] * 9, "整改清单"], fmt.header)
    for i, f in enumerate(status["unattributed_files"], start=r + 2):
        values = ["", f["source_file"], _file_status_text(f), "；".join(f["reasons"])]
        ws.write_row(i, 1, values[1:], fmt.wrap)
        if f["feedback"]:
            _link_feedback(ws, i, 13, f["feedback"], fmt)
        fit_row_height(ws, i, [*values, *[""] * 9, f["feedback"] or ""], widths, (1, 2, 3, 13))
    r = r + 3 + len(status["unattributed_files"])
    r = _write_previous(ws, r, status["previous_period"], fmt, widths)
    if status["other_period_files"]:
        ws.write_string(r, 0, "其他统计期的文件（本次未用）", fmt.title)
        for i, name in enumerate(status["other_period_files"], start=r + 1):
            ws.write_string(i, 1, name, fmt.wrap)
    print_setup(ws, title_text, widths, repeat_rows=(3, 3), freeze=(4, 2))  # the header row and the unit in view
    book.close()
    return path


LEAST_WIDTHS = {0: 6, 1: 12, 2: 12, 3: 16, 4: 11, 12: 14, 13: 16}
MOST_WIDTHS = {1: 28, 2: 26, 3: 34, 4: 11, 12: 30, 13: 34}


def _unit_row(u: dict) -> list:
    """A unit's line of the table, in the order of the header (dates as dates, counts as numbers)."""
    row = [u["unit_code"], u["unit_name"], _status_text(u)]
    if "source_file" not in u:
        return [*row, *[""] * 11]
    filled = _as_date(u["filled_on"] or "")
    return [
        *row,
        u["source_file"],
        filled,
        u["rows_read"],
        u["rows_loaded"],
        u["rows_rejected"],
        u["rows_skipped"],
        u["rows_hidden"],
        u["problems_rejected"],
        u["problems_warning"],
        "、".join(u["replaced"]),
        u["feedback"] or "",
    ]


def _as_date(value):
    """An ISO date text as a date (shown as a date, sortable); anything else as it is."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _link_feedback(ws, row: int, col: int, name: str, fmt: Formats) -> None:
    """A 整改清单's file name as a link to it, relative to this workbook (feedback/<name>), so that
    it still opens when the run folder is copied or sent on."""
    ws.write_url(row, col, f"external:{FEEDBACK_DIR}/{name}", fmt.link, string=name, tip="打开该文件的整改清单")


def _status_text(unit: dict) -> str:
    """未报送; or, when a file not loaded is likely the unit's, that it arrived: 已报送，文件无法读取
    (an .xlsb, a damaged or unsafe file) or 已报送，未能入库 (a wrong cover), so that nobody is told
    to chase a return that came in; or a loaded unit's 另有 1 个文件未能入库; likewise a file held
    under the unit's name (报表暂扣（未计入）（有 1 个文件暂扣，见下方）)."""
    words = STATUS_WORDS[unit["status"]]
    not_loaded = len(unit.get("files_not_loaded", ()))
    if unit["status"] == "missing" and not_loaded and not unit.get("files_held"):
        unread = len(unit.get("files_unreadable", ()))
        what = "文件无法读取" if unread == not_loaded else "文件未能入库"
        return f"已报送，{what}（{not_loaded} 个，见下方），须请单位按整改清单重报"
    notes = [
        f"有 {count} 个文件{what}"
        for count, what in ((len(unit.get("files_held", ())), "暂扣"), (not_loaded, "未能入库"))
        if count
    ]
    if not notes:
        return words
    return f"{words}（{'' if unit['status'] in ('missing', 'held') else '另'}{'，'.join(notes)}，见下方）"


def _write_held(ws, r: int, held: list[dict], fmt: Formats, widths: list[float]) -> int:
    """The held files from row r (来源所指单位 and 封面填报单位 disagree); returns the row after the
    section and a gap."""
    if not held:
        return r
    ws.write_string(
        r, 0, "暂扣的文件（文件来源与封面填报单位不一致，全部行未计入统计，也未取代任何单位的报表）", fmt.title
    )
    ws.write_row(r + 1, 0, ["", "文件", "来源所指单位", "原因（封面填报单位）", *[""] * 9, "整改清单"], fmt.header)
    for i, f in enumerate(held, start=r + 2):
        values = ["", f["source_file"], f["claimed_unit"] or "", f["reason"]]
        ws.write_row(i, 1, values[1:], fmt.wrap)
        if f["feedback"]:
            _link_feedback(ws, i, 13, f["feedback"], fmt)
        fit_row_height(ws, i, [*values, *[""] * 9, f["feedback"] or ""], widths, (1, 2, 3, 13))
    return r + 3 + len(held)


def _file_status_text(file: dict) -> str:
    words = FILE_STATUS_WORDS.get(file["status"], file["status"])
    if file["status"] == "cover_invalid" and file["source_file"].lower().endswith(".csv"):
        words = CSV_COVER_INVALID
    if "likely_unit" in file:
        words += f"（{LIKELY_BY[file['likely_by']].format(file['likely_unit'])}）"
    return words


def _write_previous(ws, r: int, previous: dict, fmt: Formats, widths: list[float]) -> int:
    """The previous period's files from row r; returns the row after the section and a gap."""
    if not previous["files"]:
        return r
    label = period_text(previous["period_start"], previous["period_end"])
    if previous["used_for_change"]:
        ws.write_string(r, 0, f"上一统计期（{label}）的文件（用于同比）", fmt.title)
    else:
        ws.write_string(
            r,
            0,
            f"上一统计期（{label}）的文件（{len(units())} 个应报单位中只有 {previous['units_sent']} 个报送，"
            "不计算同比，本次未用）",
            fmt.title,
        )
    ws.write_row(r + 1, 1, ["文件", "单位", "说明"], fmt.header)
    for i, f in enumerate(previous["files"], start=r + 2):
        note = (
            "用于同比（上期数）"
            if f["used"]
            else f"已被更新的文件取代：{f['replaced_by']}"
            if f.get("replaced_by")
            else "本次未用"
        )
        ws.write_row(i, 1, [f["source_file"], f["unit_name"], note], fmt.wrap)
        fit_row_height(ws, i, ["", f["source_file"], f["unit_name"], note], widths, (1, 2, 3))
    return r + 3 + len(previous["files"])
