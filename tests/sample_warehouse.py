"""Small and large stand-in warehouses for the gate's tests and timings: the raw tables exactly
as domain/schema.py declares them (so the suites meet the real columns), filled with rows the
caller gives or with fabricated ones. Not used by a real run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from domain import schema
from ingest.load.current import mark_current
from ingest.load.raw_tables import INGEST_SHEETS_COLUMNS, SUBMISSIONS_COLUMNS


def create_raw_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Every raw table of the schema, empty, plus raw.submissions, raw.ingest_sheets and a stand-in for dbt's
    staging.stg_submissions (raw.submissions as it is: which file counts is recorded there by ingest)."""
    connection.execute("create schema if not exists raw")
    for sheet in schema.sheets():
        columns = ", ".join(f'"{name}" {type_}' for name, type_ in sheet.raw_columns)
        connection.execute(f"create or replace table {sheet.raw_table} ({columns})")
    submission_columns = ", ".join(f"{name} {type_}" for name, type_ in SUBMISSIONS_COLUMNS)
    connection.execute(f"create or replace table raw.submissions ({submission_columns})")
    sheet_columns = ", ".join(f"{name} {type_}" for name, type_ in INGEST_SHEETS_COLUMNS)
    connection.execute(f"create or replace table raw.ingest_sheets ({sheet_columns})")
    connection.execute("create schema if not exists staging")
    connection.execute("create or replace view staging.stg_submissions as select * from raw.submissions")


def submit(
    connection, unit_code: str, period: tuple[dt.date, dt.date], source_file: str, filled_on: dt.date | None = None
) -> None:
    """Record a workbook in raw.submissions unless it is there (same file name), and which file
    counts as a run decides it (ingest.load.current.mark_current)."""
    ((known,),) = connection.execute(
        "select count(*) from raw.submissions where source_file = ?", [source_file]
    ).fetchall()
    if not known:
        unit_name = next((u.name for u in schema.units() if u.code == unit_code), unit_code)
        connection.execute(
            "insert into raw.submissions (unit_code, unit_name, "
            "period_start, period_end, source_file, file_sha256, filled_on)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [unit_code, unit_name, period[0], period[1], source_file, SHA256, filled_on],
        )
        mark_current(connection)


SHA256 = "0" * 64


def lineage(
    unit_code: str, period: tuple[dt.date, dt.date], row: int, source_file: str | None = None, sheet_title: str = ""
) -> dict:
    return {
        "unit_code": unit_code,
        "period_start": period[0],
        "period_end": period[1],
        "source_file": source_file or f"{unit_code}.xlsx",
        "file_sha256": SHA256,
        "sheet": sheet_title,
        "source_row": row,
        "loaded_at": dt.datetime(2000, 1, 1),
    }


def insert_rows(connection: duckdb.DuckDBPyConnection, sheet_name: str, rows: list[dict]) -> None:
    """Insert rows (dicts of raw column → value; missing columns are NULL) into raw.<sheet>, and
    record each row's workbook in raw.submissions if it is not there yet."""
    sheet = schema.sheet(sheet_name)
    names = [name for name, _ in sheet.raw_columns]
    frame = pd.DataFrame([{name: row.get(name) for name in names} for row in rows], columns=names)
    connection.register("incoming_rows", frame)
    casts = ", ".join(f'cast("{name}" as {type_}) as "{name}"' for name, type_ in sheet.raw_columns)
    connection.execute(f"insert into {sheet.raw_table} select {casts} from incoming_rows")
    connection.unregister("incoming_rows")
    for row in rows:
        submit(connection, row["unit_code"], (row["period_start"], row["period_end"]), row["source_file"])


def fabricate(
    connection: duckdb.DuckDBPyConnection, sheet_name: str, rows: int, period: tuple[dt.date, dt.date]
) -> None:
    """Fill raw.<sheet> with `rows` valid-looking rows, generated in SQL (fast at 10^5–10^6)."""
    sheet = schema.sheet(sheet_name)
    codes = [u.code for u in schema.units() if u.kind in sheet.submitted_by]
    start, end = period
    days = (end - start).days
    selects = []
    for name, type_ in sheet.raw_columns:
        selects.append(f"{_generated(sheet, name, type_, codes, start, days)} as \"{name}\"")
    connection.execute(f"insert into {sheet.raw_table} select {', '.join(selects)} from range({rows}) t(i)")
    for code in codes:
        submit(connection, code, period, f"{code}.xlsx")


