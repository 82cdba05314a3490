"""A run that starts from the last run's warehouse (ingest/load/from_last_run.py) loads only the
returns that changed, and ends with the same raw tables as a run that loads everything: after a
unit resubmits, after a return is withdrawn; what was built from raw.* is gone; a last run it
cannot trust is not started from."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest.clean.pseudonymise import DEMO_KEY
from ingest.load import from_last_run
from ingest.load.cache import IngestCache, file_hashes
from ingest.run import ingest
from shushuo.run import RunOptions, run
from tests.conftest import run_pipeline
from tests.test_cache_ingest import raw_tables


def _ingest(folder: Path, run: Path, cache_dir: Path, last: Path | None = None) -> tuple[Path, dict]:
    """ingest into <run>/warehouse.duckdb (its Parquet root beside it), as a run does."""
    run.mkdir(parents=True)
    warehouse = run / "warehouse.duckdb"
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")
    timings: dict = {}
    cache = IngestCache(cache_dir, DEMO_KEY, file_hashes(paths))
    ingest(folder, warehouse, key=DEMO_KEY, workers=2, cache=cache, timings=timings, last_warehouse=last)
    return warehouse, timings


def _linked(small_demo: Path, into: Path) -> Path:
    into.mkdir()
    for path in small_demo.glob("*.xlsx"):
        (into / path.name).hardlink_to(path)
    return into


@pytest.fixture(scope="module")
def last_run(small_demo, tmp_path_factory) -> tuple[Path, Path, Path]:
    """(the input folder, the ingest cache, the last run's warehouse): a full load, with a table
    built from raw.* beside, as dbt would leave."""
    base = tmp_path_factory.mktemp("last-run")
    folder = _linked(small_demo, base / "input")
    warehouse, timings = _ingest(folder, base / "run-1", base / "cache")
    assert "parts_kept" not in timings, "no last run: everything loaded"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.indicators as select 1 as value")
        con.execute("create view main.leftover as select 1 as value")
    return folder, base / "cache", warehouse


def test_resubmitted_return_only_is_loaded_and_the_tables_equal_a_full_load(last_run, tmp_path):
    folder, cache, last = last_run
    resubmitted = _linked(folder, tmp_path / "input")
    current = sorted(folder.glob("*2018*.xlsx"))[0]
    shutil.copyfile(current, resubmitted / current.name.replace(".xlsx", "（更正）.xlsx"))

    started, timings = _ingest(resubmitted, tmp_path / "run-2", cache, last=last)
    full, full_timings = _ingest(resubmitted, tmp_path / "run-full", cache)

    assert timings["parts_loaded"] > 0 and timings["parts_kept"] > 5 * timings["parts_loaded"]
    assert timings["returns_loaded"] == 1 and timings["returns_kept"] == len(list(folder.glob("*.xlsx")))
    assert "parts_kept" not in full_timings
    assert raw_tables(started) == raw_tables(full)
    with duckdb.connect(str(started), read_only=True) as con:
        schemas = {s for (s,) in con.execute("select schema_name from duckdb_schemas() where not internal").fetchall()}
        views = con.execute("select view_name from duckdb_views() where not internal").fetchall()
        outside_raw = con.execute("select table_name from duckdb_tables() where schema_name <> 'raw'").fetchall()
    assert schemas - {"main"} == {"raw"} and views == [] and outside_raw == [], "what was built from raw.* is gone"


def test_withdrawn_return_leaves_no_rows(last_run, tmp_path):
    folder, cache, last = last_run
    fewer = _linked(folder, tmp_path / "input")
    withdrawn = sorted(fewer.glob("*2018*.xlsx"))[-1]
    withdrawn.unlink()

    started, timings = _ingest(fewer, tmp_path / "run-2", cache, last=last)
    full, _ = _ingest(fewer, tmp_path / "run-full", cache)

    assert timings["parts_loaded"] == timings["returns_loaded"] == 0 and timings["parts_kept"] > 0
    tables = raw_tables(started)
    assert tables == raw_tables(full)
    assert not any(withdrawn.name in map(str, row) for row in tables["members"])


def test_a_last_run_not_closed_cleanly_or_of_another_schema_is_not_started_from(last_run, tmp_path):
    folder, cache, last = last_run
    unclean = tmp_path / "unclean"
    shutil.copytree(last.parent, unclean)
    (unclean / "warehouse.duckdb.wal").write_bytes(b"")
    _, timings = _ingest(folder, tmp_path / "run-a", cache, last=unclean / "warehouse.duckdb")
    assert "parts_kept" not in timings

    other = tmp_path / "other-schema"
    shutil.copytree(last.parent, other)
    with duckdb.connect(str(other / "warehouse.duckdb")) as con:
        con.execute("alter table raw.members add column added_later varchar")
    _, timings = _ingest(folder, tmp_path / "run-b", cache, last=other / "warehouse.duckdb")
    assert "parts_kept" not in timings


def test_a_start_from_the_last_run_that_fails_falls_back_to_a_full_load(last_run, tmp_path, monkeypatch):
    folder, cache, last = last_run

    def broken(*_args):
        raise duckdb.IOException("disk full (simulated)")

    monkeypatch.setattr(from_last_run, "load_changed", broken)
    started, timings = _ingest(folder, tmp_path / "run-2", cache, last=last)
    assert "parts_kept" not in timings
    assert raw_tables(started) == raw_tables(last)


def test_parts_written_again_are_loaded_again_even_with_the_same_name(last_run, tmp_path):
    """A part is trusted only as the very file the last run loaded: one written anew (the cache
    emptied, the code changed) under the same name is loaded, its old rows deleted."""
    folder, _, last = last_run
    started, timings = _ingest(folder, tmp_path / "run-2", tmp_path / "empty-cache", last=last)
    assert "parts_kept" not in timings, "nothing kept: a full load"
    assert raw_tables(started) == raw_tables(last)


RUN_FIELDS = {"运行编号", "生成时间"}  # a figure's row names the run that computed it


def _comparable(run_dir: Path) -> tuple:
    """What a run publishes that does not name the run: its figures and its checks' outcomes."""
    checks = json.loads((run_dir / "checks" / "checks.json").read_text(encoding="utf-8"))
    checks.pop("seconds", None)
    figures = json.loads((run_dir / "figures.json").read_text(encoding="utf-8"))
    rows = [{k: v for k, v in row.items() if k not in RUN_FIELDS} for row in figures["figures"]]
    return rows, figures["unit_parts"], figures["source_files"], checks


def test_a_run_after_a_resubmission_publishes_what_a_run_from_scratch_does(small_demo, small_run, tmp_path):
    """The whole run: the last run's warehouse started from (its build folder hard-linked, so its
    parts are the cache's), one unit's return resubmitted; figures and every check's outcome,
    examples and their order included, equal those of a run from an empty build folder."""
    build = tmp_path / "build"
    shutil.copytree(small_run.run_dir.parent.parent, build, symlinks=True, copy_function=os.link)
    resubmitted = _linked(small_demo, tmp_path / "input")
    current = sorted(small_demo.glob("*2018*.xlsx"))[0]
    shutil.copyfile(current, resubmitted / current.name.replace(".xlsx", "（更正）.xlsx"))

    said: list[str] = []
    again = run(RunOptions(resubmitted, build, demo_key=True, pdf=False), say=said.append)
    scratch = run_pipeline(resubmitted, tmp_path / "scratch")

    assert again.manifest is not None
    ingest_stage = next(s for s in again.manifest.stages if s["stage"] == "ingest")
    assert ingest_stage["parts_kept"] > 0 and ingest_stage["parts_loaded"] > 0
    kept = ingest_stage["returns_kept"]
    assert f"数据库以上次运行为底：{kept} 个报表的数据原样保留，载入 1 个报表的数据" in said
    assert _comparable(again.run_dir) == _comparable(scratch.run_dir)
