"""Which file counts for a unit and period: decided here, once, and recorded in raw.submissions
(is_current, submission_rank, status, and status_reason in Chinese with long digit runs masked as
in every problem); staging, the gate, the reports and the exports read that record and never
decide again.

- A file whose origin (the uploading account, its file name or its folder: ingest/find/origin.py)
  names another unit than its cover is HELD: never counted, and it replaces nothing; the
  analyst and the sender are told why. A file whose origin names no unit is its cover's.
- Of a unit's other files for a period, the newest by 填报日期 counts, then by file modification
  time, then by file name (the later name). A 填报日期 after the run's day, or before the period
  began, cannot be the day the return was filled in: the file is ranked as if it had none (so it
  never beats a dated return) and the clerk is told to correct it. It is not held: the date says
  nothing about whose return it is or whether its rows are right, and holding a unit's only
  return for a typo would block the whole district's figures.
- When the file used ties on 填报日期 with another (or neither has a usable one), file time or
  file name decided: the used file gets a warning naming the files and the one used.

Every file stays in raw.* with its hash. A sheet that an earlier file had and the current one
lacks is not counted at all: the current file is told so, since a clerk who resends only the
corrected sheet would otherwise lose the rest."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from domain.schema import sheet as schema_sheet
from domain.schema import units
from ingest.clean.validators import mask_digit_runs
from ingest.find.origin import origin_of
from ingest.report import IngestReport, Problem

CURRENT, REPLACED, HELD = "current", "replaced", "held"
DECISION_COLUMNS = ("claimed_unit_code", "claimed_by", "is_current", "submission_rank", "status", "status_reason")


def _short(code: str) -> str:
    return next((u.short for u in units() if u.code == code), code)


def usable_filled_on(submission: dict, run_day: dt.date) -> dt.date | None:
    """The 填报日期 that ranks the file: None when absent, after the run's day or before the period began."""
    filled, start = submission["filled_on"], submission["period_start"]
    if filled is None or filled > run_day or (start is not None and filled < start):
        return None
    return filled


def _newest_first(submissions: list[dict], run_day: dt.date) -> list[dict]:
    """By usable 填报日期, then file time, then file name, each newest (latest) first; a missing
    date or time sorts last. Stable sorts, least significant key first."""
    ordered = sorted(submissions, key=lambda s: s["source_file"], reverse=True)
    ordered.sort(
        key=lambda s: (
            s["file_modified_at"] is None,
            -(s["file_modified_at"].timestamp() if s["file_modified_at"] else 0),
        )
    )
    ordered.sort(
        key=lambda s: (usable_filled_on(s, run_day) is None, -(usable_filled_on(s, run_day) or dt.date.min).toordinal())
    )
    return ordered


def decide(submissions: list[dict], run_day: dt.date, uploaders: dict[str, str] | None = None) -> None:
    """Add the decision columns (DECISION_COLUMNS) to each raw.submissions row, in place."""
    uploaders = uploaders or {}
    for s in submissions:
        origin = origin_of(s["source_file"], uploaders.get(s["source_file"]))
        s["claimed_unit_code"], s["claimed_by"] = (origin.unit_code, origin.by) if origin else (None, None)
        if origin is not None and origin.unit_code != s["unit_code"]:
            s.update(
                is_current=False,
                submission_rank=None,
                status=HELD,
                status_reason=mask_digit_runs(
                    f"{origin.phrase()}，封面「填报单位」却是“{s['unit_name']}”：暂扣待核实，不计入统计"
                ),
            )
    counted = [s for s in submissions if s.get("status") != HELD]
    for _, group in groupby(sorted(counted, key=_group_key), key=_group_key):
        ordered = _newest_first(list(group), run_day)
        for rank, s in enumerate(ordered, start=1):
            s.update(
                is_current=rank == 1,
                submission_rank=rank,
                status=CURRENT if rank == 1 else REPLACED,
                status_reason=None
                if rank == 1
                else mask_digit_runs(f"已被本单位较新的报表“{ordered[0]['source_file']}”取代"),
            )


def _group_key(s: dict) -> tuple:
    return s["unit_code"], s["period_start"], s["period_end"]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat() if value else None


def choose_current(report: IngestReport) -> list[dict]:
    """Decide (see above) for every submission of the report, and return one entry per unit and
    period: the file used and the files it replaced (newest first). Marks each FileReport's
    `used` and `held`, and adds the problems: a held file's, a 填报日期 that cannot be right, a
    tie decided by file time or name, a sheet an earlier file had that the used one lacks."""
    run_day = dt.date.fromisoformat(report.loaded_at[:10])
    decide(report.submissions, run_day, report.uploaders)
    files = {f.source_file: f for f in report.files}
    for s in report.submissions:
        files[s["source_file"]].used = bool(s["is_current"])
        if s["status"] == HELD:
            files[s["source_file"]].held = s["status_reason"]
            report.problems.append(_held_problem(s))
        elif (reason := _implausible_date(s, run_day)) is not None:
            report.problems.append(_cover_problem(s, "filled_on", reason))
    future = [s["filled_on"] for s in report.submissions if s["filled_on"] and s["filled_on"] > run_day]
    report.choice_changes_on = min(future).isoformat() if future else None
    chosen = []
    counted = [s for s in report.submissions if s["status"] != HELD]
    for (unit, start, end), group in groupby(sorted(counted, key=_group_key), key=_group_key):
        ordered = sorted(group, key=lambda s: s["submission_rank"])
        used, replaced = ordered[0], ordered[1:]
        chosen.append(
            {
                "unit_code": unit,
                "unit_name": used["unit_name"],
                "period_start": _iso(start),
                "period_end": _iso(end),
                "source_file": used["source_file"],
                "file_sha256": used["file_sha256"],
                "filled_on": _iso(used["filled_on"]),
                "file_modified_at": _iso(used["file_modified_at"]),
                "replaced": [
                    {
                        "source_file": s["source_file"],
                        "file_sha256": s["file_sha256"],
                        "filled_on": _iso(s["filled_on"]),
                        "file_modified_at": _iso(s["file_modified_at"]),
                    }
                    for s in replaced
                ],
            }
        )
        report.problems.extend(_tie(ordered, run_day))
        report.problems.extend(_lost_sheets(files[used["source_file"]], [files[s["source_file"]] for s in replaced]))
    return chosen