def _generated(sheet: schema.Sheet, name: str, type_: str, codes: list[str], start: dt.date, days: int) -> str:
    column = next((c for c in sheet.columns if name == c.name), None)
    code_list = "[" + ", ".join(f"'{c}'" for c in codes) + "]"
    lineage_sql = {
        "unit_code": f"{code_list}[1 + i % {len(codes)}]",
        "period_start": f"DATE '{start.isoformat()}'",
        "period_end": f"DATE '{start.isoformat()}' + {days}",
        "source_file": f"{code_list}[1 + i % {len(codes)}] || '.xlsx'",
        "file_sha256": f"'{SHA256}'",
        "sheet": f"'{sheet.title}'",
        "source_row": "4 + i",
        "loaded_at": "now()::TIMESTAMP",
    }
    if name in lineage_sql:
        return lineage_sql[name]
    if name.endswith("_key"):
        return "sha256(i::VARCHAR)"
    if name.endswith("_birth_year"):
        return "(1960 + i % 40)::SMALLINT"
    if name.endswith("_sex"):
        return "case when i % 2 = 0 then '男' else '女' end"
    if column is not None and column.type == "enum":
        values = "[" + ", ".join(f"'{v}'" for v in column.values) + "]"
        return f"{values}[1 + i % {len(column.values)}]"
    if type_ == "DATE":
        return f"DATE '{start.isoformat()}' + (i % {days + 1})::INTEGER"
    if type_ == "BIGINT":
        return f"{(column.min or 0)} + i % 50"
    if type_.startswith("DECIMAL"):
        return f"((i % 100000) / 100.0)::{type_}"
    if type_ == "BOOLEAN":
        return "i % 3 = 0"
    return f"'{name} ' || i"


