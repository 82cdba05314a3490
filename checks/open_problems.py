"""What still stands between a run and a release (shushuo/releases.py): rows of a current return
that ingest rejected (a clerk must correct them, so every figure counted from that sheet is
understated until they do). Each problem names the unit, file, sheet and rows; the figures it can
move are the ones counted from that sheet (reports/figure_wording.yaml `sheets`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from checks.rule_base import TABLES


@dataclass(frozen=True)
class OpenProblem:
    unit: str
    source_file: str
    sheet_name: str  # canonical (schema.yaml)
    sheet: str  # as the workbook names it
    rows: int

    def describe(self) -> str:
        return f"{self.unit}“{self.sheet}”表有 {self.rows} 行有误未计入（{self.source_file}）"


def open_problems(warehouse: Path, period: tuple[dt.date, dt.date]) -> list[OpenProblem]:
    """Rows rejected in the current returns of the period, one entry per file and sheet."""
    sql = f"""
        select coalesce(current.unit_name, current.unit_code), current.source_file, sheets.sheet_name, sheets.sheet,
               sheets.rows_rejected
        from {TABLES['current_submissions']} as current
        join {TABLES['ingest_sheets']} as sheets on sheets.source_file = current.source_file
        where current.is_current and current.period_start = ? and current.period_end = ?
          and sheets.rows_rejected > 0 and sheets.sheet_name is not null
        order by current.unit_code, sheets.sheet
    """
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(sql, list(period)).fetchall()
    return [
        OpenProblem(unit, source_file, sheet_name, sheet, int(n)) for unit, source_file, sheet_name, sheet, n in rows
    ]
