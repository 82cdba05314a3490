"""The previous period's indicators (同比) taken from build/current when nothing they are made of
has changed, instead of a second dbt run on every rerun.

While this period's returns come in, the analyst reruns many times; the previous period's
figures cannot move unless its returns or the code that turns returns into figures do. They are
made of: the returns declaring that period (name, sha256, 填报日期, file time and which file
ingest decided counts) and the rows loaded and rejected from each of their sheets, the code that
reads and loads them and runs dbt (every module ingest.run and shushuo.previous_build import, with the
schema and unit list beside them) and the dbt project (the folders dbt_project.yml names), both
found by domain/fingerprint.py from the files themselves, the versions of the libraries that
read, load and compute them, the engine that computed them, and the pseudonym key. When build/current was made with
the same fingerprint of these, its marts_previous.indicators is copied (the only previous-period
table read downstream: reports/period_change.py); otherwise dbt builds it as before. On Spark the
copy is also handed to Spark (shushuo/spark_engine.share_table), where this period's rule
moved_against_previous_period reads it: a rerun there no longer builds the previous period's models."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from domain.fingerprint import Fingerprint, dbt_project_files, source_files
from domain.warehouse import sql_string
from ingest.load.cache import LIBRARIES as INGEST_LIBRARIES
from ingest.load.cache import key_fingerprint
from shushuo.dbt_runner import DUCKDB, SPARK
from shushuo.previous_build import PREVIOUS_INDICATORS

FINGERPRINT = "previous_fingerprint"  # the key in manifest.json's parameters
LIBRARIES = ("dbt-core", "dbt-duckdb", "duckdb", *INGEST_LIBRARIES)
# what Spark's indicators are made with besides (its adapter, Spark, the way back into DuckDB)
SPARK_LIBRARIES = ("dbt-spark", "pyspark")


def code_files(engine: str = DUCKDB) -> list[Path]:
    """The code and dbt project the previous period's indicators are made with (see above)."""
    modules = ("ingest.run", "shushuo.previous_build", *(("shushuo.spark_engine",) if engine == SPARK else ()))
    return source_files(*modules) + dbt_project_files()


def fingerprint(warehouse: Path, period_start: date, period_end: date, key: bytes, engine: str = DUCKDB) -> str:
    """One hash of everything marts_previous.indicators for this period is made of when computed
    on `engine` (see above); the returns are read from the warehouse's raw.submissions."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        returns = con.execute(
            "select unit_code, source_file, file_sha256, filled_on, "
            "file_modified_at, is_current, status from raw.submissions "
            "where period_start = ? and period_end = ? order by all",
            [period_start, period_end],
        ).fetchall()
        # what was loaded from them: the same bytes read on another day can load more rows (an ID
        # rejected for a birth date after today is accepted from that day on, ingest/load/cache.py)
        loaded = con.execute(
            "select source_file, sheet, rows_loaded, rows_rejected from raw.ingest_sheets where source_file in "
            "(select source_file from raw.submissions where period_start = ? and period_end = ?) order by all",
            [period_start, period_end],
        ).fetchall()
    made_of = Fingerprint("previous period indicators").add("period", (period_start, period_end))
    made_of.add("returns", returns).add("loaded", loaded).add("key", key_fingerprint(key)).add("engine", engine)
    libraries = LIBRARIES + (SPARK_LIBRARIES if engine == SPARK else ())
    return made_of.add_python().add_libraries(libraries).add_files(code_files(engine)).hexdigest()


def recorded(run_dir: Path | None) -> str | None:
    """The fingerprint a published run recorded for its previous-period indicators, if any."""
    if run_dir is None or not (run_dir / "manifest.json").is_file():
        return None
    try:
        return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["parameters"].get(FINGERPRINT)
    except (OSError, ValueError, KeyError, AttributeError):
        return None


def copy_from(published_warehouse: Path, published_fingerprint: str | None, warehouse: Path, wanted: str) -> bool:
    """Copy marts_previous.indicators from the published run's warehouse into `warehouse` when
    that run recorded the same fingerprint; False (nothing copied) when it did not, or the table
    cannot be read there (then dbt builds it)."""
    if published_fingerprint != wanted or not published_warehouse.is_file():
        return False
    schema = PREVIOUS_INDICATORS.split(".")[0]
    with duckdb.connect(str(warehouse)) as con:
        try:
            con.execute(f"attach {sql_string(published_warehouse.resolve())} as published (read_only)")
        except duckdb.Error:
            return False  # open elsewhere for writing, or damaged
        try:
            con.execute("begin transaction")
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f"create table {PREVIOUS_INDICATORS} as select * from published.{PREVIOUS_INDICATORS}")
            con.execute("commit")
        except duckdb.Error:
            con.execute("rollback")
            return False
        finally:
            con.execute("detach published")
    return True
