"""Run the schema-derived suites over the raw tables of a warehouse.

Only rows of the workbooks that count are checked (the current submission of each unit for the
run's period, as dbt's stg_submissions marks them): a return a unit has since corrected, or one
of another period, does not reach the figures and must not block them.

GE 1.x cannot validate DuckDB reliably through SQLAlchemy, so each table is read into a pandas
DataFrame over a read-only DuckDB connection and validated in an ephemeral GE context (nothing
is written to a gx/ folder). Each expectation's result becomes a CheckOutcome."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from contextlib import contextmanager

import duckdb
import great_expectations as gx

from checks.outcome import BLOCKING, ERROR, FAILED, MAX_EXAMPLES, PASSED, CheckOutcome, field_label, plain
from checks.raw_suites import (
    GX_SEVERITY,
    LINEAGE_INDEX,
    ROW_INDEX,
    columns_read,
    date_columns,
    expectations_for,
    from_day_number,
)
from domain import schema
from domain.warehouse import TABLES

SOURCE = "数据期望（GE）"
_ONE_VALIDATION_AT_A_TIME = threading.Lock()
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "unexpected_index_column_names": [ROW_INDEX],
    "partial_unexpected_count": MAX_EXAMPLES,
}


def validate_raw(
    connection: duckdb.DuckDBPyConnection,
    period_start: dt.date,
    period_end: dt.date,
    current: str = TABLES["current_submissions"],
) -> list[CheckOutcome]:
    """Every expectation of every raw table, as outcomes (a table that cannot be read is one
    blocking error, never a silent pass). `current`: the relation naming each unit's current
    workbook for the period (source_file, file_sha256, is_current): dbt's stg_submissions, or
    before dbt has built it, `current_in_raw` (checks/raw_beside_dbt.py)."""
    try:
        connection.execute(f"select source_file, file_sha256, is_current from {current} limit 0")
    except duckdb.Error as error:
        return [_no_current_submissions(current, error)]
    context = _quiet_context()
    # One data frame asset for every table (each added asset or suite rewrites the ephemeral
    # context's whole configuration as YAML); the suites are validated without being stored.
    tables = context.data_sources.add_pandas("raw").add_dataframe_asset("raw_table")
    batch_definition = tables.add_batch_definition_whole_dataframe("whole")
    outcomes: list[CheckOutcome] = []
    for sheet in schema.sheets():
        expectations = expectations_for(sheet, period_start, period_end)
        try:
            frame = connection.sql(_select(sheet, expectations, current)).df()
        except duckdb.Error as error:
            outcomes.append(_unreadable(sheet, error))
            continue
        if frame.empty:  # nothing can break an expectation; skip GE's set-up for this table
            outcomes.extend(_empty_table(sheet, expectation) for expectation in expectations)
            continue
        suite = gx.ExpectationSuite(name=f"raw_{sheet.name}", expectations=expectations)
        with _configurations_kept():
            result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
                suite, result_format=RESULT_FORMAT
            )
        outcomes.extend(_outcome(sheet, r, connection) for r in result.results)
    return outcomes


@contextmanager
def _configurations_kept():
    """GE 1.x rebuilds an expectation's configuration (a pydantic dict of every field) each time
    it asks for one of its arguments: some 60 times per expectation while it plans the metrics,
    a quarter of the checks' CPU. An expectation does not change while its suite is validated, so
    each one's configuration is built once for the validation (the same values: checks.json is
    byte for byte what it was). One validation at a time per process holds the property (a lock),
    so two threads never restore each other's."""
    from great_expectations.expectations.expectation import Expectation

    with _ONE_VALIDATION_AT_A_TIME:
        built = Expectation.__dict__["configuration"]  # GE's own property (no other validation holds it now)
        kept: dict[int, tuple] = {}

        def configuration(expectation):
            found = kept.get(id(expectation))
            if found is None or found[0] is not expectation:
                found = kept[id(expectation)] = (expectation, built.fget(expectation))
            return found[1]

        Expectation.configuration = property(configuration)
        try:
            yield
        finally:
            Expectation.configuration = built


