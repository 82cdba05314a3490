"""A small hand-made warehouse for the dbt tests: the raw tables exactly as ingest creates them
(columns from domain.schema), filled with a handful of rows per table through plain SQL, so each
edge case of a definition is one visible row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from domain import schema
from ingest.load.current import mark_current
from ingest.load.raw_tables import INGEST_SHEETS_COLUMNS
from shushuo.dbt_sources import SUBMISSIONS_COLUMNS


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Every raw table of the contract, empty."""
    con.execute("create schema if not exists raw")
    columns = ", ".join(f"{name} {kind}" for name, kind, _ in SUBMISSIONS_COLUMNS)
    con.execute(f"create table raw.submissions ({columns})")
    columns = ", ".join(f"{name} {kind}" for name, kind in INGEST_SHEETS_COLUMNS)
    con.execute(f"create table raw.ingest_sheets ({columns})")
    for sheet in schema.sheets():
        columns = ", ".join(f"{name} {kind}" for name, kind in sheet.raw_columns)
        con.execute(f"create table {sheet.raw_table} ({columns})")


def person(label: str) -> str:
    """A stand-in for the keyed hash of an ID number."""
    return hashlib.sha256(label.encode()).hexdigest()


@dataclass
class Submission:
    """One workbook of a unit: rows added through it carry its lineage."""

    con: duckdb.DuckDBPyConnection
    unit_code: str
    source_file: str
    period_start: date
    period_end: date
    rows: int = 3

    def add(self, sheet_name: str, **values) -> None:
        sheet = schema.sheet(sheet_name)
        self.rows += 1
        lineage = {
            "unit_code": self.unit_code,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "source_file": self.source_file,
            "file_sha256": hashlib.sha256(self.source_file.encode()).hexdigest(),
            "sheet": sheet.title,
            "source_row": self.rows,
            "loaded_at": datetime(2019, 2, 1, 9, 0),
        }
        names = [name for name, _ in sheet.raw_columns]
        unknown = set(values) - set(names)
        assert not unknown, f"{sheet_name} has no columns {unknown}"
        row = [values.get(name, lineage.get(name)) for name in names]
        placeholders = ", ".join("?" for _ in names)
        self.con.execute(f"insert into {sheet.raw_table} ({', '.join(names)}) values ({placeholders})", row)

    def add_many(self, sheet_name: str, rows: list[dict]) -> None:
        for values in rows:
            self.add(sheet_name, **values)


def submit(
    con,
    unit_code: str,
    period: tuple[date, date],
    *,
    filled_on: date | None = None,
    modified_at: datetime | None = None,
    name: str | None = None,
) -> Submission:
    """Record a workbook in raw.submissions, with which file counts decided as a run decides
    (ingest.load.current.mark_current), and return it to add rows through."""
    unit = next(u for u in schema.units() if u.code == unit_code)
    source_file = name or f"{unit.name}_{period[1].year}.xlsx"
    con.execute(
        "insert into raw.submissions (unit_code, unit_name, period_start, period_end, source_file, file_sha256,"
        " filled_by, filled_on, file_modified_at, loaded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            unit_code,
            unit.name,
            period[0],
            period[1],
            source_file,
            hashlib.sha256(source_file.encode()).hexdigest(),
            "填报人",
            filled_on,
            modified_at or datetime(2019, 1, 10, 8, 0),
            datetime(2019, 2, 1, 9, 0),
        ],
    )
    mark_current(con)
    return Submission(con, unit_code, source_file, period[0], period[1])


def new_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    return con
