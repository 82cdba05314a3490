"""The tables one stage hands to the next, named once: what checks and reports read from the warehouse
besides the marts they query by name in SQL."""

from __future__ import annotations

TABLES = {
    "indicators": "marts.indicators",
    "submissions": "raw.submissions",  # contract table: every workbook read, with its period
    "ingest_sheets": "raw.ingest_sheets",  # per file and sheet: rows read, loaded, rejected, skipped
    # which workbook of each unit counts this period (is_current); the GE suites check only its rows
    "current_submissions": "staging.stg_submissions",
}


def sql_string(text: object) -> str:
    """`text` (a path, a file name, a hash) as a DuckDB SQL string literal, quotes doubled: for the
    places a statement cannot take a parameter (a file to read, write or attach, a VALUES list)."""
    return "'" + str(text).replace("'", "''") + "'"
