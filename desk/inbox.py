"""The inbox folder the run reads: each unit's current file for the desk's period, and
上报说明.csv with the explanations clerks gave on the page. `make report INPUT=<inbox>` reads it as
the desk's run button does.

A unit's current file is its newest upload that ingest would count (desk/checking.py: not refused,
held or for another period); a newer file that cannot count replaces nothing, as in ingest. It is
named <unit>_<period><suffix> (ingest/workbooks/layout.py), so the run ties it to the unit by its name as the
desk did by the account. Files are hard links to the store (read-only) placed with an atomic rename."""

from __future__ import annotations

import csv
import io
import os
import threading
from pathlib import Path

from desk.db import Database
from desk.season import Period, unit
from ingest.read.reader import EXPLANATIONS_FILE
from ingest.workbooks import layout

EXPLANATION_COLUMNS = ("unit_code", "rule", "explanation", "explained_by", "explained_at")
_lock = threading.Lock()


def current_uploads(db: Database, period: Period) -> dict[str, dict]:
    """unit code → its current upload (the newest that counts)."""
    rows = db.all(
        "select * from uploads where period_id = ? and state = 'checked' and counted = 1 order by id",
        period.id,
    )
    return {row["unit_code"]: dict(row) for row in rows}


def inbox_name(unit_code: str, period: Period, original_name: str) -> str:
    suffix = Path(original_name).suffix.lower()
    return layout.return_file_name(unit(unit_code).name, period.label).removesuffix(".xlsx") + suffix


def rebuild(db: Database, period: Period, store: Path, inbox: Path) -> None:
    """Make the inbox hold exactly the current files and the explanations of them."""
    from desk.store import stored_path

    with _lock:
        inbox.mkdir(parents=True, exist_ok=True)
        wanted: dict[str, Path] = {}
        for code, upload in current_uploads(db, period).items():
            wanted[inbox_name(code, period, upload["original_name"])] = stored_path(store, upload["sha256"])
        for name, source in wanted.items():
            target = inbox / name
            if target.exists() and os.path.samefile(target, source):
                continue
            temporary = inbox / f".{name}.tmp"
            temporary.unlink(missing_ok=True)
            os.link(source, temporary)
            os.replace(temporary, target)
        _write_explanations(db, period, inbox)
        for path in inbox.iterdir():
            if path.name not in wanted and path.name != EXPLANATIONS_FILE:
                path.unlink()


def explanation_rows(db: Database, period: Period) -> list[dict]:
    """The explanations of the current uploads, one row per explained warning."""
    current = {u["id"] for u in current_uploads(db, period).values()}
    rows = db.all("select * from explanations order by unit_code, id")
    return [{c: row[c] for c in EXPLANATION_COLUMNS} for row in rows if row["upload_id"] in current]


def _write_explanations(db: Database, period: Period, inbox: Path) -> None:
    rows = explanation_rows(db, period)
    target = inbox / EXPLANATIONS_FILE
    if not rows:
        target.unlink(missing_ok=True)
        return
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=EXPLANATION_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    temporary = inbox / f".{EXPLANATIONS_FILE}.tmp"
    temporary.write_text(text.getvalue(), encoding="utf-8-sig")
    os.replace(temporary, target)
