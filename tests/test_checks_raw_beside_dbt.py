"""The raw checks run beside dbt (checks/raw_beside_dbt.py) find what the gate finds when it runs
them itself after dbt: the same outcomes, examples and lineage, read from the run's Parquet files
without a copy of the warehouse; when their process cannot answer, the gate is told to check
itself."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from process_helpers import ended, running
from sample_warehouse import create_raw_tables, insert_rows, lineage

from checks import raw_beside_dbt, raw_validation
from checks.raw_beside_dbt import RawChecksBeside
from checks.raw_validation import SOURCE, validate_raw
from ingest.load import raw_layout

PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


def aid_row(row: int, **changes) -> dict:
    values = dict(
        recipient_key="k" * 64,
        recipient_sex="女",
        recipient_category="在档困难职工",
        programme="送温暖",
        cash=100,
        goods_value=50,
        paid_on=dt.date(2018, 6, 1),
    )
    values.update(changes)
    return {**values, **lineage("S03", PERIOD, row, source_file="月坛.xlsx", sheet_title="帮扶救助")}


def as_ingest_leaves_it(warehouse: Path) -> Path:
    """The warehouse's Parquet folder written whole, as ingest leaves it before dbt's build."""
    root = raw_layout.export_warehouse(warehouse)
    raw_layout.mark_whole(root)
    return root


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    rows = [aid_row(4), aid_row(5, programme="送凉爽"), aid_row(6, cash=-20), aid_row(7, paid_on=dt.date(2019, 2, 1))]
    with duckdb.connect(str(path)) as connection:
        create_raw_tables(connection)
        insert_rows(connection, "aid_payments", rows)
    as_ingest_leaves_it(path)
    return path


def test_beside_dbt_the_same_outcomes_as_the_gate_finds_after_it(warehouse):
    with duckdb.connect(str(warehouse)) as held:  # as dbt holds it: no other process may open the file
        beside = RawChecksBeside.start(warehouse, *PERIOD)
        assert beside is not None
        assert sorted(p.name for p in warehouse.parent.iterdir()) == ["raw", "warehouse.duckdb"]  # no copy made
        ours = [o.to_dict() for o in beside.outcomes()]
        held.execute("select 1")
    with duckdb.connect(str(warehouse), read_only=True) as connection:  # through staging.stg_submissions
        theirs = [o.to_dict() for o in validate_raw(connection, *PERIOD)]
    assert ours == theirs
    failing = {o["check_id"]: o for o in ours if o["status"] != "passed"}
    assert {"raw.aid_payments.programme.allowed_values", "raw.aid_payments.cash.range"} <= set(failing)
    assert failing["raw.aid_payments.cash.range"]["examples"][0]["source_row"] == 6  # lineage from the Parquet


def test_a_process_that_dies_leaves_the_checks_to_the_gate(warehouse, monkeypatch):
    monkeypatch.setattr(raw_validation, "validate_raw", lambda *_a, **_k: os._exit(3))
    beside = RawChecksBeside.start(warehouse, *PERIOD)
    assert beside is not None
    assert beside.outcomes() is None
    assert beside._process.exitcode == 3


def test_great_expectations_is_imported_in_the_checks_process_not_the_run_s():
    """The run's process imports the gate (LaterImports) but not GE: its 1–3 s of import run beside dbt."""
    code = (
        "import sys; import checks.gate, checks.raw_beside_dbt, shushuo.stages; "
        "assert 'great_expectations' not in sys.modules, 'GE imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_checks_end_with_a_killed_run_and_leave_its_lock_free(warehouse):
    """The checks' process holds the run's open files (the run lock among them): a run killed
    during dbt must not leave it running, or the next run would find the lock taken."""
    code = (
        "import datetime, time, pathlib\n"
        "from checks import raw_validation\n"
        "raw_validation.validate_raw = lambda *a, **k: time.sleep(120)\n"
        "from checks.raw_beside_dbt import RawChecksBeside\n"
        f"beside = RawChecksBeside.start(pathlib.Path({str(warehouse)!r}), *{PERIOD!r})\n"
        "print(beside._process.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    run = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    checks = int(run.stdout.readline())
    assert running(checks)
    run.kill()
    run.wait()
    assert ended([checks])


def test_a_failed_run_stops_the_checks(warehouse, monkeypatch):
    monkeypatch.setattr(raw_validation, "validate_raw", lambda *_a, **_k: time.sleep(120))
    beside = RawChecksBeside.start(warehouse, *PERIOD)
    assert beside is not None
    started = time.monotonic()
    beside.cancel()
    assert not beside._process.is_alive() and time.monotonic() - started < 20


def test_a_large_input_is_checked_after_dbt(warehouse, monkeypatch):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "insert into raw.ingest_sheets (source_file, sheet, rows_loaded) values ('月坛.xlsx', '帮扶救助', 4)"
        )
    as_ingest_leaves_it(warehouse)
    assert RawChecksBeside.start(warehouse, *PERIOD) is not None
    monkeypatch.setattr(raw_beside_dbt, "BESIDE_MAX_ROWS", 3)
    assert RawChecksBeside.start(warehouse, *PERIOD) is None


def test_files_ingest_did_not_write_whole_are_not_read_beside_dbt(warehouse):
    """dbt_runner writes such a folder again before its build (raw_layout.written_root)."""
    (raw_layout.root_of(warehouse) / raw_layout.DONE_FILE).unlink()
    assert RawChecksBeside.start(warehouse, *PERIOD) is None


def test_a_table_without_files_leaves_the_checks_to_the_gate(warehouse):
    """Not a blocking "table cannot be read" from beside dbt: the gate checks the warehouse itself."""
    shutil.rmtree(raw_layout.table_dir(raw_layout.root_of(warehouse), "aid_payments"))
    assert RawChecksBeside.start(warehouse, *PERIOD) is None


def test_in_a_run_the_checks_beside_dbt_record_what_the_gate_finds_itself(small_run):
    """The small demo's run checked its raw rows beside dbt; checks.json holds what the gate finds
    when it validates the published warehouse itself, through dbt's staging.stg_submissions."""
    manifest = json.loads((small_run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert next(s for s in manifest["stages"] if s["stage"] == "checks")["raw_checks_beside_dbt"] is True
    checks = json.loads((small_run.run_dir / "checks" / "checks.json").read_text(encoding="utf-8"))
    recorded = [o for o in checks["outcomes"] if o["source"] == SOURCE]
    period = (dt.date.fromisoformat(checks["period_start"]), dt.date.fromisoformat(checks["period_end"]))
    with duckdb.connect(str(small_run.run_dir / "warehouse.duckdb"), read_only=True) as connection:
        theirs = [o.to_dict() for o in validate_raw(connection, *period)]
    assert recorded == json.loads(json.dumps(theirs, ensure_ascii=False, default=str))
    assert any(o["status"] != "passed" for o in recorded)  # the demo's dates outside the period