def create_model_tables(connection: duckdb.DuckDBPyConnection, period: tuple[dt.date, dt.date]) -> None:
    """The model tables the business rules read, in a state that passes every rule: a headline
    row per catalog indicator (made-up values, rates as 1/2), a submission from every unit of
    units.yaml, one row in staging.stg_<sheet> from each unit that must fill a sheet flagged
    expected_nonempty (the other staging tables empty), and the other models empty (columns as
    the dbt models make them)."""
    from domain.paths import CATALOG_FILE  # the catalog the gate itself reads

    connection.execute("create schema if not exists marts")
    connection.execute(
        "create or replace table marts.indicators (indicator_id VARCHAR, topic VARCHAR, label VARCHAR, unit VARCHAR,"
        " printed_unit VARCHAR, style VARCHAR, definition VARCHAR, breakdown_dim VARCHAR, breakdown_key VARCHAR,"
        " value DECIMAL(38,6), numerator DECIMAL(38,2), denominator DECIMAL(38,2), period_start DATE, period_end DATE)"
    )
    catalog = pd.read_csv(CATALOG_FILE, dtype=str)
    rows = []
    for entry in catalog.itertuples():
        rate = entry.style.startswith("pct:")
        rows.append(
            dict(
                indicator_id=entry.indicator_id,
                topic=entry.topic,
                label=entry.label,
                unit=entry.unit,
                printed_unit=entry.printed_unit,
                style=entry.style,
                definition=entry.definition,
                breakdown_dim=None,
                breakdown_key=None,
                value=0.5 if rate else 10,
                numerator=1 if rate else None,
                denominator=2 if rate else None,
                period_start=period[0],
                period_end=period[1],
            )
        )
    connection.register("catalog_rows", pd.DataFrame(rows))
    connection.execute("insert into marts.indicators by name select * from catalog_rows")
    connection.unregister("catalog_rows")
    connection.execute("create schema if not exists intermediate")
    connection.execute(
        "create or replace table marts.cards (unit_code VARCHAR, unit_short_name VARCHAR, card_key VARCHAR,"
        " holder_key VARCHAR, issued_on DATE, status VARCHAR, cancelled_on DATE, activated_on DATE,"
        " is_in_force BOOLEAN, is_activated BOOLEAN, holder_is_member BOOLEAN, is_counted BOOLEAN,"
        " source_file VARCHAR, sheet VARCHAR, source_row BIGINT)"
    )
    connection.execute(
        "create or replace table intermediate.int_members_by_unit (unit_code VARCHAR, person_key VARCHAR,"
        " joined_on DATE, rows_listed BIGINT)"
    )
    connection.execute(
        "create or replace table marts.members_on_several_rolls (group_no BIGINT, person_key VARCHAR,"
        " unit_code VARCHAR, unit_name VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row BIGINT,"
        " grassroots_union VARCHAR, joined_on DATE)"
    )
    connection.execute(
        "create or replace table marts.mediation_cases (unit_code VARCHAR, unit_short_name VARCHAR, case_no VARCHAR,"
        " accepted_on DATE, closed_on DATE, cause VARCHAR, workers BIGINT, amount DECIMAL(18,2), outcome VARCHAR,"
        " is_closed_in_period BOOLEAN, is_mediated_in_period BOOLEAN, "
        "source_file VARCHAR, sheet VARCHAR, source_row BIGINT)"
    )
    connection.execute(
        "create or replace table intermediate.int_contracts_in_force "
        "(contract_no VARCHAR, is_collective_contract BOOLEAN,"
        " is_wage_agreement BOOLEAN, form VARCHAR, enterprises_declared BIGINT, filing_units BIGINT)"
    )
    connection.execute(
        "create or replace table intermediate.int_enterprise_contract_references "
        "(unit_code VARCHAR, credit_code VARCHAR,"
        " cited_in VARCHAR, cited_no VARCHAR, source_file VARCHAR, sheet VARCHAR, source_row BIGINT)"
    )
    for unit in schema.units():
        submit(connection, unit.code, period, fixture_file(unit))
    _create_staging_sheets(connection)
    _create_seeds(connection, catalog)


def _create_seeds(connection: duckdb.DuckDBPyConnection, catalog: pd.DataFrame) -> None:
    """dbt's seeds as `dbt seed` makes them (reference.units, reference.indicator_catalog): the rules read them."""
    connection.execute("create schema if not exists reference")
    units = pd.DataFrame(
        [{"unit_code": u.code, "unit_name": u.name, "short_name": u.short, "kind": u.kind} for u in schema.units()]
    )
    for name, frame in (("units", units), ("indicator_catalog", catalog)):
        connection.register("seed_rows", frame)
        connection.execute(f"create or replace table reference.{name} as select * from seed_rows")
        connection.unregister("seed_rows")


def empty_warehouse(path: Path, period: tuple[dt.date, dt.date]) -> Path:
    """A DuckDB file at `path` with every raw table and the model tables the gate reads, empty."""
    with duckdb.connect(str(path)) as connection:
        create_raw_tables(connection)
        create_model_tables(connection, period)
    return path


def fixture_file(unit: schema.Unit) -> str:
    """The workbook create_model_tables submits for a unit: its short name, as clerks name files."""
    return f"{unit.short}.xlsx"


def _create_staging_sheets(connection: duckdb.DuckDBPyConnection) -> None:
    """staging.stg_<sheet> as tables with the raw columns; a sheet flagged expected_nonempty gets
    one lineage-only row from every unit of a kind that must fill it."""
    from domain.schema import expected_nonempty

    flagged = expected_nonempty()
    for sheet in schema.sheets():
        connection.execute(
            f"create or replace table staging.stg_{sheet.name} as select * from {sheet.raw_table} limit 0"
        )
        rows = [(u.code, fixture_file(u)) for u in schema.units() if u.kind in sheet.submitted_by]
        if sheet.name in flagged and rows:
            values = ", ".join(f"('{code}', '{file}', '{sheet.title}', 4)" for code, file in rows)
            connection.execute(
                f"insert into staging.stg_{sheet.name} (unit_code, source_file, sheet, source_row) values {values}"
            )
