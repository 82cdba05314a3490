"""Which file counts when a unit sends more than one for a period (a corrected return, or a CSV
per sheet): the newest by 填报日期, then file modification time, then file name — the same order as
models/staging/stg_submissions.sql, so the report says what the figures use. Every file stays in
raw.* with its hash; only the current one is counted.

A sheet that an earlier file had and the current one lacks is not counted at all: the current
file is told so, since a clerk who resends only the corrected sheet would otherwise lose the rest."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from ingest.report import IngestReport, Problem
from ingest.schema import sheet as schema_sheet


def _newest_first(submission: dict) -> tuple:
    """Sort key: filled_on desc nulls last, file_modified_at desc nulls last, source_file desc."""
    filled, modified = submission["filled_on"], submission["file_modified_at"]
    return (
        filled is None, -(filled.toordinal() if filled else 0),
        modified is None, -(modified.timestamp() if modified else 0),
        [-ord(ch) for ch in submission["source_file"]] + [1],  # + [1]: a longer name sorts first, as in SQL
    )


def _iso(value: object) -> str | None:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat() if value else None


def choose_current(report: IngestReport) -> list[dict]:
    """One entry per unit and period: the file used and the files it replaced (newest first);
    marks each FileReport's `used`, and adds a warning to the used file for every sheet an
    earlier file had that it lacks."""
    files = {f.source_file: f for f in report.files}
    key = lambda s: (s["unit_code"], s["period_start"], s["period_end"])  # noqa: E731
    chosen = []
    for (unit, start, end), group in groupby(sorted(report.submissions, key=key), key=key):
        ordered = sorted(group, key=_newest_first)
        used, replaced = ordered[0], ordered[1:]
        for s in ordered:
            files[s["source_file"]].used = s is used
        chosen.append({
            "unit_code": unit, "unit_name": used["unit_name"], "period_start": _iso(start), "period_end": _iso(end),
            "source_file": used["source_file"], "file_sha256": used["file_sha256"], "filled_on": _iso(used["filled_on"]),
            "file_modified_at": _iso(used["file_modified_at"]),
            "replaced": [{"source_file": s["source_file"], "file_sha256": s["file_sha256"], "filled_on": _iso(s["filled_on"]),
                          "file_modified_at": _iso(s["file_modified_at"])} for s in replaced],
        })
        report.problems.extend(_lost_sheets(files[used["source_file"]], [files[s["source_file"]] for s in replaced]))
    return chosen


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
                problems.append(Problem(
                    used.source_file, None, None, None, None, "warning",
                    f"本单位本统计期有多份文件，只采用最新的这一份；较早的文件“{earlier.source_file}”中有“{title}”{rows} 行，"
                    f"本文件中没有，这些行不计入统计：如仍需报送，请在本文件中补上“{title}”后重新报送"))
    return problems
