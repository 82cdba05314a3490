"""The gate over a stand-in warehouse (tests/sample_warehouse.py), as a run has it: dbt runs the
business rules (`dbt test --select tag:gate`, tests/dbt) against the warehouse's tables, then the
gate reads their results. One target folder for every call (per pytest-xdist worker) keeps
dbt's partial parse."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pandas as pd

from checks import gate
from shushuo import dbt_runner
from shushuo.paths import REPO_ROOT

# one per pytest-xdist worker: two workers must not read each other's run_results.json
TARGET = REPO_ROOT / "build" / "dbt" / f"target_gate_tests_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def run_rules(warehouse: Path, period: tuple[dt.date, dt.date], previous: pd.DataFrame | None = None) -> Path:
    """The rules run by dbt over the warehouse (marts_previous.indicators made from `previous`, or
    absent); returns dbt's target folder."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop schema if exists marts_previous cascade")
        if previous is not None:
            frame = previous.copy()
            for column in ("style", "breakdown_key"):
                if column not in frame.columns:
                    frame[column] = None
            connection.register("previous_rows", frame)
            connection.execute("create schema marts_previous")
            connection.execute("create table marts_previous.indicators as select * from previous_rows")
            connection.unregister("previous_rows")
    built = dbt_runner.build(
        warehouse,
        *period,
        command="test",
        select=f"tag:{dbt_runner.GATE_TAG}",
        target_dir=TARGET,
        results_dir=Path(warehouse).parent / "dbt_results",
    )
    return built.target_dir


def run_gate(
    warehouse: Path,
    period: tuple[dt.date, dt.date],
    out_dir: Path,
    previous: pd.DataFrame | None = None,
    input_dir: Path | None = None,
) -> gate.GateResult:
    target = run_rules(warehouse, period, previous)
    return gate.run(warehouse, *period, out_dir, previous_indicators=previous, input_dir=input_dir, dbt_target=target)


def rule_outcomes(warehouse: Path, period: tuple[dt.date, dt.date], names: list[str]) -> dict:
    """Some rules alone over a warehouse that ingest made (no models yet): the seeds they read are
    built first. check_id → outcome."""
    from checks.rule_results import read_rule_results

    dbt_runner.build(warehouse, *period, command="seed", target_dir=TARGET)
    built = dbt_runner.build(warehouse, *period, command="test", select=" ".join(names), target_dir=TARGET)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {o.check_id: o for o in read_rule_results(connection, built.target_dir, have_previous=True)}
