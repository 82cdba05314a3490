"""Run the dbt project in-process (dbtRunner) against a run's warehouse.

In-process, because DuckDB lets one process hold the database file: the pipeline opens and
closes the warehouse around this call instead of handing it to a `dbt` subprocess. The period
goes in as vars; the warehouse path through SHUSHUO_WAREHOUSE (read by profiles.yml). Failures
raise DbtBuildFailed naming the node that failed, in words an analyst can act on.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.load import raw_layout
from shushuo.paths import BUILD_DIR, REPO_ROOT, dbt_dir, spark_dir

__all__ = ["BuildResult", "DbtBuildFailed", "build", "default_target", "docs", "warm_up"]

WAREHOUSE_ENV = "SHUSHUO_WAREHOUSE"
# Where the models run: DuckDB in the run's warehouse file, or Spark (shushuo/spark_engine.py), whose
# results are copied back into that file. Each is a target of profiles.yml.
DUCKDB, SPARK = "duckdb", "spark"
ENGINES = (DUCKDB, SPARK)
TARGETS = {DUCKDB: "run", SPARK: "spark"}
FAILED = {"error", "fail", "runtime error"}
GATE_TAG = "gate"
PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's parse of the project, kept in its target folder


class DbtBuildFailed(RuntimeError):
    """dbt failed; the message names the failing nodes and what dbt said about each."""

    def __init__(self, message: str, failures: list[str]):
        super().__init__(message)
        self.failures = failures


@dataclass
class BuildResult:
    seconds: float
    counts: dict[str, int]  # resource type → nodes run (model, seed, test)
    warnings: list[str] = field(default_factory=list)  # warn-severity tests that found rows
    target_dir: Path | None = None

    def summary(self) -> str:
        parts = "，".join(f"{kind} {n} 个" for kind, n in sorted(self.counts.items()))
        warned = f"；{len(self.warnings)} 项提醒" if self.warnings else ""
        return f"dbt build 完成（{parts}{warned}），用时 {self.seconds:.1f} 秒"


@contextmanager
def _warehouse_env(warehouse: Path):
    """SHUSHUO_WAREHOUSE as the file's bare name, from inside its folder; the raw tables' Parquet
    root (raw_layout.ROOT_ENV, read by the sources) likewise relative to that folder.

    dbt re-parses the whole project whenever the profile changes, and the profile holds the
    DuckDB path: an absolute path (a new run folder every run) cost a full parse (1–2 s) on
    every invocation. The bare name ("warehouse.duckdb") is the same every run, so partial
    parsing holds; DuckDB resolves it (and its .wal) in the run folder, as before."""
    warehouse = Path(warehouse).resolve()
    settings = {
        WAREHOUSE_ENV: warehouse.name,
        raw_layout.ROOT_ENV: raw_layout.root_of(warehouse).relative_to(warehouse.parent).as_posix(),
    }
    previous, here = {name: os.environ.get(name) for name in settings}, os.getcwd()
    os.environ.update(settings)
    os.chdir(warehouse.parent)
    try:
        yield
    finally:
        os.chdir(here)
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _arguments(
    command: list[str],
    period_start: date,
    period_end: date,
    project_dir: Path,
    target_dir: Path,
    more_vars: dict | None = None,
) -> list[str]:
    period = {"period_start": period_start.isoformat(), "period_end": period_end.isoformat(), **(more_vars or {})}
    return [
        *command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(target_dir.parent / "logs"),
        # dbt.log keeps warnings and errors (a failed model's message and compiled SQL path), not
        # dbt's debug trace of every event: ≈ 8,000 lines (500 KB) per invocation, 5% of its CPU.
        "--log-level-file",
        "warn",
        "--vars",
        json.dumps(period),
        "--quiet",
        "--no-use-colors",
        "--partial-parse",
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
    ]


def _node_label(result) -> str:
    node = result.node
    path = getattr(node, "original_file_path", "") or ""
    return f"{node.resource_type} {node.name}" + (f"（{path}）" if path else "")


def _test_finding(result) -> str:
    """A test that found rows, in words: the test's `meta.message` (Chinese, in its yml) when it
    has one, else the node; then how many rows it found."""
    meta = getattr(result.node.config, "meta", None) or {}
    found = f"{result.failures} 行" if getattr(result, "failures", None) is not None else result.message
    return f"{meta.get('message') or _node_label(result)}：{found}（{result.node.name}）"


def is_gate_rule(node) -> bool:
    """A business rule of the gate: a dbt test tagged `gate` (tests/dbt; meta says its severity)."""
    return str(node.resource_type) == "test" and GATE_TAG in (getattr(node, "tags", None) or [])


def _release_warehouse() -> None:
    """dbt-duckdb keeps its DuckDB instance open in the process after an invocation; while it
    does, the next stage cannot open the file (DuckDB refuses a second configuration, e.g.
    read_only). Close it so the warehouse is free once build() returns."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def _refuse_wrong_arguments(period_start: date, period_end: date, engine: str) -> None:
    """Before anything is written for the build."""
    if period_start > period_end:
        raise ValueError(f"统计期起 {period_start} 晚于统计期止 {period_end}，请检查统计期。")
    if engine not in ENGINES:
        raise ValueError(f"未知的计算引擎 {engine}：可选 {'、'.join(ENGINES)}。")


