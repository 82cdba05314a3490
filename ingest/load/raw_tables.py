"""Writing the raw tables: each return's rows as Parquet parts (ingest/load/raw_layout.py, the hand-over
to dbt), then raw.* in DuckDB: every raw table created from the schema (even if empty) and filled
from its Parquet files with one statement, all inside the caller's explicit transaction (a string
of statements is not one transaction in DuckDB). Never row by row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from domain.schema import sheets
from ingest.load import raw_layout
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
    replace_report_tables(con)


def replace_report_tables(con: duckdb.DuckDBPyConnection) -> None:
    """raw.submissions, raw.ingest_sheets and raw.ingest_problems, replaced and empty (insert_report fills them)."""
    _create(con, "submissions", SUBMISSIONS_COLUMNS)
    _create(con, "ingest_sheets", INGEST_SHEETS_COLUMNS)
    _create(con, "ingest_problems", INGEST_PROBLEMS_COLUMNS)


def place_parts(root: Path, outcome: WorkbookOutcome, loaded_at: dt.datetime) -> None:
    """A loaded return's rows into the Parquet root (ingest/load/raw_layout.py), one part per raw table:
    the parts the ingest cache kept for this file linked (no writing), else its tables written."""
    file, cover, sha = outcome.file, outcome.cover, outcome.file.file_sha256
    assert cover is not None and sha, "only a loaded workbook has rows"

    def where(table: str) -> Path:
        return raw_layout.part_path(
            root, table, cover.period_start, cover.period_end, cover.unit_code, file.source_file, sha
        )

    for table, source in outcome.parts.items():
        raw_layout.link_part(source, where(table))
    for table, tables in tables_by_sheet(outcome).items():
        raw_layout.write_part(pa.concat_tables(tables), raw_layout.sheet_tables()[table], where(table), loaded_at)


def tables_by_sheet(outcome: WorkbookOutcome) -> dict[str, list[pa.Table]]:
    """A workbook's tables with rows, by raw table (two sheets of a workbook may be of one kind)."""
    found: dict[str, list[pa.Table]] = {}
    for sheet in outcome.sheets:
        if sheet.table is not None and sheet.table.num_rows:
            assert sheet.report.sheet_name is not None, "only a recognised sheet has a table"
            found.setdefault(sheet.report.sheet_name, []).append(sheet.table)
    return found


def load_raw(con: duckdb.DuckDBPyConnection, root: Path, report: IngestReport) -> None:
    """Every raw table of the warehouse, replaced: each sheet's table loaded from its Parquet files
    in one statement; raw.submissions, raw.ingest_sheets and raw.ingest_problems from the report,
    then written beside the others as one file each. Inside the caller's transaction."""
    create_raw_tables(con)
    for table, columns in raw_layout.sheet_tables().items():
        raw_layout.load_table(con, root, table, columns)
    insert_report(con, report)
    for table in raw_layout.UNPARTITIONED:
        raw_layout.copy_table(con, root, table)


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
