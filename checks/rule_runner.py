"""Run the business rules (checks/rules.py) over a warehouse. A rule whose table is missing, or
whose query fails, is a rule error that blocks: a check that cannot run never passes silently."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import pandas as pd

from checks.outcome import BLOCKING, ERROR, FAILED, MAX_EXAMPLES, PASSED, SKIPPED, CheckOutcome, plain
from checks.rules import CATALOG_FILE, RULES, TABLES, Rule
from ingest import schema

SOURCE = "业务规则"


def run_rules(
    connection: duckdb.DuckDBPyConnection,
    period_start: dt.date,
    period_end: dt.date,
    previous_indicators: pd.DataFrame | None = None,
    rules: tuple[Rule, ...] = RULES,
) -> list[CheckOutcome]:
    _register_frames(connection, previous_indicators)
    existing = _existing_tables(connection)
    params = {"period_start": period_start, "period_end": period_end}
    return [_run_one(connection, rule, existing, params, previous_indicators is not None) for rule in rules]


def _run_one(connection, rule: Rule, existing: set[str], params: dict, have_previous: bool) -> CheckOutcome:
    outcome = CheckOutcome(
        check_id=f"rule.{rule.id}",
        title=rule.title,
        source=SOURCE,
        table="、".join(TABLES[t] for t in rule.tables),
        severity=rule.severity,
        status=PASSED,
        count_noun=rule.count_noun,
    )
    if rule.needs_previous and not have_previous:
        outcome.status = SKIPPED
        outcome.detail = "没有上期发布的指标，本项未比较。"
        return outcome
    missing = [TABLES[t] for t in rule.tables if TABLES[t].lower() not in existing]
    if missing:
        return _error(
            outcome,
            f"规则所需的表 {'、'.join(missing)} 不存在（dbt "
            "模型未生成或已改名；请在 checks/rules.py 的 TABLES 中更正）。",
        )
    sql = rule.query()
    used = {name: value for name, value in params.items() if f"${name}" in sql}
    try:
        frame = connection.execute(sql, used).df()
    except duckdb.Error as error:
        return _error(outcome, f"规则查询执行出错：{error}")
    if frame.empty:
        return outcome
    outcome.status = FAILED
    outcome.failing_count = int(frame[rule.count_column].sum()) if rule.count_column else len(frame)
    outcome.examples = [{k: plain(v) for k, v in row.items()} for row in frame.head(MAX_EXAMPLES).to_dict("records")]
    outcome.detail = rule.advice
    return outcome


def _error(outcome: CheckOutcome, detail: str) -> CheckOutcome:
    outcome.status = ERROR
    outcome.severity = BLOCKING
    outcome.detail = detail
    return outcome


def _existing_tables(connection) -> set[str]:
    rows = connection.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {name.lower() for (name,) in rows}


def _register_frames(connection, previous_indicators: pd.DataFrame | None) -> None:
    with open(CATALOG_FILE, encoding="utf-8", newline="") as handle:
        catalog = pd.DataFrame(list(csv.DictReader(handle)))
    connection.register("catalog", catalog)
    units = pd.DataFrame(
        [{"unit_code": u.code, "unit_name": u.name, "unit_short": u.short, "kind": u.kind} for u in schema.units()]
    )
    connection.register("expected_units", units)
    if previous_indicators is not None:
        connection.register("previous_indicators", previous_indicators)
