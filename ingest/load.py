"""Writing raw.* into DuckDB: every raw table created from the schema (even if empty), then bulk
inserts from Arrow tables with the lineage added as constants, all inside one explicit
transaction (a string of statements is not one transaction in DuckDB). Never row by row."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from ingest.reader import WorkbookOutcome
from ingest.report import PROBLEM_FIELDS, SHEET_FIELDS, Problem, SheetReport
from ingest.schema import Sheet, lineage_columns, sheets
from ingest.tables import own_columns

SUBMISSIONS_COLUMNS = [
    ("unit_code", "VARCHAR"), ("unit_name", "VARCHAR"), ("period_start", "DATE"), ("period_end", "DATE"),
    ("source_file", "VARCHAR"), ("file_sha256", "VARCHAR"), ("filled_by", "VARCHAR"), ("filled_on", "DATE"),
    ("file_modified_at", "TIMESTAMP"), ("loaded_at", "TIMESTAMP"),
]
INGEST_SHEETS_COLUMNS = [
    ("source_file", "VARCHAR"), ("sheet", "VARCHAR"), ("sheet_name", "VARCHAR"), ("rows_read", "BIGINT"),
    ("rows_loaded", "BIGINT"), ("rows_rejected", "BIGINT"), ("rows_skipped", "BIGINT"),
]
INGEST_PROBLEMS_COLUMNS = [
    ("source_file", "VARCHAR"), ("sheet", "VARCHAR"), ("source_row", "BIGINT"), ("column_header", "VARCHAR"),
    ("value_shown", "VARCHAR"), ("severity", "VARCHAR"), ("reason", "VARCHAR"),
]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]) -> None:
    body = ", ".join(f"{_quote(n)} {t}" for n, t in columns)
    con.execute(f"create or replace table raw.{_quote(table)} ({body})")


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Every raw table, replaced: a rerun into the same file starts from clean raw tables."""
    con.execute("create schema if not exists raw")
    for sheet in sheets():
        _create(con, sheet.name, sheet.raw_columns)
    _create(con, "submissions", SUBMISSIONS_COLUMNS)
    _create(con, "ingest_sheets", INGEST_SHEETS_COLUMNS)
    _create(con, "ingest_problems", INGEST_PROBLEMS_COLUMNS)


def insert_sheet(con: duckdb.DuckDBPyConnection, sheet: Sheet, table: pa.Table, lineage: dict) -> None:
    """One bulk insert: the sheet's own columns from Arrow, lineage constants as parameters."""
    own = [n for n, _ in own_columns(sheet)]
    names = own + [n for n, _ in lineage_columns()]
    select = [_quote(n) for n in own]
    params = []
    for name, warehouse_type in lineage_columns():
        if name == "source_row":
            select.append("source_row")
        else:
            select.append(f"cast(? as {warehouse_type})")
            params.append(lineage[name])
    con.register("ingest_batch", table)
    try:
        con.execute(
            f"insert into raw.{_quote(sheet.name)} ({', '.join(map(_quote, names))}) "
            f"select {', '.join(select)} from ingest_batch",
            params,
        )
    finally:
        con.unregister("ingest_batch")


def _insert_records(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]], records: list[dict]) -> None:
    if not records:
        return
    data = {n: [r.get(n) for r in records] for n, _ in columns}
    batch = pa.table(data)
    con.register("ingest_records", batch)
    try:
        select = ", ".join(f"cast({_quote(n)} as {t})" for n, t in columns)
        con.execute(f"insert into raw.{_quote(table)} select {select} from ingest_records")
    finally:
        con.unregister("ingest_records")


def insert_workbook(con: duckdb.DuckDBPyConnection, outcome: WorkbookOutcome, loaded_at: dt.datetime) -> dict | None:
    """The workbook's accepted rows, its submission row and its sheet counts; returns the
    submission (None if the workbook was not attributable)."""
    file, cover = outcome.file, outcome.cover
    _insert_records(con, "ingest_sheets", INGEST_SHEETS_COLUMNS, [_sheet_record(s) for s in file.sheets])
    if file.status != "loaded":
        return None
    lineage = {
        "unit_code": cover.unit_code, "period_start": cover.period_start, "period_end": cover.period_end,
        "source_file": file.source_file, "file_sha256": file.file_sha256, "loaded_at": loaded_at,
    }
    by_name = {s.name: s for s in sheets()}
    for sheet in outcome.sheets:
        if sheet.table is not None and sheet.table.num_rows:
            insert_sheet(con, by_name[sheet.report.sheet_name], sheet.table, {**lineage, "sheet": sheet.report.sheet})
    submission = {
        "unit_code": cover.unit_code, "unit_name": cover.unit_name, "period_start": cover.period_start,
        "period_end": cover.period_end, "source_file": file.source_file, "file_sha256": file.file_sha256,
        "filled_by": cover.filled_by, "filled_on": cover.filled_on, "file_modified_at": outcome.modified_at,
        "loaded_at": loaded_at,
    }
    _insert_records(con, "submissions", SUBMISSIONS_COLUMNS, [submission])
    return submission


def _sheet_record(report: SheetReport) -> dict:
    return {k: getattr(report, k) for k in SHEET_FIELDS}


def insert_problems(con: duckdb.DuckDBPyConnection, problems: list[Problem]) -> None:
    _insert_records(con, "ingest_problems", INGEST_PROBLEMS_COLUMNS,
                    [{k: getattr(p, k) for k in PROBLEM_FIELDS} for p in problems])