def _invoke(
    command: list[str],
    warehouse: Path,
    period_start: date,
    period_end: date,
    project_dir: Path,
    target_dir: Path,
    extra: Sequence[str] = (),
    more_vars: dict | None = None,
    engine: str = DUCKDB,
):
    from dbt.cli.main import dbtRunner

    project_dir = Path(project_dir).resolve()
    target_dir = Path(target_dir).resolve()
    extra = [*extra, "--target", TARGETS[engine]]
    _start_from_default_parse(target_dir)
    with _warehouse_env(warehouse):
        try:
            outcome = dbtRunner().invoke(
                [*_arguments(command, period_start, period_end, project_dir, target_dir, more_vars), *extra]
            )
        finally:
            _release_warehouse()
    return outcome, target_dir


def _start_from_default_parse(target_dir: Path) -> None:
    """A target folder new to its build folder starts from the default build folder's parse of the
    project (its target folder of the same name), when there is one, instead of parsing the whole
    project again (≈ 5 s a target folder, two a run). dbt checks the copy against the project's files,
    the vars and the profile, and parses again what differs; a copy caught half written fails that
    check and dbt parses in full, as without it. The default's folder is only read."""
    own = target_dir / PARTIAL_PARSE
    default = dbt_dir() / target_dir.name / PARTIAL_PARSE
    if own.exists() or not default.is_file() or default.resolve() == own.resolve():
        return
    target_dir.mkdir(parents=True, exist_ok=True)
    copying = own.with_name(f".{PARTIAL_PARSE}.copying")
    shutil.copyfile(default, copying)
    copying.replace(own)


def default_target(engine: str, build_dir: Path) -> Path:
    """dbt's target folder for the runs of build_dir, one per engine: each keeps its own partial
    parse (the profile differs)."""
    return dbt_dir(build_dir) / ("target" if engine == DUCKDB else f"target_{engine}")


def _spark_with_raw(warehouse: Path, build_dir: Path):
    """The Spark session, with the run's raw tables registered from their Parquet beside the warehouse
    (raw_layout.written_root has written them)."""
    from shushuo import spark_engine

    spark = spark_engine.session(spark_dir(build_dir))
    spark_engine.register_raw(spark, raw_layout.root_of(Path(warehouse).resolve()))
    return spark


