"""Run the schema-derived suites over the raw tables of a warehouse.

Only rows of the workbooks that count are checked (the current submission of each unit for the
run's period, as dbt's stg_submissions marks them): a return a unit has since corrected, or one
of another period, does not reach the figures and must not block them.

GE 1.x cannot validate DuckDB reliably through SQLAlchemy, so a table's rows are read over a DuckDB
connection (to the warehouse, or to views of the run's Parquet files: checks/raw_beside_dbt.py)
into pandas DataFrames, a batch of returns at a time (checks/raw_batches.py), and validated in an
ephemeral GE context (nothing is written to a gx/ folder). Each expectation's result is split by
return (checks/raw_check_cache.py keeps each return's findings by its bytes) and a table's outcome
is made of its current returns': only returns not kept are read and validated, and GE is imported
only if there is one."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb

from checks import raw_batches
from checks.outcome import BLOCKING, ERROR, FAILED, MAX_EXAMPLES, PASSED, CheckOutcome, field_label, plain
from checks.raw_check_cache import Check, Finding, RawCheckCache
from domain import schema
from domain.warehouse import TABLES

SOURCE = "数据期望（GE）"
_ONE_VALIDATION_AT_A_TIME = threading.Lock()


def validate_raw(
    connection: duckdb.DuckDBPyConnection,
    period_start: dt.date,
    period_end: dt.date,
    current: str = TABLES["current_submissions"],
    cache: Path | None = None,
) -> list[CheckOutcome]:
    """Every expectation of every raw table, as outcomes (a table that cannot be read is one
    blocking error, never a silent pass). `current`: the relation naming each unit's current
    workbook for the period (source_file, file_sha256, is_current): dbt's stg_submissions, or
    before dbt has built it, `current_in_raw` (checks/raw_beside_dbt.py). `cache`: the folder of
    findings kept per return (checks/raw_check_cache.py); only returns not kept there are validated."""
    try:
        connection.execute(f"select source_file, file_sha256, is_current from {current} limit 0")
    except duckdb.Error as error:
        return [_no_current_submissions(current, error)]
    kept = RawCheckCache(cache, period_start, period_end)
    validator: _Validator | None = None
    suites = kept.suites()
    if suites is None:
        validator = _Validator(period_start, period_end)
        suites = validator.suites()
        kept.keep_suites(suites)
    outcomes: list[CheckOutcome] = []
    for sheet in schema.sheets():
        checks = suites[sheet.name]
        try:
            returns = _returns(connection, sheet, current)
        except duckdb.Error as error:
            outcomes.append(_unreadable(sheet, error))
            continue
        if not returns:  # nothing can break an expectation; skip GE's set-up for this table
            outcomes.extend(_empty_table(sheet, check) for check in checks)
            continue
        findings: dict[tuple[str, str], dict[str, Finding]] = {}
        missing: dict[tuple[str, str], int] = {}
        for name, sha, rows in returns:
            found_before = kept.findings(sha, sheet.name)
            if found_before is None:
                missing[name, sha] = rows
            else:
                findings[name, sha] = found_before
        for batch in raw_batches.batches(missing):
            validator = validator or _Validator(period_start, period_end)
            for of_return, found in validator.validate(connection, sheet, batch).items():
                findings[of_return] = found
                kept.keep(of_return[1], sheet.name, found)
        outcomes.extend(
            _outcome(sheet, check, [(name, findings[name, sha][check.check_id]) for name, sha, _ in returns])
            for check in checks
        )
    kept.write()
    return outcomes


def _returns(connection: duckdb.DuckDBPyConnection, sheet: schema.Sheet, current: str) -> list[tuple[str, str, int]]:
    """(source_file, file_sha256, rows) of the current returns with rows in the sheet's raw table,
    in the returns' order (by file name)."""
    return connection.execute(
        f"select source_file, file_sha256, count(*) from {sheet.raw_table} "
        "where (source_file, file_sha256) in (select source_file, "
        f"file_sha256 from {current} where is_current) group by all order by source_file"
    ).fetchall()


def _outcome(sheet: schema.Sheet, check: Check, findings: list[tuple[str, Finding]]) -> CheckOutcome:
    """A check's outcome from each current return's finding (in the returns' order): failing rows
    counted over all, the first of them as examples, shown under each return's present name."""
    outcome = _passed(sheet, check, count_noun="行", sheets=[sheet.name])
    errors = [finding.error for _, finding in findings if finding.error]
    if errors:
        outcome.status = ERROR
        outcome.detail = f"检查执行出错：{errors[0]}"
        return outcome
    failing = sum(finding.failing for _, finding in findings)
    if failing:
        outcome.status = FAILED
        outcome.failing_count = failing
        examples = [{**example, "source_file": name} for name, finding in findings for example in finding.first]
        outcome.examples = examples[:MAX_EXAMPLES]
        outcome.detail = f"“{_label(sheet, check.column)}”有 {failing} 行不符合要求"
        outcome.units = sorted({str(e["unit_code"]) for e in outcome.examples if e.get("unit_code")})
    return outcome


def _label(sheet: schema.Sheet, column: str) -> str:
    return field_label(column) if column in dict(schema.lineage_columns()) else sheet.raw_column_label(column)


