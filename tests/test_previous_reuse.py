"""The previous period's indicators (同比) are copied from build/current when nothing they are
made of changed (shushuo/previous_reuse.py): a rerun gives the same 上期 figures without the
second dbt run; a change to that period's returns or to the dbt project is a new fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from domain.periods import previous_period
from ingest.clean.pseudonymise import DEMO_KEY
from shushuo import previous_reuse
from shushuo.paths import REPO_ROOT
from shushuo.previous_build import PREVIOUS_INDICATORS
from shushuo.run import WAREHOUSE, RunOptions, run


def previous_rows(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {PREVIOUS_INDICATORS} order by all").fetchall()


def dbt_stage(result) -> dict:
    return next(s for s in result.manifest.stages if s["stage"] == "dbt build")


def test_the_first_run_builds_them_and_records_what_they_are_made_of(small_run):
    assert dbt_stage(small_run)["previous_reused"] is False
    assert len(small_run.manifest.parameters[previous_reuse.FINGERPRINT]) == 64
    assert previous_rows(small_run.run_dir / WAREHOUSE)


def test_a_rerun_copies_them_from_the_published_run(small_demo, small_run, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(small_run.run_dir.parent.parent, build, symlinks=True)
    said = []
    again = run(RunOptions(small_demo, build, demo_key=True, reuse_unchanged=False), say=said.append)
    assert again.run_id != small_run.run_id
    assert dbt_stage(again)["previous_reused"] is True
    assert any("沿用其上期指标" in line for line in said)
    assert previous_rows(again.run_dir / WAREHOUSE) == previous_rows(small_run.run_dir / WAREHOUSE)


@pytest.fixture
def warehouse(small_run, tmp_path) -> Path:
    copy = tmp_path / WAREHOUSE
    shutil.copyfile(small_run.run_dir / WAREHOUSE, copy)
    return copy


def test_the_fingerprint_follows_that_periods_returns_only(small_run, warehouse):
    before = previous_period(*small_run.period)
    original = previous_reuse.fingerprint(warehouse, *before, DEMO_KEY)
    assert original == small_run.manifest.parameters[previous_reuse.FINGERPRINT]
    with duckdb.connect(str(warehouse)) as con:  # a return of this period resent: 上期 unchanged
        con.execute("update raw.submissions set file_sha256 = 'resent' where period_end = ?", [small_run.period[1]])
    assert previous_reuse.fingerprint(warehouse, *before, DEMO_KEY) == original
    assert previous_reuse.fingerprint(warehouse, *before, b"another key, another set of pseudonyms") != original
    with duckdb.connect(str(warehouse)) as con:  # the same bytes loading one more row (a birth date has come)
        con.execute(
            "update raw.ingest_sheets set rows_loaded = rows_loaded + 1, rows_rejected = rows_rejected - 1 "
            "where source_file = (select min(source_file) from raw.submissions where period_end = ?)",
            [before[1]],
        )
    assert previous_reuse.fingerprint(warehouse, *before, DEMO_KEY) != original
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update raw.ingest_sheets set rows_loaded = rows_loaded - 1, rows_rejected = rows_rejected + 1 "
            "where source_file = (select min(source_file) from raw.submissions where period_end = ?)",
            [before[1]],
        )
    assert previous_reuse.fingerprint(warehouse, *before, DEMO_KEY) == original
    with duckdb.connect(str(warehouse)) as con:  # a return of the previous period corrected
        con.execute(
            "update raw.submissions set filled_on = filled_on + 1 where period_end = ? and unit_code = 'S01'",
            [before[1]],
        )
    assert previous_reuse.fingerprint(warehouse, *before, DEMO_KEY) != original


def test_the_fingerprint_covers_the_dbt_project():
    files = {p.relative_to(REPO_ROOT).as_posix() for p in previous_reuse.code_files()}
    assert {
        "dbt_project.yml",
        "profiles.yml",
        "models/marts/indicators.sql",
        "seeds/indicator_catalog.csv",
        "shushuo/dbt_runner.py",
    } <= files
    assert any(f.startswith("macros/") for f in files)


def test_nothing_is_copied_under_another_fingerprint(small_run, warehouse, tmp_path):
    target = tmp_path / "new.duckdb"
    duckdb.connect(str(target)).close()
    recorded = previous_reuse.recorded(small_run.run_dir)
    assert not previous_reuse.copy_from(small_run.run_dir / WAREHOUSE, recorded, target, "0" * 64)
    assert not previous_reuse.copy_from(tmp_path / "missing.duckdb", recorded, target, recorded)
    with duckdb.connect(str(target), read_only=True) as con:
        assert not con.execute("select * from information_schema.tables where table_schema like '%previous'").fetchall()
    assert previous_reuse.copy_from(small_run.run_dir / WAREHOUSE, recorded, target, recorded)
    assert previous_rows(target) == previous_rows(small_run.run_dir / WAREHOUSE)