def _quiet_context():
    """An ephemeral context without progress bars or usage analytics (no network in a run)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_expectations")]:
        logging.getLogger(name).setLevel(logging.ERROR)  # some set themselves to INFO

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _no_current_submissions(table: str, error: Exception) -> CheckOutcome:
    return CheckOutcome(
        check_id="raw.current_submissions",
        title="可确定各单位本期当前有效的报表",
        source=SOURCE,
        table=table,
        severity=BLOCKING,
        status=ERROR,
        detail=(
            f"无法读取 {table}：{error}。原始数据检查只查当前有效报表的行，须在 "
            "dbt build 之后运行（或在 domain/warehouse.py 的 TABLES 中更正表名）。"
        ),
    )


def _unreadable(sheet: schema.Sheet, error: Exception) -> CheckOutcome:
    return CheckOutcome(
        check_id=f"raw.{sheet.name}.readable",
        title=f"{sheet.title}·原始表可读取且列齐全",
        source=SOURCE,
        table=sheet.raw_table,
        severity=BLOCKING,
        status=ERROR,
        detail=(
            f"无法读取原始表 {sheet.raw_table}：{error}。请确认入库（ingest）已完成且表结构与 domain/schema.yaml 一致。"
        ),
    )


def _empty_table(sheet: schema.Sheet, expectation) -> CheckOutcome:
    return CheckOutcome(
        check_id=expectation.meta["check_id"],
        title=expectation.meta["title"],
        source=SOURCE,
        table=sheet.raw_table,
        severity=_severity(expectation),
        status=PASSED,
        detail="表中没有数据行",
    )


def _severity(expectation) -> str:
    """Ours, from the GE severity raw_suites gave the expectation (GX_SEVERITY)."""
    gx = str(getattr(expectation.severity, "value", expectation.severity))
    return {value: ours for ours, value in GX_SEVERITY.items()}.get(gx, BLOCKING)


def _outcome(sheet: schema.Sheet, result, connection: duckdb.DuckDBPyConnection) -> CheckOutcome:
    config = result.expectation_config
    meta = config.meta or {}
    severity = _severity(config)
    outcome = CheckOutcome(
        check_id=meta.get("check_id", f"raw.{sheet.name}.{config.type}"),
        title=meta.get("title", config.type),
        source=SOURCE,
        table=sheet.raw_table,
        severity=severity,
        status=PASSED if result.success else FAILED,
        count_noun="行",
        sheets=[sheet.name],
    )
    if result.exception_info.get("raised_exception"):
        outcome.status = ERROR
        outcome.detail = f"检查执行出错：{result.exception_info.get('exception_message')}"
        return outcome
    if not result.success:
        outcome.failing_count = int(result.result.get("unexpected_count") or 0)
        column = config.kwargs["column"]
        is_date = column in date_columns(sheet)
        failing = result.result.get("partial_unexpected_index_list") or []
        lineage = _lineage(connection, sheet, [row[ROW_INDEX] for row in failing])
        label = field_label(column) if column in dict(schema.lineage_columns()) else sheet.raw_column_label(column)
        outcome.examples = [_example(lineage.get(row[ROW_INDEX], {}), row, column, label, is_date) for row in failing]
        outcome.detail = f"“{label}”有 {outcome.failing_count} 行不符合要求"
        outcome.units = sorted({str(e["unit_code"]) for e in outcome.examples if e.get("unit_code")})
    return outcome


def current_in_raw(period_start: dt.date, period_end: dt.date) -> str:
    """What staging.stg_submissions holds of raw.submissions for the period (its columns the
    checks read), as a relation over the raw table: for checks that run before dbt builds it."""
    return (
        f"(select source_file, file_sha256, coalesce(is_current, false) as is_current from {TABLES['submissions']} "
        f"where period_start = DATE '{period_start.isoformat()}' and period_end = DATE '{period_end.isoformat()}')"
    )


def _select(sheet: schema.Sheet, expectations: list, current: str) -> str:
    """The columns the expectations need (see raw_suites.columns_read), of current rows only, in
    the returns' order (file, sheet, row): the examples a failed check shows are its first failing
    rows, the same whichever way raw.* was loaded (ingest/load/from_last_run.py keeps the rows of
    unchanged returns and appends the others)."""
    read = {
        "value": '"{c}"',
        "day": '("{c}" - DATE \'1970-01-01\')::DOUBLE as "{c}"',
        "number": '"{c}"::DOUBLE as "{c}"',
        "presence": 'if("{c}" is null, null, 1)::TINYINT as "{c}"',
    }
    columns = [f'rowid as "{ROW_INDEX}"'] + [
        read[how].format(c=name) for name, how in columns_read(sheet, expectations).items()
    ]
    return (
        f"select {', '.join(columns)} from {sheet.raw_table} as returned "
        "where (source_file, file_sha256) in (select source_file, "
        f"file_sha256 from {current} where is_current) "
        # qualified: a lineage column the checks read is in the frame as a presence flag (columns_read)
        "order by returned.source_file, returned.sheet, returned.source_row"
    )


def _lineage(connection: duckdb.DuckDBPyConnection, sheet: schema.Sheet, rows: list[int]) -> dict[int, dict]:
    """rowid → the lineage a clerk finds the row by, for the few failing rows shown."""
    if not rows:
        return {}
    listed = ", ".join(f'"{name}"' for name in LINEAGE_INDEX)
    found = connection.execute(
        f"select rowid, {listed} from {sheet.raw_table} where rowid in (select unnest(?::BIGINT[]))",
        [[int(r) for r in rows]],
    ).fetchall()
    return {row[0]: dict(zip(LINEAGE_INDEX, row[1:], strict=True)) for row in found}


def _example(lineage: dict, row: dict, column: str, label: str, is_date: bool) -> dict:
    """Lineage first, then the offending value under the column's Chinese name (a date as a date)."""
    example = {key: lineage.get(key) for key in LINEAGE_INDEX}
    value = row.get(column)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers are read as DOUBLE (raw_suites.columns_read): 20, not 20.0
    example[label] = from_day_number(value) if is_date and plain(value) is not None else value
    return example