class _Validator:
    """Great Expectations, imported and set up only when some return's rows must be validated."""

    def __init__(self, period_start: dt.date, period_end: dt.date):
        from checks.raw_suites import ROW_INDEX

        self.period = (period_start, period_end)
        context = _quiet_context()
        # One data frame asset for every table (each added asset or suite rewrites the ephemeral
        # context's whole configuration as YAML); the suites are validated without being stored.
        tables = context.data_sources.add_pandas("raw").add_dataframe_asset("raw_table")
        self.batch_definition = tables.add_batch_definition_whole_dataframe("whole")
        # every failing row's index (COMPLETE): the rows are split by return, each keeps its first
        self.result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_INDEX]}

    def expectations(self, sheet: schema.Sheet) -> list:
        from checks.raw_suites import expectations_for

        return expectations_for(sheet, *self.period)

    def suites(self) -> dict[str, list[Check]]:
        """Each table's checks in the order GE reports their results: by column, the columns in the
        order the suite first names them (the order checks.json and the report have always had)."""
        suites = {}
        for sheet in schema.sheets():
            checks = [_check(e) for e in self.expectations(sheet)]
            first: dict[str, int] = {}
            for check in checks:
                first.setdefault(check.column, len(first))
            suites[sheet.name] = sorted(checks, key=lambda check: first[check.column])  # stable
        return suites

    def validate(
        self, connection: duckdb.DuckDBPyConnection, sheet: schema.Sheet, returns: list[tuple[str, str]]
    ) -> dict[tuple[str, str], dict[str, Finding]]:
        """(source_file, file_sha256) → check id → what the check found in that return's rows."""
        import great_expectations as gx

        expectations = self.expectations(sheet)
        suite = gx.ExpectationSuite(name=f"raw_{sheet.name}", expectations=expectations)
        with _configurations_kept():
            result = self.batch_definition.get_batch(
                batch_parameters={"dataframe": raw_batches.frame(connection, sheet, expectations, returns)}
            ).validate(suite, result_format=self.result_format)
        return _findings(connection, sheet, result, returns)


def _findings(
    connection: duckdb.DuckDBPyConnection, sheet: schema.Sheet, result, returns: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Finding]]:
    """A batch's validation result split by return: (source_file, file_sha256) → check id → finding."""
    from checks.raw_suites import ROW_INDEX

    found: dict[tuple[str, str], dict[str, Finding]] = {of_return: {} for of_return in returns}
    of_name = {name: (name, sha) for name, sha in returns}
    failing = {row[ROW_INDEX] for r in result.results for row in (r.result.get("unexpected_index_list") or [])}
    lineage = raw_batches.lineage(connection, sheet, returns, failing)
    for r in result.results:
        check = _check(r.expectation_config)
        if r.exception_info.get("raised_exception"):
            for of_return in found:
                found[of_return][check.check_id] = Finding(error=str(r.exception_info.get("exception_message")))
            continue
        for of_return in found:
            found[of_return][check.check_id] = Finding()
        for name, (count, first) in _failing_by_return(sheet, check.column, r.result, lineage).items():
            found[of_name[name]][check.check_id] = Finding(count, first)
    return found


def _check(expectation) -> Check:
    """A check as the outcomes name it, from an expectation of raw_suites (or its configuration in
    a result): raw_suites puts the check's id and title in every expectation's meta."""
    column = expectation.kwargs["column"] if hasattr(expectation, "kwargs") else expectation.column
    return Check(expectation.meta["check_id"], expectation.meta["title"], _severity(expectation), column)


def _failing_by_return(
    sheet: schema.Sheet, column: str, result: dict, lineage: dict[int, dict]
) -> dict[str, tuple[int, list[dict]]]:
    """Source file → (its failing rows, the first of them as examples, in the returns' order)."""
    from checks.raw_suites import ROW_INDEX, date_columns

    failing = result.get("unexpected_index_list") or []
    if not failing:
        return {}
    label, is_date = _label(sheet, column), column in date_columns(sheet)
    counts: dict[str, int] = {}
    first: dict[str, list[dict]] = {}
    for row in failing:
        of_row = lineage.get(row[ROW_INDEX], {})
        name = str(of_row.get("source_file"))
        counts[name] = counts.get(name, 0) + 1
        if counts[name] <= MAX_EXAMPLES:
            first.setdefault(name, []).append(_example(of_row, row, column, label, is_date))
    return {name: (count, first[name]) for name, count in counts.items()}


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


def _empty_table(sheet: schema.Sheet, check: Check) -> CheckOutcome:
    return _passed(sheet, check, detail="表中没有数据行")


def _passed(sheet: schema.Sheet, check: Check, **more) -> CheckOutcome:
    """A check of the sheet's raw table that passed (until its findings say otherwise)."""
    return CheckOutcome(
        check_id=check.check_id,
        title=check.title,
        source=SOURCE,
        table=sheet.raw_table,
        severity=check.severity,
        status=PASSED,
        **more,
    )


def _severity(expectation) -> str:
    """Ours, from the GE severity raw_suites gave the expectation (GX_SEVERITY)."""
    from checks.raw_suites import GX_SEVERITY

    gx = str(getattr(expectation.severity, "value", expectation.severity))
    return {value: ours for ours, value in GX_SEVERITY.items()}.get(gx, BLOCKING)


def current_in_raw(period_start: dt.date, period_end: dt.date) -> str:
    """What staging.stg_submissions holds of raw.submissions for the period (its columns the
    checks read), as a relation over the raw table: for checks that run before dbt builds it."""
    return (
        f"(select source_file, file_sha256, coalesce(is_current, false) as is_current from {TABLES['submissions']} "
        f"where period_start = DATE '{period_start.isoformat()}' and period_end = DATE '{period_end.isoformat()}')"
    )


def _example(lineage: dict, row: dict, column: str, label: str, is_date: bool) -> dict:
    """Lineage first, then the offending value under the column's Chinese name (a date as a date)."""
    from checks.raw_suites import LINEAGE_INDEX, from_day_number

    example = {key: lineage.get(key) for key in LINEAGE_INDEX}
    value = row.get(column)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers are read as DOUBLE (raw_suites.columns_read): 20, not 20.0
    example[label] = from_day_number(value) if is_date and plain(value) is not None else value
    return example
