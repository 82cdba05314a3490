"""提交情况, as data: for the period a run builds, which of the expected units (domain/units.yaml)
sent a return, which did not, which returns are clean, which have problems (rows not loaded until
they are corrected) and which were read with warnings; the file used for each unit and the files it
replaced; files that could not be attributed to any unit; the previous period's files (the 上期
of every 同比, domain/periods.py says which period that is) and files of any other period, which
this run does not use; and the files held because where they came from names another unit than
their cover (ingest/load/current.py), under both units. It is the `submission_status` section of
ingest_report.json, and what ingest/workbooks/submission_summary.py writes as 提交情况.xlsx; the
name of each file's 整改清单 is decided here too, since both name it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from domain.periods import comparable, period_label, previous_period
from domain.schema import units
from ingest.find.origin import origin_of
from ingest.load.current import HELD
from ingest.read.cover import about_whole_file
from ingest.read.csv_return import name_fields
from ingest.report import FileReport, IngestReport
from ingest.workbooks.safe_names import file_names

STATUS_WORDS = {
    "missing": "未报送",
    "held": "报表暂扣（未计入）",
    "problems": "有问题（须改正）",
    "warnings": "已读取，有提醒",
    "clean": "无问题",
}
FEEDBACK_ENDING = "_整改清单.xlsx"
FEEDBACK_DIR = "feedback"  # beside 提交情况.xlsx in the run folder (ingest/workbooks/feedback.py writes there)


def period_text(start: str | None, end: str | None) -> str:
    """A period's label (domain/periods.py) from its ISO dates; 统计期不明 when either is unknown."""
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
    for extra in (lambda f: period_text(f.period_start, f.period_end), lambda f: Path(f.source_file).stem):
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
    computed only when every expected unit sent that period (domain/periods.py comparable, the rule
    the run applies to the same submissions in the warehouse), and then from each unit's current file."""
    start, end = (d.isoformat() for d in previous_period(*period))
    chosen = [u for u in report.submissions_used if (u["period_start"], u["period_end"]) == (start, end)]
    sent = {u["unit_code"] for u in chosen}
    complete = comparable(sent)
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