def build(
    warehouse: Path,
    period_start: date,
    period_end: date,
    *,
    project_dir: Path = REPO_ROOT,
    target_dir: Path | None = None,
    select: str | None = None,
    command: str = "build",
    more_vars: dict | None = None,
    resource_types: tuple[str, ...] = (),
    results_dir: Path | None = None,
    artifacts: bool = True,
    engine: str = DUCKDB,
    build_dir: Path = BUILD_DIR,
) -> BuildResult:
    """`dbt build` (seeds, models, tests) for the period; raises DbtBuildFailed on any error or
    error-severity test failure but the gate's rules (is_gate_rule). Warn-severity tests that find
    rows come back in warnings. `command="run"` runs models only, `command="test"` tests only;
    `more_vars` adds vars (e.g. schema_suffix); `resource_types` limits a build (seed, model).
    `results_dir` receives this invocation's run_results.json (written from its own results, so a
    build of another run sharing the target folder cannot replace it) and manifest.json: what the
    gate reads of the business rules. `artifacts=False`: dbt writes no manifest.json or
    run_results.json into the target folder (it writes the 1.2 MB manifest twice per invocation,
    about a fifth of its CPU on small inputs); for a build whose artifacts nothing reads. The
    partial-parse cache is kept either way. `engine="spark"`: the models run on Spark, reading the
    run's raw Parquet, and their tables come back into `warehouse` (shushuo/spark_engine.py).
    `build_dir`: the build folder whose run this is; dbt's (and Spark's) working folders are its own
    (shushuo/paths.py dbt_dir), under its run lock, unless `target_dir` says where."""
    started = time.perf_counter()
    extra = ["--select", select] if select else []
    for kind in resource_types:
        extra += ["--resource-type", kind]
    if not artifacts:
        extra.append("--no-write-json")
    _refuse_wrong_arguments(period_start, period_end, engine)
    raw_layout.written_root(warehouse)  # what dbt's sources read
    spark = _spark_with_raw(warehouse, build_dir) if engine == SPARK else None
    target_dir = target_dir or default_target(engine, build_dir)
    outcome, target_dir = _invoke(
        [command], warehouse, period_start, period_end, project_dir, target_dir, extra, more_vars, engine
    )
    if spark is not None and outcome.exception is None:
        from shushuo import spark_engine

        spark_engine.copy_back(spark, warehouse, suffix=(more_vars or {}).get("schema_suffix", ""))
    seconds = time.perf_counter() - started
    results = list(outcome.result or []) if outcome.exception is None else []
    if results_dir is not None and outcome.exception is None and outcome.result is not None:
        Path(results_dir).mkdir(parents=True, exist_ok=True)
        outcome.result.write(str(Path(results_dir) / "run_results.json"))
        shutil.copyfile(target_dir / "manifest.json", Path(results_dir) / "manifest.json")
    # The gate's business rules (tests tagged gate, tests/dbt) never fail the build: the gate reads
    # their results (checks/rule_results.py) and decides; they run after the figures, so they stop no model.
    own = [r for r in results if not is_gate_rule(r.node)]
    failures = [
        _test_finding(r)
        if str(r.node.resource_type) == "test"
        else f"{_node_label(r)}：{(r.message or '').strip() or r.status}"
        for r in own
        if str(r.status) in FAILED
    ]
    if outcome.exception is not None or failures or (not outcome.success and len(own) == len(results)):
        if outcome.exception is not None:
            failures.append(f"dbt 无法运行：{outcome.exception}")
        skipped = sum(1 for r in results if str(r.status) == "skipped")
        tail = f"\n（另有 {skipped} 个节点因上游失败而跳过）" if skipped else ""
        message = (
            f"dbt {command} 失败（{period_start} 至 {period_end}），指标未生成：\n"
            + "\n".join(f"- {f}" for f in failures)
            + tail
        )
        raise DbtBuildFailed(message, failures)
    warnings = [_test_finding(r) for r in own if str(r.status) == "warn"]
    counts = Counter(str(r.node.resource_type) for r in results)
    return BuildResult(
        seconds=seconds, counts=dict(counts), warnings=warnings, target_dir=Path(results_dir or target_dir)
    )


def docs(
    warehouse: Path,
    period_start: date,
    period_end: date,
    *,
    project_dir: Path = REPO_ROOT,
    target_dir: Path | None = None,
    build_dir: Path = BUILD_DIR,
) -> Path:
    """`dbt docs generate --static` against a built warehouse; returns the folder holding
    static_index.html (one file that opens from the file system), index.html,
    manifest.json and catalog.json: build_dir's dbt folder's docs/target/ (its log in docs/logs/),
    not a run's target folder, as the docs take no run lock and may be made while a run of the same
    build folder goes on."""
    _refuse_wrong_arguments(period_start, period_end, DUCKDB)
    raw_layout.written_root(warehouse)  # what dbt's sources read
    outcome, target_dir = _invoke(
        ["docs", "generate", "--static"],
        warehouse,
        period_start,
        period_end,
        project_dir,
        target_dir or dbt_dir(build_dir) / "docs" / "target",
    )
    if outcome.exception is not None or not outcome.success:
        raise DbtBuildFailed(f"dbt docs generate 失败：{outcome.exception or '见 dbt 日志'}", [])
    return target_dir


def warm_up(folder: Path) -> bool:
    """A small build (the seeds and their tests) in `folder`, for a process that is about to run a
    build (the desk's waiting process, desk/warm_runner.py). dbt prepares much on its first
    invocation in a process that later ones reuse: the code that reads and writes its manifest
    and results, and the JSON schemas it validates them with. A run's build is then the second,
    0.6 s quicker on a small input (session 12; the whole project on empty raw tables warmed no
    better, in 5 s instead of 3). Nothing of it is kept: its warehouse, target folder and log are
    in `folder`, and dbt's settings are set again by the next invocation. False when it failed."""
    folder = Path(folder)
    seeds = ["--select", "resource_type:seed", "--indirect-selection", "cautious", "--no-write-json"]
    # dbt parses the project again for the warm-up's vars: without dbt_extractor, whose threads would
    # stay in the process that forks ingest's workers (a cold run forks them before dbt starts)
    seeds.append("--no-static-parser")
    a_year = (date(2000, 1, 1), date(2000, 12, 31))  # no source is read: any period
    outcome, _ = _invoke(["build"], folder / "warehouse.duckdb", *a_year, REPO_ROOT, folder / "target", seeds)
    return outcome.exception is None and bool(outcome.success)
