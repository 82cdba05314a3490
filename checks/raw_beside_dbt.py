"""The raw checks (GE, checks/raw_validation.py) run beside dbt instead of after it.

They read only the raw tables and ingest's record of which workbook counts (raw.submissions), all
there once ingest has loaded them, while dbt's build is mostly Python (Jinja, its events) on one
core. So, right after ingest, a forked process validates a copy of the warehouse (DuckDB lets no
other process open the file while dbt writes it; the copy is taken before dbt starts) and the gate
collects its outcomes: on two cores GE's seconds, its import's too, leave the run's wall time. A thread would not do:
GE and dbt are both pure Python and would take turns under the GIL.

Only for inputs up to BESIDE_MAX_ROWS loaded rows: GE holds a table's frame in memory, beside
dbt's DuckDB, and at a city's scale the two side by side would pass what a run may take (see
bench/README.md); larger inputs are checked after dbt, as before. Whatever goes wrong in the
process (it dies, cannot read its copy), the gate checks in its own process instead: the outcomes
never depend on which way they were computed."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import multiprocessing
import os
import shutil
import signal
from multiprocessing.connection import Connection
from pathlib import Path

import duckdb

from checks.outcome import CheckOutcome
from domain.warehouse import TABLES

BESIDE_MAX_ROWS = 2_000_000  # loaded raw rows (both periods): ×1 holds 1.3 M, ×3 3.9 M
COPY_NAME = ".raw_checks.duckdb"  # in the run folder, removed when the outcomes are collected


class RawChecksBeside:
    """The raw checks of one warehouse and period, running in a forked process (start), collected
    by the gate (outcomes)."""

    def __init__(self, copy: Path, process, receive: Connection):
        self._copy, self._process, self._receive = copy, process, receive

    @classmethod
    def start(
        cls, warehouse: Path, period_start: dt.date, period_end: dt.date, cache: Path | None = None
    ) -> RawChecksBeside | None:
        """Copy the warehouse and start validating the copy; None (check after dbt) when the input
        is too large to check beside dbt. Call before dbt opens the warehouse, with no connection
        to it open. `cache`: the findings kept per return (checks/raw_check_cache.py)."""
        warehouse = Path(warehouse)
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            try:
                [(rows,)] = connection.execute(f"select sum(rows_loaded) from {TABLES['ingest_sheets']}").fetchall()
            except duckdb.Error:
                return None
        if (rows or 0) > BESIDE_MAX_ROWS:
            return None
        copy = warehouse.resolve().parent / COPY_NAME
        shutil.copyfile(warehouse, copy)
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        process = multiprocessing.get_context("fork").Process(
            target=_validate_copy,
            args=(copy, period_start, period_end, send, os.getpid(), cache),
            name="raw-checks",
            daemon=True,
        )
        process.start()
        send.close()
        return cls(copy, process, receive)

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
            self._copy.unlink(missing_ok=True)
        return sent if isinstance(sent, list) else None

    def cancel(self) -> None:
        """Stop the process (a failed run) and remove the copy."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()
        self._copy.unlink(missing_ok=True)


def _validate_copy(
    copy: Path, period_start: dt.date, period_end: dt.date, send: Connection, run_pid: int, cache: Path | None
) -> None:
    """In the forked process: Great Expectations is imported here, not in the run's process (which
    never needs it when the checks run beside dbt), so its import too runs beside dbt."""
    _end_with(run_pid)
    outcome: list[CheckOutcome] | str
    try:
        from checks.raw_validation import current_in_raw, validate_raw

        with duckdb.connect(str(copy), read_only=True) as connection:
            current = current_in_raw(period_start, period_end)
            outcome = validate_raw(connection, period_start, period_end, current, cache=cache)
    except Exception as error:  # the gate checks in its own process then
        outcome = repr(error)
    copy.unlink(missing_ok=True)  # read: even if the run that started it is gone, nothing is left
    with contextlib.suppress(OSError):
        send.send(outcome)
    send.close()


def _end_with(run_pid: int) -> None:
    """This process ends when the run's process does, however it ends (killed too): it holds a
    copy of the run's open files, the run lock among them, which a next run must find free.
    (Linux signals the death of the thread that forked: the one running the run's stages, which
    collects the outcomes before it can end.)"""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != run_pid:  # the run ended before the line above
        os._exit(0)
