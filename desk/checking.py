"""Checking one upload at once: the file alone goes through ingest (the file guard first, then the
reader, validation and ingest/load/current.py's decision of whether it may count for the unit that sent
it), its 整改清单 is written with ingest/workbooks/feedback.py, and the result is kept as result.json beside it.

It runs in a worker process (desk/app.py keeps a small pool, warmed up at start): a file that
crashes the reader's process takes the worker, not the server, and is refused with the reason.

The verdict the page shows:
- refused (有误, not counted): the file could not be read, its cover is unusable, it is held (its
  cover names another unit), or it is for another period than the desk's task;
- errors (有误, counted: the rows to correct are not, until the unit sends the file again);
- explain (待说明): read in full, with warnings (请核对) that each need a correction or a 上报说明;
- passed (已通过)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path, PurePath

from ingest.clean.pseudonymise import load_key
from ingest.read.cover import field_cells
from ingest.read.reader import WORKBOOK_SUFFIXES
from ingest.read.sheet_reader import column_letter
from ingest.report import IngestReport, Problem
from ingest.run import ingest
from ingest.workbooks import safe_names
from ingest.workbooks.feedback import write_feedback
from ingest.workbooks.feedback_cells import read_sheet_rows

PASSED, ERRORS, REFUSED, EXPLAIN = "passed", "errors", "refused", "explain"
VERDICT_WORDS = {PASSED: "已通过", ERRORS: "有误", REFUSED: "有误", EXPLAIN: "待说明"}
RESULT_FILE = "result.json"
WRONG_PERIOD = (
    "封面的统计期（{got}）与本期报送任务（{want}）不符，本文件未计入本期：请核对封面的统计期起、统计期止，"
    "或下载本期的空白模板重新填报"
)


def upload_name(original: str) -> str:
    """A safe file name for the upload (the clerk's name, any folder part dropped, unsafe and
    overlong names made safe by ingest/workbooks/safe_names.py), ending in its lower-case suffix."""
    base = PurePath(original.replace("\\", "/")).name
    suffix = PurePath(base).suffix.lower()
    stem = base[: -len(suffix)] if suffix else base
    return safe_names.file_names([stem], ending=suffix)[0]


def accepted(original: str) -> bool:
    return PurePath(original.replace("\\", "/")).suffix.lower() in WORKBOOK_SUFFIXES


def check_upload(stored: str, name: str, unit_code: str, period: tuple[str, str], out_dir: str) -> dict:
    """Check the stored file as `name`, sent by `unit_code`, for the desk's period (ISO dates);
    write out_dir/result.json and the 整改清单 under out_dir/feedback/; returns the result."""
    out = Path(out_dir)
    work = out / "input"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    copy = work / name
    shutil.copyfile(stored, copy)
    key, _ = load_key(demo=False)
    warehouse = Path(":memory:")  # DuckDB in memory: the check keeps the report, not the tables
    report = ingest(work, warehouse, key=key, workers=1, uploaders={name: unit_code})
    wrong_period = _wrong_period(report, period)
    if wrong_period:
        report.problems.insert(0, Problem(name, None, None, "统计期", None, "rejected", wrong_period))
    written = write_feedback(report, work, out)
    result = summarise(report, name, unit_code, wrong_period is not None, written, out)
    result["contact"] = _contact(copy, report)
    shutil.rmtree(work)
    (out / RESULT_FILE).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return result


def _wrong_period(report: IngestReport, period: tuple[str, str]) -> str | None:
    file = report.files[0] if report.files else None
    if file is None or file.status != "loaded" or not file.period_start:
        return None
    got = (str(file.period_start), str(file.period_end))
    if got == tuple(period):
        return None
    return WRONG_PERIOD.format(got=f"{got[0]} 至 {got[1]}", want=f"{period[0]} 至 {period[1]}")


def summarise(
    report: IngestReport, name: str, unit_code: str, wrong_period: bool, written: list[Path], out: Path
) -> dict:
    file = report.files[0] if report.files else None
    problems = [_problem(p) for p in report.problems]
    rejected = sum(p["severity"] == "rejected" for p in problems)
    warnings = sum(p["severity"] == "warning" for p in problems)
    if file is None or file.status != "loaded" or file.held or wrong_period:
        verdict = REFUSED
    elif rejected:
        verdict = ERRORS
    elif warnings:
        verdict = EXPLAIN
    else:
        verdict = PASSED
    return {
        "source_file": name,
        "sent_by": unit_code,
        "file_status": file.status if file else "unreadable",
        "unit_code": file.unit_code if file else None,
        "unit_name": file.unit_name if file else None,
        "period_start": str(file.period_start) if file and file.period_start else None,
        "period_end": str(file.period_end) if file and file.period_end else None,
        "held": file.held if file else None,
        "verdict": verdict,
        "counted": verdict in (PASSED, ERRORS, EXPLAIN),
        "totals": file.totals() if file else {},
        "problems": problems,
        "filled_by": next((s.get("filled_by") for s in report.submissions), None),
        "feedback": [p.relative_to(out).as_posix() for p in written],
        "checked_at": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }


def refused_result(name: str, reason: str) -> dict:
    """The result of a file refused without ingest's report (its check crashed the worker)."""
    problem: dict[str, object] = {"sheet": None, "row": None, "column": None, "header": None, "value": None}
    problem.update(severity="rejected", reason=reason, rule="file")
    return {
        "source_file": name,
        "verdict": REFUSED,
        "counted": False,
        "feedback": [],
        "contact": {},
        "problems": [problem],
    }


def _problem(p: Problem) -> dict:
    column = column_letter(p.source_column - 1) if p.source_column else None
    return {
        "sheet": p.sheet,
        "row": p.source_row,
        "column": column,
        "header": p.column_header,
        "value": p.value_shown,
        "severity": p.severity,
        "reason": p.reason,
        "rule": rule_code(p.sheet, p.source_row, column, p.column_header),
    }


def rule_code(sheet: str | None, row: int | None, column: str | None, header: str | None) -> str:
    """What an 上报说明 answers for an ingest warning (请核对): ingest names no rule, so the warning
    is named by where it is — 请核对:<sheet>!<cell> (or the sheet and column header)."""
    where = f"{column}{row}" if column and row else (header or "")
    return f"请核对:{sheet or '封面'}!{where}" if where else f"请核对:{sheet or '文件'}"


def _contact(copy: Path, report: IngestReport) -> dict:
    """The cover's 填报人 and 联系电话 (for the 催报 list); empty when the cover cannot be read."""
    submission = next(iter(report.submissions), None)
    if not submission or not submission.get("cover_sheet"):
        return {"filled_by": submission.get("filled_by") if submission else None, "phone": None}
    try:
        found = read_sheet_rows(copy, submission["cover_sheet"])
        cells = field_cells(*found) if found else {}
    except Exception:  # the cover was read once already; a contact is a convenience
        cells = {}
    phone = cells.get("phone")
    return {"filled_by": submission.get("filled_by"), "phone": str(phone.value).strip() if phone else None}


def start_worker(desk_pid: int) -> None:
    """A check worker's start: it ends with the desk's process, however that ends (a spawned
    worker waits on a queue whose other end it holds too, so a desk killed with kill -9 would
    otherwise leave it waiting for good; the pool starts workers from whichever thread submits,
    hence a watch rather than the parent-death signal); then the imports and one-off costs are
    paid now, not at the first upload."""
    from domain.child_processes import watch_parent
    from ingest.run import _warm_up

    watch_parent(desk_pid)
    _warm_up()
