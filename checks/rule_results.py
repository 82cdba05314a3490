"""The gate's business rules as dbt ran them: each rule is a dbt test (tests/dbt/rules/*.sql, and the
generic sheet_filled applied by each flagged sheet's staging yml) that `dbt build` runs with the models,
tagged `gate`, its failing rows stored as a table (store_failures), and its meta saying what the gate
needs: `rule` (the code, rule.<rule> in the report), `title` (Chinese), `severity` (blocking /
verify / info, checks/outcome.py), `advice`, `count_noun`, `count_column` (failing rows are groups:
sum this column), `sheets` (the schema sheets whose figures it can move) and `needs_previous`.

One result format: dbt's run_results.json (status, rows found, the stored table) and manifest.json
(each test's meta and the models it reads), from the target folder of the build, and the stored
failure tables in the warehouse. A rule that errored, was skipped or did not run at all blocks: a
check that cannot run never passes silently."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from checks.outcome import BLOCKING, ERROR, FAILED, MAX_EXAMPLES, PASSED, SKIPPED, CheckOutcome, plain

SOURCE = "业务规则"
TAG = "gate"
FOUND = {"fail", "warn"}
PASS = {"pass"}
AFTER_THE_FIGURES = "-- depends_on: {{ ref('indicators') }}"  # each rule's line that orders it after the figures


def read_rule_results(
    connection: duckdb.DuckDBPyConnection, target_dir: Path | None, have_previous: bool
) -> list[CheckOutcome]:
    """One outcome per gate rule of the build whose target folder is `target_dir`."""
    if target_dir is None:
        return [_not_run("没有 dbt build 的运行结果：业务规则须由 dbt build 运行（tests/dbt）。")]
    try:
        results = json.loads((Path(target_dir) / "run_results.json").read_text(encoding="utf-8"))["results"]
        nodes = json.loads((Path(target_dir) / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    except (OSError, TypeError, KeyError, ValueError) as error:
        return [_not_run(f"找不到 dbt 的运行结果（{target_dir}）：{error}")]
    outcomes = []
    for result in results:
        node = nodes.get(result.get("unique_id")) or {}
        meta = (node.get("config") or {}).get("meta") or {}
        if node.get("resource_type") != "test" or "rule" not in meta:
            continue
        outcomes.append(_outcome(connection, result, node, meta, have_previous))
    if not outcomes:
        return [_not_run("dbt build 没有运行任何业务规则（tests/dbt 下标记 gate 的测试）。")]
    return sorted(outcomes, key=lambda o: o.check_id)


def declared_rules(target_dir: Path) -> dict[str, dict]:
    """rule → its meta, for every gate rule dbt parsed (manifest.json of a build or test run)."""
    nodes = json.loads((Path(target_dir) / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    return {
        meta["rule"]: meta
        for node in nodes.values()
        if node.get("resource_type") == "test" and "rule" in (meta := (node.get("config") or {}).get("meta") or {})
    }


def _outcome(connection, result: dict, node: dict, meta: dict, have_previous: bool) -> CheckOutcome:
    reads = sorted({uid.split(".")[-1] for uid in (node.get("depends_on") or {}).get("nodes") or []})
    if "indicator" not in (node.get("raw_code") or "").replace(AFTER_THE_FIGURES, ""):
        reads = [name for name in reads if name != "indicators"]  # only there to run after the figures
    outcome = CheckOutcome(
        check_id=f"rule.{meta['rule']}",
        title=meta.get("title", meta["rule"]),
        source=SOURCE,
        table="、".join(reads),
        severity=meta.get("severity", BLOCKING),
        status=PASSED,
        count_noun=meta.get("count_noun", "条"),
        sheets=list(meta.get("sheets") or []),
    )
    if meta.get("needs_previous") and not have_previous:
        outcome.status = SKIPPED
        outcome.detail = "没有上期发布的指标，本项未比较。"
        return outcome
    status = str(result.get("status"))
    if status in PASS:
        return outcome
    if status not in FOUND:
        outcome.status, outcome.severity = ERROR, BLOCKING
        outcome.detail = f"规则无法执行（dbt：{status}）：{(result.get('message') or '').strip()}"
        return outcome
    relation = str(result.get("relation_name") or node.get("relation_name") or "")
    try:
        frame = connection.execute(f"select * from {_local(relation)}").df()
    except (duckdb.Error, TypeError) as error:
        outcome.status, outcome.severity = ERROR, BLOCKING
        outcome.detail = f"读不到规则存下的不符合行（{relation}）：{error}"
        return outcome
    outcome.status = FAILED
    count_column = meta.get("count_column")
    if count_column and count_column in frame.columns:
        outcome.failing_count = int(frame[count_column].sum())
    else:
        outcome.failing_count = int(result.get("failures") or len(frame))
    outcome.examples = [{k: plain(v) for k, v in row.items()} for row in frame.head(MAX_EXAMPLES).to_dict("records")]
    outcome.detail = meta.get("advice", "")
    outcome.units = _units(frame)
    if "indicator_id" in frame.columns:
        outcome.figures = list(dict.fromkeys(str(i) for i in frame["indicator_id"].dropna()))
    return outcome


def _local(relation: str) -> str:
    """ "warehouse"."dbt_test__audit"."rule" → the schema and table, whatever the file's catalog name."""
    parts = relation.split(".")
    return ".".join(parts[-2:])


def _units(frame: pd.DataFrame) -> list[str]:
    """The codes of every unit the failing rows concern: their unit_code, or the units they list
    (a contract cited from two units: units = "S02、S03")."""
    codes = set(frame["unit_code"].dropna().astype(str)) if "unit_code" in frame.columns else set()
    if "units" in frame.columns:
        codes |= {code for listed in frame["units"].dropna() for code in str(listed).split("、") if code}
    return sorted(codes)


def _not_run(detail: str) -> CheckOutcome:
    return CheckOutcome(
        check_id="rule.not_run",
        title="业务规则已运行",
        source=SOURCE,
        table="",
        severity=BLOCKING,
        status=ERROR,
        detail=detail,
    )
