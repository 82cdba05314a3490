"""The raw checks (GE, checks/raw_validation.py) run beside dbt instead of after it.

They read only the raw tables and ingest's record of which workbook counts (raw.submissions), all
there once ingest has written them, while dbt's build is mostly Python (Jinja, its events) on one
core. So, right after ingest, a forked process validates the raw tables and the gate collects its
outcomes: on two cores GE's seconds, its import's too, leave the run's wall time. A thread would not
do: GE and dbt are both pure Python and would take turns under the GIL.

The process reads the raw tables where dbt's sources read them: the run's Parquet files
(ingest/load/raw_layout.py), as views of an in-memory DuckDB. DuckDB lets no other process open the
warehouse while dbt writes it; until session 13 the process validated a copy of the file, taken
before dbt could start (0.1–0.2 s for the 170 MB of ×1; a file the size of ×10's, 1.4 GB, took 2.3 s).

Only for inputs up to BESIDE_MAX_ROWS loaded rows. Above, dbt's SQL keeps both cores busy and the two
take turns: at ×10 (13 M rows) a run took as long either way (dbt 12.7 s longer, the checks 13 s
shorter; session 13) at a peak 250–300 MiB higher, so larger inputs are checked after dbt. GE's
memory no longer decides it: it validates a table's returns in batches of bounded rows
(checks/raw_batches.py ROWS_PER_VALIDATION). Whatever goes wrong in the process (it dies, cannot
read the files), the gate checks in its own process instead: the outcomes never depend on which way
they were computed."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
from multiprocessing.connection import Connection
from pathlib import Path

import duckdb

from checks.outcome import CheckOutcome
from domain.child_processes import end_with_parent
from domain.schema import sheets
from domain.warehouse import TABLES
from ingest.load import raw_layout

BESIDE_MAX_ROWS = 2_000_000  # loaded raw rows (both periods): ×1 holds 1.3 M, ×3 3.9 M


class RawChecksBeside:
    """The raw checks of one warehouse and period, running in a forked process (start), collected
    by the gate (outcomes)."""

    def __init__(self, process, receive: Connection):
        self._process, self._receive = process, receive

    @classmethod
    def start(
        cls, warehouse: Path, period_start: dt.date, period_end: dt.date, cache: Path | None = None
    ) -> RawChecksBeside | None:
        """Start validating the raw tables of `warehouse` from its Parquet files; None (the gate
        checks after dbt) when the input is too large to check beside dbt, or when ingest did not
        write the files whole (a warehouse filled another way has them written again before dbt's
        build, raw_layout.written_root, which must not happen under a reader) or they cannot be
        read. Call before dbt opens the warehouse. `cache`: the findings kept per return
        (checks/raw_check_cache.py)."""
        root = raw_layout.root_of(Path(warehouse))
        if not raw_layout.is_whole(root) or not all(raw_layout.has_parts(root, table) for table in _tables_read()):
            return None
        try:
            with duckdb.connect() as connection:
                ingest_sheets = raw_layout.read_sql(root, _bare(TABLES["ingest_sheets"]))
                [(rows,)] = connection.execute(f"select sum(rows_loaded) from {ingest_sheets}").fetchall()
        except duckdb.Error:
            return None
        if (rows or 0) > BESIDE_MAX_ROWS:
            return None
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        process = multiprocessing.get_context("fork").Process(
            target=_validate_in_place,
            args=(root, period_start, period_end, send, os.getpid(), cache),
            name="raw-checks",
            daemon=True,
        )
        process.start()
        send.close()
        return cls(process, receive)

    def outcomes(self) -> list[CheckOutcome] | None:
        """The outcomes, once the process has sent them; None if it could not (the caller checks
        itself then)."""
        try:
            sent = self._receive.recv()
        except (EOFError, OSError):
            sent = None
        finally:
            self._receive.close()
            self._process.join()
        return sent if isinstance(sent, list) else None

    def cancel(self) -> None:
        """Stop the process (a failed run)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


def _bare(name: str) -> str:
    return name.removeprefix("raw.")


def _tables_read() -> list[str]:
    """The raw tables the raw checks read (each sheet's, raw.submissions, raw.ingest_sheets), as
    raw_layout names their folders."""
    return [
        _bare(name)
        for name in (*(sheet.raw_table for sheet in sheets()), TABLES["submissions"], TABLES["ingest_sheets"])
    ]


def raw_views(connection: duckdb.DuckDBPyConnection, root: Path) -> None:
    """raw.<table> in `connection` as a view of its Parquet files under `root`, for every raw table
    the raw checks read. Ingest writes files for every table, empty ones too: a table without any
    raises (duckdb.IOException), and the gate then checks the warehouse itself rather than report
    the table as unreadable (start does not even fork then)."""
    connection.execute("create schema if not exists raw")
    for table in _tables_read():
        connection.execute(f'create view raw."{table}" as select * from {raw_layout.read_sql(root, table)}')


def _validate_in_place(
    root: Path, period_start: dt.date, period_end: dt.date, send: Connection, run_pid: int, cache: Path | None
) -> None:
    """In the forked process: Great Expectations is imported here, not in the run's process (which
    never needs it when the checks run beside dbt), so its import too runs beside dbt. It ends
    with the run's process, however that ends: it holds a copy of the run's open files, the run
    lock among them, which a next run must find free (the thread that forks it runs the run's
    stages and collects the outcomes before it can end)."""
    end_with_parent(run_pid)
    outcome: list[CheckOutcome] | str
    try:
        from checks.raw_validation import current_in_raw, validate_raw

        with duckdb.connect() as connection:
            raw_views(connection, root)
            current = current_in_raw(period_start, period_end)
            outcome = validate_raw(connection, period_start, period_end, current, cache=cache)
    except Exception as error:  # the gate checks in its own process then
        outcome = repr(error)
    with contextlib.suppress(OSError):
        send.send(outcome)
    send.close()
