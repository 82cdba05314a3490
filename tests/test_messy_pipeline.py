"""The whole pipeline on the demo's returns rewritten messily (tests/messy_demo.py): every figure
equals the clean run's, the rejected rows are exactly the spoiled ones, and running twice on the
same input gives the same warehouse (loaded_at aside) and the same figure files."""

from __future__ import annotations

import json

import duckdb
import pytest
from conftest import run_pipeline
from messy_demo import mess_up_returns

RUN_KEYS = {"run_id", "generated_at", "运行编号", "生成时间"}
FIGURE_KEYS_FROM_FILES = {"数据来源"} | RUN_KEYS  # 数据来源 names the source files, whose extensions differ


@pytest.fixture(scope="module")
def messy_runs(small_demo, tmp_path_factory):
    folder = tmp_path_factory.mktemp("messy-demo")
    rejected = mess_up_returns(small_demo, folder)
    build = tmp_path_factory.mktemp("messy-build")
    return rejected, run_pipeline(folder, build), run_pipeline(folder, build)


def _indicators(run) -> list[tuple]:
    with duckdb.connect(str(run.run_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select indicator_id, breakdown_dim, breakdown_key, value, numerator, denominator, "
            "period_start, period_end from marts.indicators order by all"
        ).fetchall()


def _figures(run, drop: set[str]) -> list[dict]:
    data = json.loads((run.run_dir / "figures.json").read_text(encoding="utf-8"))
    return [{k: v for k, v in f.items() if k not in drop} for f in data["figures"]]


def test_messy_returns_give_the_clean_figures(messy_runs, small_run):
    _, messy, _ = messy_runs
    assert messy.period == small_run.period
    assert _indicators(messy) == _indicators(small_run)
    assert _figures(messy, FIGURE_KEYS_FROM_FILES) == _figures(small_run, FIGURE_KEYS_FROM_FILES)


def test_only_the_spoiled_rows_are_rejected(messy_runs):
    rejected, messy, _ = messy_runs
    report = json.loads((messy.run_dir / "ingest_report.json").read_text(encoding="utf-8"))
    by_file = {f["source_file"]: sum(s["rows_rejected"] for s in f["sheets"]) for f in report["files"]}
    assert {name: by_file[name] for name in rejected} == rejected
    assert sum(rejected.values()) >= 5
    assert {f["source_file"].rsplit(".", 1)[1] for f in report["files"]} >= {"xls", "xlsm", "xlsx"}
    for f in report["files"]:
        for s in f["sheets"]:
            assert s["rows_read"] == s["rows_loaded"] + s["rows_rejected"] + s["rows_skipped"]


def _tables(con) -> list[tuple[str, str, list[str]]]:
    found = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('raw', 'staging', 'intermediate', 'marts') order by all"
    ).fetchall()
    out = []
    for schema, table in found:
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? "
                "and table_name = ? and column_name <> 'loaded_at' order by ordinal_position",
                [schema, table],
            ).fetchall()
        ]
        out.append((schema, table, columns))
    return out


def test_a_second_run_on_the_same_input_changes_nothing(messy_runs):
    _, first, second = messy_runs
    assert first.run_dir != second.run_dir
    with (
        duckdb.connect(str(first.run_dir / "warehouse.duckdb"), read_only=True) as a,
        duckdb.connect(str(second.run_dir / "warehouse.duckdb"), read_only=True) as b,
    ):
        tables = _tables(a)
        assert tables == _tables(b) and len(tables) > 30
        for schema, table, columns in tables:
            query = f'select {", ".join(chr(34) + c + chr(34) for c in columns)} from {schema}."{table}" order by all'
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), f"{schema}.{table}"
    assert _figures(first, RUN_KEYS) == _figures(second, RUN_KEYS)
    for name in ("bulletin.md",):
        assert (first.run_dir / name).read_text(encoding="utf-8").replace(first.run_id, "") == (
            second.run_dir / name
        ).read_text(encoding="utf-8").replace(second.run_id, "")


def test_the_run_sends_corrections_back(messy_runs, small_run):
    rejected, messy, _ = messy_runs
    report = json.loads((messy.run_dir / "ingest_report.json").read_text(encoding="utf-8"))
    status = report["submission_status"]
    assert status["missing"] == [] and len(status["units"]) == 17
    with_rows_rejected = {u["unit_code"] for u in status["units"] if u["rows_rejected"]}
    assert set(status["problems"]) == with_rows_rejected and len(with_rows_rejected) == sum(
        1 for n in rejected.values() if n
    )
    written = {p.name for p in (messy.run_dir / "feedback").iterdir()}
    assert {u["feedback"] for u in status["units"] if u["status"] in ("problems", "warnings")} == written
    assert (messy.run_dir / "提交情况.xlsx").is_file()
    clean = json.loads((small_run.run_dir / "ingest_report.json").read_text(encoding="utf-8"))["submission_status"]
    assert len(clean["clean"]) == 17 and not (small_run.run_dir / "feedback").exists()