def _cover_problem(s: dict, header_of: str, reason: str, severity: str = "warning") -> Problem:
    """A problem at the cover: at the 填报单位 cell when it is about the unit, else the cover sheet."""
    header = {"unit_code": "填报单位", "filled_on": "填报日期"}[header_of]
    cell = s.get("cover_unit_cell") if header_of == "unit_code" else None
    row, column = cell if cell else (None, None)
    return Problem(s["source_file"], s.get("cover_sheet"), row, header, None, severity, reason, column)


def _held_problem(s: dict) -> Problem:
    claimed, cover = s["claimed_unit_code"], s["unit_code"]
    claimed_name = next(u.name for u in units() if u.code == claimed)
    return _cover_problem(
        s,
        "unit_code",
        (
            f"{s['status_reason']}（{_short(cover)}的报表不会被它取代）。请核实这是哪个单位的报表：如是{claimed_name}的，"
            f"请把封面「填报单位」改为“{claimed_name}”后重新报送；如是{s['unit_name']}的，请由{_short(cover)}以本单位名义报送。"
        ),
        "rejected",
    )


def _implausible_date(s: dict, run_day: dt.date) -> str | None:
    filled = s["filled_on"]
    if filled is None or usable_filled_on(s, run_day) is not None:
        return None
    when = (
        f"晚于本次读取报表的日期 {run_day.isoformat()}"
        if filled > run_day
        else f"早于统计期起 {s['period_start'].isoformat()}"
    )
    return (
        f"封面「填报日期」“{filled.isoformat()}”{when}，不可能是实际填报日期：本单位有多份报表时，本文件按未填填报日期排在"
        "有填报日期的报表之后（不会因此取代其他报表）。请改为实际填报日期后重新报送"
    )


def _tie(ordered: list[dict], run_day: dt.date) -> list[Problem]:
    """A warning on the used file when another of the unit's files has the same usable 填报日期
    (or neither has one): file time or, failing that, file name decided."""
    used = ordered[0]
    day = usable_filled_on(used, run_day)
    tied = [s for s in ordered[1:] if usable_filled_on(s, run_day) == day]
    if not tied:
        return []
    same_time = all(s["file_modified_at"] == used["file_modified_at"] for s in tied)
    by = "文件名排在最后（文件修改时间也相同）" if same_time else "文件修改时间最晚"
    dates = f"填报日期相同（{day.isoformat()}）" if day else "都没有可用的填报日期"
    names = "、".join(f"“{s['source_file']}”" for s in [used, *tied])
    return [
        Problem(
            used["source_file"],
            None,
            None,
            None,
            None,
            "warning",
            f"本单位本统计期有 {1 + len(tied)} 份报表{dates}：{names}；采用了{by}的“{used['source_file']}”，"
            "其余的不计入。如应采用另一份，请在该份封面填写更晚的实际填报日期后重新报送",
        )
    ]


def _rows_by_kind(file) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in file.sheets:
        if s.sheet_name:
            out[s.sheet_name] = out.get(s.sheet_name, 0) + s.rows_loaded + s.rows_rejected
    return out


def _lost_sheets(used, replaced: list) -> list[Problem]:
    have = _rows_by_kind(used)
    problems, told = [], set()
    for earlier in replaced:
        for kind, rows in _rows_by_kind(earlier).items():
            if rows and not have.get(kind) and kind not in told:
                told.add(kind)
                title = schema_sheet(kind).title
                problems.append(
                    Problem(
                        used.source_file,
                        None,
                        None,
                        None,
                        None,
                        "warning",
                        "本单位本统计期有多份文件，只采用最新的这一份；"
                        f"较早的文件“{earlier.source_file}”中有“{title}”{rows} 行，"
                        f"本文件中没有，这些行不计入统计：如仍需报送，请在本文件中补上“{title}”后重新报送",
                    )
                )
    return problems


def mark_current(connection) -> None:
    """Decide again for the rows of raw.submissions in a warehouse made by hand (the test and
    sample warehouses), with today as the run's day: the same rule as a run, never a second one."""
    columns = [name for name, *_ in connection.execute("describe raw.submissions").fetchall()]
    rows = [dict(zip(columns, r, strict=True)) for r in connection.execute("select * from raw.submissions").fetchall()]
    for row in rows:
        row.setdefault("file_modified_at", None)
    decide(rows, dt.date.today())
    for row in rows:
        connection.execute(
            f"update raw.submissions set {', '.join(f'{c} = ?' for c in DECISION_COLUMNS)} where source_file = ?",
            [row[c] for c in DECISION_COLUMNS] + [row["source_file"]],
        )
