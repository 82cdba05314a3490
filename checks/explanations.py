"""The units' explanations of 核实性 warnings (上报说明), and which warnings they answer.

Two places hold them: the 上报说明 sheet of a unit's current return (ingest loads it into
raw.explanations like any sheet of domain/schema.yaml), and 上报说明.csv beside the returns, which
the submission desk writes (UTF-8 with BOM; unit_code, rule, explanation, explained_by,
explained_at). `rule` is the check's code as checks.html shows it (rule.moved_against_previous_period,
or without its rule./raw. prefix) or its Chinese title (the whole title, or a part of it of at least
four characters).

A 核实性 warning is explained when every unit among its failing rows has explained it; a warning
whose rows name no unit (a district figure that moved) is explained by any explanation of it.
Blocking checks are never explained away: an explanation of one is shown, and nothing else."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from checks.outcome import CheckOutcome
from domain import schema
from ingest.read.reader import EXPLANATIONS_FILE

CSV_COLUMNS = ("unit_code", "rule", "explanation", "explained_by", "explained_at")
SHEET = "explanations"  # domain/schema.yaml
MIN_TITLE_PART = 4


@dataclass(frozen=True)
class Explanation:
    unit_code: str
    rule: str
    explanation: str
    explained_by: str = ""
    explained_at: str = ""
    source: str = ""  # the return's file (its 上报说明 sheet) or 上报说明.csv

    @property
    def unit(self) -> str:
        return next((u.short for u in schema.units() if u.code == self.unit_code), self.unit_code)

    def to_dict(self) -> dict:
        return {**asdict(self), "unit": self.unit}

    def answers(self, outcome: CheckOutcome) -> bool:
        said = self.rule.strip()
        if not said:
            return False
        codes = {outcome.check_id, outcome.check_id.split(".", 1)[-1]}
        if said in codes or said == outcome.title:
            return True
        return len(said) >= MIN_TITLE_PART and said in outcome.title


def read_explanations(
    connection: duckdb.DuckDBPyConnection, period: tuple[dt.date, dt.date], input_dir: Path | None
) -> list[Explanation]:
    """Every explanation for the period: the 上报说明 sheets of the current returns, then the desk's file."""
    return _from_returns(connection, period) + (_from_file(Path(input_dir) / EXPLANATIONS_FILE) if input_dir else [])


def _from_returns(connection, period: tuple[dt.date, dt.date]) -> list[Explanation]:
    table = schema.sheet(SHEET).raw_table
    try:
        rows = connection.execute(
            f"""
            select sheet.unit_code, sheet.rule, sheet.explanation, sheet.explained_by, sheet.source_file
            from {table} as sheet
            join raw.submissions as current
              on current.source_file = sheet.source_file and current.file_sha256 = sheet.file_sha256
            where current.is_current and current.period_start = ? and current.period_end = ?
            order by sheet.unit_code, sheet.source_file, sheet.source_row
            """,
            list(period),
        ).fetchall()
    except duckdb.Error:  # no return carried the sheet (the table is made when one does) or an older warehouse
        return []
    return [
        Explanation(unit or "", rule or "", text or "", by or "", "", source)
        for unit, rule, text, by, source in rows
        if text
    ]


def _from_file(path: Path) -> list[Explanation]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Explanation(
            (row.get("unit_code") or "").strip(),
            (row.get("rule") or "").strip(),
            (row.get("explanation") or "").strip(),
            (row.get("explained_by") or "").strip(),
            (row.get("explained_at") or "").strip(),
            EXPLANATIONS_FILE,
        )
        for row in rows
        if (row.get("explanation") or "").strip()
    ]


def attach(outcomes: list[CheckOutcome], explanations: list[Explanation]) -> list[Explanation]:
    """Give each failed warning the explanations that answer it (by its concerned units) and, for a
    核实性 one, the units still to explain it. Returns the explanations that answered no check."""
    used: set[Explanation] = set()
    for outcome in outcomes:
        if not outcome.failed:
            continue
        answering = [e for e in explanations if e.answers(outcome)]
        if outcome.units:
            answering = [e for e in answering if e.unit_code in outcome.units]
        used.update(answering)
        outcome.explanations = [e.to_dict() for e in answering]
        if outcome.needs_explanation:
            explained = {e.unit_code for e in answering}
            outcome.unexplained_units = [u for u in outcome.units if u not in explained]
    return [e for e in explanations if e not in used]
