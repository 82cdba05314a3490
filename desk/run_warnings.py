"""The 核实性 warnings of the last run the desk made that a unit still has to explain: the gate
writes them to the run's checks/checks.json, each with the units among its failing rows and those
without an explanation yet (`unexplained_units`; checks/explanations.py). The clerk answers one on
the page with an 上报说明 whose `rule` is the check's code, kept with the unit's current upload and
written to the inbox's 上报说明.csv for the next run (desk/inbox.py). A checks.json without
`unexplained_units` (a gate before the three severities) has none to answer."""

from __future__ import annotations

import json
from pathlib import Path

from desk.db import Database

MAX_EXAMPLES = 5
EXAMPLE_FIELDS = ("sheet", "source_row", "source_file")


def last_run_dir(db: Database) -> Path | None:
    row = db.one(
        "select run_dir from runs where kind = 'run' and state = 'done' and run_dir is not null order by id desc"
    )
    return Path(row["run_dir"]) if row and Path(row["run_dir"]).is_dir() else None


def last_outcomes(db: Database) -> list[dict]:
    """The gate's outcomes of the desk's last good run (none without a run)."""
    run_dir = last_run_dir(db)
    if run_dir is None:
        return []
    try:
        return json.loads((run_dir / "checks" / "checks.json").read_text(encoding="utf-8")).get("outcomes", [])
    except (OSError, ValueError):
        return []


def open_for_unit(db: Database, outcomes: list[dict], unit_code: str, upload: dict | None) -> list[dict]:
    """The unit's unexplained 核实性 warnings among `outcomes`, each {check_id, title, count, detail,
    examples, explained: the 上报说明 given on the desk since, for the current upload, or None}."""
    given = {}
    if upload is not None:
        given = {r["rule"]: dict(r) for r in db.all("select * from explanations where upload_id = ?", upload["id"])}
    found = []
    for outcome in outcomes:
        if unit_code not in (outcome.get("unexplained_units") or []):
            continue
        rows = [e for e in outcome.get("examples") or [] if e.get("unit_code") in (None, unit_code)]
        found.append(
            {
                "check_id": outcome.get("check_id", ""),
                "title": outcome.get("title", ""),
                "count": outcome.get("failing_count", 0),
                "detail": outcome.get("detail", ""),
                "examples": [{k: e.get(k) for k in EXAMPLE_FIELDS} for e in rows[:MAX_EXAMPLES]],
                "explained": given.get(outcome.get("check_id", "")),
            }
        )
    return found
