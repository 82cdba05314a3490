"""The models on Spark (`shushuo run --engine spark`, `make report ENGINE=spark`): the same dbt
project, run by dbt-spark's `session` method in this process (master local[2]; on a cluster, the
profile's thrift target, README).

Around dbt's build this module owns three steps:
- the Spark session, made here before dbt connects (dbt-spark's session method then finds it):
  its master, memory and folders (all under the build folder's spark/, shushuo/paths.py spark_dir;
  never the repository's root), and an in-memory catalog, so no Derby metastore is written; dbt's
  tables are Parquet in the warehouse;
- the hand-over: the run's raw tables as Parquet, `<run>/raw/<table>/period=…/unit=…/*.parquet`
  with every column inside the files, registered as the tables `raw.<table>` that dbt's sources read;
- the way back: the tables checks/ and reports/ read (marts, the seeds, intermediate, the staging
  submissions, the gate's stored failures) copied into the run's DuckDB warehouse, so every stage
  after dbt reads the figures from the same file whichever engine computed them.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from domain.warehouse import sql_string

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = [
    "RAW_DIR",
    "SparkUnavailable",
    "copy_back",
    "register_raw",
    "session",
    "share_table",
    "stop",
    "working_folder",
]

RAW_DIR = "raw"  # beside the run's warehouse: <run>/raw/<table>/
MASTER = "local[2]"
DRIVER_MEMORY = "2g"
# In the session's folder: Spark's local dir and the JVM's java.io.tmpdir; its tables (the models');
# the Parquet it reads from the run's DuckDB file (share_table).
SCRATCH, TABLES, SHARED, LOGS = "tmp", "warehouse", "shared", "logs"
JVM_LOG = "jvm.log"  # in LOGS: what the JVM itself writes to standard error (Spark's own: spark.log)
# What the run's DuckDB file receives from Spark after a build, schema → tables (None: every table).
# The models' schemas get a suffix for the previous period (previous_build.build).
COPIED_BACK: dict[str, tuple[str, ...] | None] = {
    "reference": None,
    "staging": ("stg_submissions",),  # which file counts, read by the gate (domain/warehouse.py TABLES)
    "intermediate": None,
    "marts": None,
    "dbt_test__audit": None,  # the gate's rules' failing rows (store_failures, checks/rule_results.py)
}
COPIED_BACK_PREVIOUS = ("marts",)  # of the previous period, reports read marts_previous.indicators only


# Spark's own log (the JVM's warnings) into <build>/spark/logs/spark.log, not onto the analyst's console.
LOG_CONFIG = """rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{{yy/MM/dd HH:mm:ss}} %p %c{{1}}: %m%n
"""


class SparkUnavailable(RuntimeError):
    """pyspark, dbt-spark or Java is missing; the message says how to install them (Chinese)."""


def session(folder: Path) -> SparkSession:
    """This process's Spark session, made once: local[2], 2 GiB for the driver, its working folders
    under `folder` (the build folder's spark/, shushuo/paths.py spark_dir), an in-memory catalog (the
    warehouse folder is emptied when the session is made: a new process has no catalog of what an
    earlier one left there). A session already running keeps the folder it was made with, and the
    JVM, which pyspark starts once per process, keeps its java.io.tmpdir and log file in the first
    session's folder (one run per process, as the CLI runs, is unaffected)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SparkUnavailable(
            "未安装 Spark 引擎所需的 pyspark 与 dbt-spark：请运行 make report ENGINE=spark（会自动安装），"
            f"或 .venv/bin/pip install -e '.[spark]'。（{error}）"
        ) from error
    if importlib.util.find_spec("dbt.adapters.spark") is None:
        raise SparkUnavailable(
            "未安装 dbt-spark：请运行 make report ENGINE=spark（会自动安装），或 .venv/bin/pip install -e '.[spark]'。"
        )
    if shutil.which("java") is None and not _java_home():
        raise SparkUnavailable("找不到 Java：Spark 需要 Java 17 及以上。请运行 bash scripts/setup_spark.sh 安装。")
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    folder = Path(folder).resolve()
    warehouse = folder / TABLES
    shutil.rmtree(warehouse, ignore_errors=True)
    for made in (warehouse, folder / SCRATCH, folder / LOGS):
        made.mkdir(parents=True, exist_ok=True)
    (folder / "log4j2.properties").write_text(LOG_CONFIG.format(log=folder / LOGS / "spark.log"))
    builder: Any = SparkSession.builder.appName("shushuo")
    for key, value in _conf(folder).items():
        builder = builder.config(key, value)
    with _stderr_into(folder / LOGS / JVM_LOG):
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextlib.contextmanager
def _stderr_into(log: Path):
    """This process's standard error into `log` while the JVM starts, which inherits it for good: the
    JVM's own lines (WARNING: Using incubator modules…, a crash's report) land beside Spark's log
    instead of among the analyst's messages."""
    sys.stderr.flush()
    kept = os.dup(2)
    try:
        with open(log, "ab") as handle:
            os.dup2(handle.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(kept, 2)
        os.close(kept)


def working_folder(spark: SparkSession) -> Path:
    """The folder `spark` was made with (session): where the Parquet handed over either way goes."""
    scratch = spark.sparkContext.getConf().get("spark.local.dir")
    if scratch is None:
        raise RuntimeError("这个 Spark 会话不是 spark_engine.session() 建立的：不知道它的工作文件夹。")
    return Path(scratch).parent


def stop() -> None:
    """End this process's Spark session, if one runs: its JVM's memory is free for the stages after
    dbt, and its tables and the Parquet shared with it leave the disk (what the later stages read is
    in the run's DuckDB file by then; the models' tables grow with the input)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return
    if (active := SparkSession.getActiveSession()) is not None:
        folder = working_folder(active)
        active.stop()
        for kept in (TABLES, SHARED):
            shutil.rmtree(folder / kept, ignore_errors=True)


def _java_home() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return home is not None and (Path(home) / "bin" / "java").exists()


def _conf(folder: Path) -> dict[str, str]:
    return {
        "spark.master": MASTER,
        "spark.driver.memory": DRIVER_MEMORY,
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.warehouse.dir": str(folder / TABLES),
        "spark.local.dir": str(folder / SCRATCH),
        "spark.driver.extraJavaOptions": (
            f"-Djava.io.tmpdir={folder / SCRATCH} -Dlog4j2.configurationFile=file:{folder / 'log4j2.properties'}"
        ),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.session.timeZone": "UTC",
        # timestamps written for the way back as Parquet's own type (not the legacy INT96)
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        # dbt-spark sets ANSI off for every query; say so here too, so the session is the same by hand.
        "spark.sql.ansi.enabled": "false",
    }


def register_raw(spark: SparkSession, raw_dir: Path) -> list[str]:
    """Each folder of `raw_dir` as the table raw.<folder> (Parquet, read where it lies; every file
    below it, the partition folders not read as columns: the files hold every column)."""
    spark.sql("create database if not exists raw")
    tables = sorted(p.name for p in Path(raw_dir).iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    for table in tables:
        spark.sql(f"drop table if exists raw.`{table}`")
        spark.sql(
            f"create table raw.`{table}` using parquet options (recursiveFileLookup 'true') "
            f"location {_spark_literal((Path(raw_dir) / table).resolve())}"
        )
    return tables


def share_table(spark: SparkSession, warehouse: Path, table: str) -> None:
    """`table` ("schema.name") of the run's DuckDB file, as the Spark table of that name: written by
    DuckDB as Parquet under the session's folder's shared/ and registered where it lies (the way back, the
    other way: the previous period's indicators taken over from the last run, which this period's
    rules read on Spark)."""
    schema, name = table.split(".")
    folder = working_folder(spark) / SHARED / schema / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(
            f'copy (select * from "{schema}"."{name}") to {sql_string(folder / "part.parquet")} (format parquet)'
        )
    spark.sql(f"create database if not exists `{schema}`")
    spark.sql(f"drop table if exists `{schema}`.`{name}`")
    spark.sql(f"create table `{schema}`.`{name}` using parquet location {_spark_literal(folder.resolve())}")


def copy_back(spark: SparkSession, warehouse: Path, suffix: str = "") -> list[str]:
    """The tables checks/ and reports/ read, from Spark into the run's DuckDB file (replacing what
    is there); `suffix`: the previous period's schemas (marts_previous). Returns schema.table copied.
    Each goes through Parquet that Spark's executors write (the session's folder's handover/) and DuckDB reads:
    nothing is collected into the driver, which at ×10 lost a 2-million-row table on its way
    (TaskResultLost) and at a nation's scale could not hold one."""
    wanted = {f"{schema}{suffix}": None for schema in COPIED_BACK_PREVIOUS} if suffix else COPIED_BACK
    existing = {row.namespace for row in spark.sql("show databases").collect()}
    handover = working_folder(spark) / "handover"
    shutil.rmtree(handover, ignore_errors=True)
    copied = []
    try:
        with duckdb.connect(str(warehouse)) as con:
            for schema, only in wanted.items():
                if schema not in existing:
                    continue
                con.execute(f'drop schema if exists "{schema}" cascade')
                con.execute(f'create schema "{schema}"')
                for table in spark.catalog.listTables(schema):
                    if only is not None and table.name not in only:
                        continue
                    rows = _as_parquet(spark, f"`{schema}`.`{table.name}`", handover / schema / table.name)
                    con.execute(f'create table "{schema}"."{table.name}" as select * from {rows}')
                    copied.append(f"{schema}.{table.name}")
    finally:
        shutil.rmtree(handover, ignore_errors=True)
    return copied


def _as_parquet(spark: SparkSession, table: str, folder: Path) -> str:
    """`table` written by Spark as Parquet into `folder`; DuckDB's expression reading it back. (Spark
    writes an empty table as one file holding only the schema: its columns and types come back.)"""
    spark.table(table).write.mode("overwrite").parquet(str(folder))
    return f"read_parquet({sql_string(f'{folder}/*.parquet')})"


def _spark_literal(path: Path) -> str:
    """A path as a Spark SQL string literal (Spark escapes with a backslash; '' would end it)."""
    return "'" + str(path).replace("\\", "\\\\").replace("'", "\\'") + "'"
