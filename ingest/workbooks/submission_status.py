"""提交情况: for the period a run builds, which of the expected units (domain/units.yaml) sent a
return, which did not, which returns are clean, which have problems (rows not loaded until they
are corrected) and which were read with warnings; the file used for each unit and the files it
replaced; files that could not be attributed to any unit; the previous period's files (the 上期
of every 同比, domain/periods.py says which period that is) and files of any other period, which
this run does not use; and the files held because where they came from names another unit than
their cover (ingest/load/current.py), under both units. Written as 提交情况.xlsx and as the
`submission_status` section of ingest_report.json."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from domain.periods import period_label, previous_period
from domain.schema import units
from ingest.find.origin import FILE_NAME, FOLDER, UPLOADER, origin_of
from ingest.load.current import HELD
from ingest.read.cover import about_whole_file
from ingest.read.csv_return import name_fields
from ingest.report import FileReport, IngestReport
from ingest.workbooks.safe_names import file_names
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

SUMMARY_FILE = "提交情况.xlsx"
REPORT_FILE = "ingest_report.json"
STATUS_WORDS = {
    "missing": "未报送",
    "held": "报表暂扣（未计入）",
    "problems": "有问题（须改正）",
    "warnings": "已读取，有提醒",
    "clean": "无问题",
}
FILE_STATUS_WORDS = {"unreadable": "无法打开", "cover_invalid": "封面有误，无法确定单位或统计期"}
CSV_COVER_INVALID = "文件开头或文件名有误，无法确定单位或统计期"
LIKELY_BY = {
    "cover": "封面所填单位：{}",
    FILE_NAME: "据文件名应是{}",
    FOLDER: "据所在文件夹应是{}",
    UPLOADER: "据上传账号应是{}",
}
FEEDBACK_ENDING = "_整改清单.xlsx"
FEEDBACK_DIR = "feedback"  # beside 提交情况.xlsx in the run folder (ingest/workbooks/feedback.py writes there)


def _period_label(start: str | None, end: str | None) -> str:
    if not start or not end:
        return "统计期不明"
    return period_label(dt.date.fromisoformat(str(start)[:10]), dt.date.fromisoformat(str(end)[:10]))


def feedback_names(report: IngestReport) -> dict[str, str]:
    """source_file → its 整改清单 file name, for every file that gets one: a file with problems or
    warnings that was not replaced by a newer one. <单位>_整改清单.xlsx, for a held file the unit it
    came from (the sender, who must correct it); the period and then the file name are added when
    a unit has more than one; ingest.workbooks.safe_names makes the names safe and distinct."""
    with_problems = {p.source_file for p in report.problems}
    chosen = [f for f in report.files if f.source_file in with_problems and (f.used is not False or f.held)]
    senders = {s["source_file"]: s["claimed_unit_code"] for s in report.submissions if s.get("status") == HELD}
    label = {
        f.source_file: _unit_name(senders.get(f.source_file)) or f.unit_name or Path(f.source_file).stem for f in chosen
    }
    for extra in (lambda f: _period_label(f.period_start, f.period_end), lambda f: Path(f.source_file).stem):
        counts = Counter(label.values())
        for f in chosen:
            if counts[label[f.source_file]] > 1:
                label[f.source_file] += f"_{extra(f)}"
    return dict(zip(label, file_names(label.values(), FEEDBACK_ENDING), strict=True))


def submission_status(report: IngestReport, period: tuple[dt.date, dt.date]) -> dict:
    start, end = (d.isoformat() for d in period)
    used = {u["unit_code"]: u for u in report.submissions_used if (u["period_start"], u["period_end"]) == (start, end)}
    files = {f.source_file: f for f in report.files}
    names = feedback_names(report)
    severities: dict[str, Counter] = {}
    for p in report.problems:
        severities.setdefault(p.source_file, Counter())[p.severity] += 1
    unattributed = [f for f in report.files if f.status != "loaded"]
    likely = {f.source_file: _likely_unit(f, report) for f in unattributed}
    likely_code = {name: guess.code for name, guess in likely.items() if guess is not None}
    held = [
        s
        for s in report.submissions
        if s.get("status") == HELD and (_iso(s["period_start"]), _iso(s["period_end"])) == (start, end)
    ]
    rows = []
    for unit in units():
        not_loaded = [
            f.source_file
            for f in unattributed
            if likely_code.get(f.source_file) == unit.code and _may_be_for(f, start, end)
        ]
        files_held = [s["source_file"] for s in held if unit.code in (s["unit_code"], s["claimed_unit_code"])]
        entry: dict[str, object] = {
            "unit_code": unit.code,
            "unit_name": unit.name,
            "status": "held" if files_held else "missing",
            "files_not_loaded": not_loaded,
            "files_held": files_held,
            "files_unreadable": [name for name in not_loaded if files[name].status == "unreadable"],
        }
        chosen = used.get(unit.code)
        if chosen:
            file = files[chosen["source_file"]]
            counts = severities.get(file.source_file, Counter())
            entry.update(
                status="problems" if counts["rejected"] else "warnings" if counts["warning"] else "clean",
                source_file=file.source_file,
                file_sha256=file.file_sha256,
                filled_on=chosen["filled_on"],
                replaced=[r["source_file"] for r in chosen["replaced"]],
                **file.totals(),
                problems_rejected=counts["rejected"],
                problems_warning=counts["warning"],
                feedback=names.get(file.source_file),
            )
        rows.append(entry)
    unattributed_files = [
        {
            "source_file": f.source_file,
            "status": f.status,
            "feedback": names.get(f.source_file),
            "reasons": _whole_file_reasons(report, f),
            **(
                {"likely_unit": guess.name, "likely_by": guess.by}
                if (guess := likely[f.source_file]) is not None
                else {}
            ),
        }
        for f in unattributed
    ]
    counted = {u["source_file"] for u in used.values()} | {
        x["source_file"] for u in used.values() for x in u["replaced"]
    }
    counted |= {s["source_file"] for s in held}
    previous = _previous_period_files(report, period)
    counted |= {f["source_file"] for f in previous["files"]}
    other = sorted(f.source_file for f in report.files if f.status == "loaded" and f.source_file not in counted)
    by_status = {key: [r["unit_code"] for r in rows if r["status"] == key] for key in STATUS_WORDS}
    held_files = [
        {
            "source_file": s["source_file"],
            "claimed_unit": _unit_name(s["claimed_unit_code"]),
            "cover_unit": s["unit_name"],
            "reason": s["status_reason"],
            "feedback": names.get(s["source_file"]),
        }
        for s in held
    ]
    return {
        "period_start": start,
        "period_end": end,
        "units": rows,
        **by_status,
        "held_files": held_files,
        "unattributed_files": unattributed_files,
        "previous_period": previous,
        "other_period_files": other,
    }


def _unit_name(code: str | None) -> str | None:
    return next((u.name for u in units() if u.code == code), None)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


class _Likely(NamedTuple):
    """The unit a file not loaded most likely came from, and how that is known."""

    code: str
    name: str | None
    by: str  # "cover", or ingest/find/origin.py's FILE_NAME | FOLDER | UPLOADER


def _likely_unit(file: FileReport, report: IngestReport) -> _Likely | None:
    """The unit a file not loaded most likely came from: the unit its cover
    names when that was readable ("cover"), else the unit where it came from names
    (ingest/find/origin.py: the uploading account, the file name, a folder)."""
    if file.unit_code:
        return _Likely(file.unit_code, file.unit_name, "cover")
    origin = origin_of(file.source_file, report.uploaders.get(file.source_file))
    return None if origin is None else _Likely(origin.unit_code, origin.unit_name, origin.by)


def _may_be_for(file: FileReport, start: str, end: str) -> bool:
    """Whether a file not loaded may be the unit's return for this period: its cover's period, else
    the one its file name gives (…_2017年度.xls), is this one or unknown."""
    if file.period_start and file.period_end:
        return (file.period_start, file.period_end) == (start, end)
    named = name_fields(Path(file.source_file).stem)[0]
    named_start, named_end = named.get("period_start"), named.get("period_end")
    if not isinstance(named_start, dt.date) or not isinstance(named_end, dt.date):  # the name gives no period
        return True
    return (named_start.isoformat(), named_end.isoformat()) == (start, end)


def _whole_file_reasons(report: IngestReport, file: FileReport) -> list[str]:
    """Why a file was not attributed: the problems of the file itself and of its cover."""
    sheets = {s.sheet for s in file.sheets}
    return [p.reason for p in report.problems if p.source_file == file.source_file and about_whole_file(p, sheets)]


def _previous_period_files(report: IngestReport, period: tuple[dt.date, dt.date]) -> dict:
    """The files of the period before (the 上期 of 同比) and whether they are used: 同比 is
    computed only when every expected unit sent that period (the rule of
    shushuo.dbt_runner.has_submissions, applied here to the same submissions before the
    warehouse is built), and then from each unit's current file."""
    start, end = (d.isoformat() for d in previous_period(*period))
    chosen = [u for u in report.submissions_used if (u["period_start"], u["period_end"]) == (start, end)]
    sent = {u["unit_code"] for u in chosen}
    complete = {u.code for u in units()} <= sent
    files = [{"source_file": u["source_file"], "unit_name": u["unit_name"], "used": complete} for u in chosen]
    files += [
        {"source_file": x["source_file"], "unit_name": u["unit_name"], "used": False, "replaced_by": u["source_file"]}
        for u in chosen
        for x in u["replaced"]
    ]
    return {
        "period_start": start,
        "period_end": end,
        "units_sent": len(sent),
        "used_for_change": complete,
        "files": sorted(files, key=lambda f: f["source_file"]),
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
    title_text = f"报表提交情况（{_period_label(status['period_start'], status['period_end'])}）"
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
    label = _period_label(previous["period_start"], previous["period_end"])
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
