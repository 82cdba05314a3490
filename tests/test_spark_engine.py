"""The same dbt project on Spark (`shushuo run --engine spark`, dbt-spark's session method, local[2])
gives the same figures as on DuckDB: marts.indicators row by row, exact values and the rates'
numerators and denominators, for the period and the previous one; and checks and reports, which
read the indicators copied back into the run's DuckDB file, publish the same figures.

Runs when Java and pyspark are installed (make test installs them: scripts/setup_spark.sh and the
spark extra), else is skipped with the reason. Small demo: Spark's start and its per-query cost,
not the data, take the time (a few minutes on a loaded machine)."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil

import duckdb
import pytest

from shushuo.paths import spark_dir
from tests.conftest import run_pipeline

pytestmark = [
    pytest.mark.skipif(
        shutil.which("java") is None, reason="没有 Java：Spark 引擎的对比测试跳过（scripts/setup_spark.sh）"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None,
        reason="未安装 pyspark / dbt-spark（pip install -e '.[spark]'）：Spark 引擎的对比测试跳过",
    ),
]

RUN_COLUMNS = {"运行编号", "生成时间"}
# every column, the catalogue's words too (a seed's empty cell must be NULL on both engines)
INDICATOR_ROWS = """
    select indicator_id, breakdown_dim, breakdown_key, value, numerator, denominator, period_start, period_end,
           * exclude (indicator_id, breakdown_dim, breakdown_key, value, numerator, denominator, period_start,
                      period_end)
    from {table}
    order by indicator_id, breakdown_dim nulls first, breakdown_key nulls first
"""


@pytest.fixture(scope="module")
def spark_run(small_demo, tmp_path_factory):
    return run_pipeline(small_demo, tmp_path_factory.mktemp("spark-build"), engine="spark")


def _rows(run, table: str) -> list[tuple]:
    with duckdb.connect(str(run.run_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(INDICATOR_ROWS.format(table=table)).fetchall()


@pytest.mark.parametrize("table", ["marts.indicators", "marts_previous.indicators"])
def test_spark_gives_every_indicator_row_exactly_as_duckdb(small_run, spark_run, table):
    duck, spark = _rows(small_run, table), _rows(spark_run, table)
    assert duck, f"{table} is empty on DuckDB: nothing compared"
    assert [r[:3] for r in spark] == [r[:3] for r in duck], "the same figures and breakdowns"
    for on_duckdb, on_spark in zip(duck, spark, strict=True):
        assert on_spark == on_duckdb, f"{on_duckdb[:3]}: DuckDB {on_duckdb[3:6]}, Spark {on_spark[3:6]}"
    rates = [r for r in duck if r[4] is not None]
    assert rates, "rates' numerators and denominators compared"


def test_the_copied_indicators_keep_the_contracts_types(spark_run):
    with duckdb.connect(str(spark_run.run_dir / "warehouse.duckdb"), read_only=True) as con:
        types = dict(con.execute("select column_name, column_type from (describe marts.indicators)").fetchall())
    assert types["value"] == "DECIMAL(38,6)"
    assert types["numerator"] == types["denominator"] == "DECIMAL(38,2)"
    assert types["period_start"] == "DATE"


def _published_figures(run) -> list[dict]:
    """figures.csv's rows without what names the run (its id and time)."""
    with (run.run_dir / "figures.csv").open(encoding="utf-8-sig", newline="") as file:
        return [{k: v for k, v in row.items() if k not in RUN_COLUMNS} for row in csv.DictReader(file)]


def test_checks_and_reports_read_the_figures_spark_computed(small_run, spark_run):
    """The gate ran the same business rules (dbt tests on Spark, their failing rows copied back)
    with the same outcomes, and the published figures are the same."""
    assert _published_figures(spark_run) == _published_figures(small_run)

    def outcomes(run) -> dict[str, tuple]:
        checks = json.loads((run.run_dir / "checks" / "checks.json").read_text(encoding="utf-8"))
        return {c["check_id"]: (c["status"], c["failing_count"]) for c in checks["outcomes"]}

    duck, spark = outcomes(small_run), outcomes(spark_run)
    assert any(check.startswith("rule.") for check in spark), "the gate read the rules' results"
    assert spark == duck
    manifest = json.loads((spark_run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["engine"] == "spark"
    # the session ended with dbt's stage, and took its tables and the Parquet shared with it along
    folder = spark_dir(spark_run.run_dir.parents[1])
    assert not (folder / "warehouse").exists() and not (folder / "shared").exists()
    assert (folder / "logs" / "jvm.log").is_file()  # the JVM's own standard error, off the analyst's console


@pytest.fixture(scope="module")
def spark_rerun(small_demo, spark_run):
    """The same returns on Spark again, in the build folder spark_run was published to."""
    return run_pipeline(small_demo, spark_run.run_dir.parents[1], engine="spark")


def test_a_rerun_on_spark_takes_over_the_previous_periods_indicators(small_run, spark_rerun):
    """Nothing the previous period's indicators are made of changed: the rerun copies them from the
    published run instead of building the previous period's models on Spark again, and hands them to
    Spark, where this period's rule comparing the two periods reads them."""
    [dbt_stage] = [s for s in spark_rerun.manifest.stages if s["stage"] == "dbt build"]
    assert dbt_stage["previous_reused"] is True
    assert _rows(spark_rerun, "marts_previous.indicators") == _rows(small_run, "marts_previous.indicators")
    results = json.loads((spark_rerun.run_dir / "checks" / "dbt" / "run_results.json").read_text(encoding="utf-8"))
    [rule] = [r for r in results["results"] if r["unique_id"].startswith("test.shushuo.moved_against_previous_period")]
    assert "marts_previous" in rule["compiled_code"], "the rule found the previous period's indicators on Spark"
    assert _published_figures(spark_rerun) == _published_figures(small_run)
