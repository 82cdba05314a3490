"""Writing raw.* into DuckDB: every raw table created from the schema (even if empty), then one
bulk insert per raw table from Arrow (rows and lineage of all files; the run's loaded_at as a
parameter), all inside the caller's explicit transaction (a string of statements is not one
transaction in DuckDB). Never row by row."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from domain.schema import Sheet, sheets
from ingest.read.reader import WorkbookOutcome
from ingest.report import PROBLEM_FIELDS, SHEET_FIELDS, SUBMISSION_COLUMNS, IngestReport

SUBMISSIONS_COLUMNS = [(name, type_) for name, type_, _ in SUBMISSION_COLUMNS]
INGEST_SHEETS_COLUMNS = [
    ("source_file", "VARCHAR"),
    ("sheet", "VARCHAR"),
    ("sheet_name", "VARCHAR"),
    ("rows_read", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("rows_rejected", "BIGINT"),
    ("rows_skipped", "BIGINT"),
    # what the skipped rows were (appended: readers that select the columns above are unaffected)
    ("rows_blank", "BIGINT"),
    ("rows_title", "BIGINT"),
    ("rows_total", "BIGINT"),
    ("rows_note", "BIGINT"),
    ("rows_hidden", "BIGINT"),
]
INGEST_PROBLEMS_COLUMNS = [
    ("source_file", "VARCHAR"),
    ("sheet", "VARCHAR"),
    ("source_row", "BIGINT"),
    ("column_header", "VARCHAR"),
    ("value_shown", "VARCHAR"),
    ("severity", "VARCHAR"),
    ("reason", "VARCHAR"),
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


def insert_sheet(con: duckdb.DuckDBPyConnection, sheet: Sheet, table: pa.Table, loaded_at: dt.datetime) -> None:
    """One bulk insert of a raw table's rows (from any number of files): the Arrow table holds
    the sheet's own columns and the lineage but loaded_at, which is the run's."""
    names = [n for n, _ in sheet.raw_columns]
    select = ["cast(? as timestamp)" if n == "loaded_at" else _quote(n) for n in names]
    con.register("ingest_batch", table)
    try:
        con.execute(
            f"insert into raw.{_quote(sheet.name)} ({', '.join(map(_quote, names))}) "
            f"select {', '.join(select)} from ingest_batch",
            [loaded_at],
        )
    finally:
        con.unregister("ingest_batch")


def insert_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, list[pa.Table]], loaded_at: dt.datetime) -> None:
    """Every sheet kind's tables concatenated and inserted in one statement (a statement costs
    milliseconds however small, and a district sends hundreds of sheets). Each kind's tables are
    taken out of `tables` as they are inserted, so that memory-mapped ones are let go at once."""
    by_name = {s.name: s for s in sheets()}
    for name in list(tables):
        parts = tables.pop(name)
        if parts:
            insert_sheet(con, by_name[name], pa.concat_tables(parts), loaded_at)
        del parts


def _insert_records(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]], records: list[dict]
) -> None:
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


def submission_of(outcome: WorkbookOutcome, loaded_at: dt.datetime) -> dict | None:
    """The raw.submissions row of a workbook (None if it could not be attributed), before
    ingest/load/current.py adds which file counts; `cover_sheet` and `cover_unit_cell` (not columns)
    say where the cover's 填报单位 is, for a message about it."""
    file, cover = outcome.file, outcome.cover
    if file.status != "loaded":
        return None
    assert cover is not None, "a loaded workbook has its cover"
    return {
        "unit_code": cover.unit_code,
        "unit_name": cover.unit_name,
        "period_start": cover.period_start,
        "period_end": cover.period_end,
        "source_file": file.source_file,
        "file_sha256": file.file_sha256,
        "filled_by": cover.filled_by,
        "filled_on": cover.filled_on,
        "file_modified_at": outcome.modified_at,
        "loaded_at": loaded_at,
        "cover_sheet": cover.sheet,
        "cover_unit_cell": tuple(cover.unit_cell) if cover.unit_cell else None,
    }


def insert_report(con: duckdb.DuckDBPyConnection, report: IngestReport) -> None:
    """raw.submissions, raw.ingest_sheets and raw.ingest_problems from the report."""
    _insert_records(con, "submissions", SUBMISSIONS_COLUMNS, report.submissions)
    _insert_records(
        con,
        "ingest_sheets",
        INGEST_SHEETS_COLUMNS,
        [{k: getattr(s, k) for k in SHEET_FIELDS} for f in report.files for s in f.sheets],
    )
    _insert_records(
        con,
        "ingest_problems",
        INGEST_PROBLEMS_COLUMNS,
        [{k: getattr(p, k) for k in PROBLEM_FIELDS} for p in report.problems],
    )
