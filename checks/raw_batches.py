"""How the raw checks read a table's returns for Great Expectations: in batches of bounded rows
(`batches`), each as the data frame GE validates (`frame`), and the lineage of a batch's failing
rows (`lineage`), all by one order of a batch's rows (BATCH_ORDER)."""

from __future__ import annotations

import duckdb

from domain import schema
from domain.warehouse import sql_string

# GE validates a data frame held whole in memory, and computes each expectation's metrics beside
# it: the returns of a table are validated in batches of at most this many rows, so GE's memory
# does not grow with the number of returns. At ×10 (validate_raw alone): 14.1 s and 0.9 GB against
# 13.1 s and 2.2 GB for whole tables; 250,000 rows took 15.4 s and 0.73 GB (each batch costs GE's
# set-up). A larger return is validated alone, never split: only the file guard's limits on one
# file (100 MiB, 20 M cells a sheet) bound it.
ROWS_PER_VALIDATION = 500_000
# the order of a batch's rows (a check's examples are its first failing rows): total, as a file's
# sheets have distinct names and a sheet's rows distinct numbers
BATCH_ORDER = "returned.source_file, returned.file_sha256, returned.sheet, returned.source_row"


def batches(rows_of: dict[tuple[str, str], int]) -> list[list[tuple[str, str]]]:
    """The returns to validate, in their order, in batches of at most ROWS_PER_VALIDATION rows
    (a larger return alone). Every expectation is of single rows, so a return's findings do not
    depend on which others share its batch."""
    found: list[list[tuple[str, str]]] = []
    rows_in_last = 0
    for of_return, rows in rows_of.items():
        if not found or rows_in_last + rows > ROWS_PER_VALIDATION:
            found.append([])
            rows_in_last = 0
        found[-1].append(of_return)
        rows_in_last += rows
    return found


def frame(
    connection: duckdb.DuckDBPyConnection, sheet: schema.Sheet, expectations: list, returns: list[tuple[str, str]]
):
    """What GE validates of the given returns' rows: the columns the expectations need (see
    raw_suites.columns_read), in BATCH_ORDER, each row numbered in that order (ROW_INDEX): the
    batch's own number, not the table's rowid, as the raw tables may be Parquet files read in
    place (checks/raw_beside_dbt.py), which have none. lineage finds a row by it."""
    from checks.raw_suites import ROW_INDEX, columns_read

    read = {
        "value": '"{c}"',
        "day": '("{c}" - DATE \'1970-01-01\')::DOUBLE as "{c}"',
        "number": '"{c}"::DOUBLE as "{c}"',
        "presence": 'if("{c}" is null, null, 1)::TINYINT as "{c}"',
    }
    columns = [read[how].format(c=name) for name, how in columns_read(sheet, expectations).items()]
    # qualified: a lineage column the checks read is in the frame as a presence flag (columns_read)
    frame = connection.sql(
        f"select {', '.join(columns)} from {sheet.raw_table} as returned "
        f"where {_of_batch(returns)} order by {BATCH_ORDER}"
    ).df()
    frame.insert(0, ROW_INDEX, range(len(frame)))
    return frame


def _of_batch(returns: list[tuple[str, str]]) -> str:
    listed = ", ".join(f"({sql_string(name)}, {sql_string(sha)})" for name, sha in returns)
    return f"(returned.source_file, returned.file_sha256) in (values {listed})"


def lineage(
    connection: duckdb.DuckDBPyConnection, sheet: schema.Sheet, returns: list[tuple[str, str]], rows: set[int]
) -> dict[int, dict]:
    """A batch's row number (see frame) → the lineage a clerk finds the row by (and which return
    it is in), for its failing rows: one query per batch, and none when nothing failed."""
    from checks.raw_suites import LINEAGE_INDEX, ROW_INDEX

    if not rows:
        return {}
    listed = ", ".join(f'returned."{name}"' for name in LINEAGE_INDEX)
    found = connection.execute(
        f'select * from (select row_number() over (order by {BATCH_ORDER}) - 1 as "{ROW_INDEX}", {listed} '
        f"from {sheet.raw_table} as returned where {_of_batch(returns)}) "
        f'where "{ROW_INDEX}" in (select unnest(?::BIGINT[]))',
        [sorted(int(r) for r in rows)],
    ).fetchall()
    return {row[0]: dict(zip(LINEAGE_INDEX, row[1:], strict=True)) for row in found}
