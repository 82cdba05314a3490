"""What a business rule is, and the one table (TABLES) that names every model a rule reads, so
a renamed model is re-pointed in one line. The rule modules (rules.py, rules_by_unit.py,
rules_rows.py) build on it; rules.py assembles them into RULES."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from ingest import schema
from ingest.paths import CATALOG_FILE

TABLES = {
    "indicators": "marts.indicators",
    "submissions": "raw.submissions",  # contract table: every workbook read, with its period
    "ingest_sheets": "raw.ingest_sheets",  # per file and sheet: rows read, loaded, rejected, skipped
    # which workbook of each unit counts this period (is_current); the GE suites check only its rows
    "current_submissions": "staging.stg_submissions",
    "cards": "marts.cards",  # every current card row with is_in_force / holder_is_member and lineage
    "members_by_unit": "intermediate.int_members_by_unit",  # (unit, person) listed at the period's end
    "mediation_cases": "marts.mediation_cases",  # every current case row with is_closed_in_period
    "contracts_in_force": "intermediate.int_contracts_in_force",  # one row per contract number
    "contract_references": "intermediate.int_enterprise_contract_references",  # enterprise row → number cited
    # the rows of each sheet in the current returns (generated from the schema by shushuo.dbt_sources)
    **{f"stg_{sheet.name}": f"staging.stg_{sheet.name}" for sheet in schema.sheets()},
}


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    tables: tuple[str, ...]  # keys of TABLES
    sql: str  # {indicators}, {members} … are replaced by TABLES; returns the failing rows
    advice: str  # what to do, in Chinese, for whoever reads the report
    count_column: str | None = None  # failing rows are groups: sum this column to count them
    count_noun: str = "条"  # what a failing row is, for "3 条不符合"
    needs_previous: bool = False

    def query(self) -> str:
        return self.sql.format(**TABLES)


@cache
def labels() -> dict[str, str]:
    with open(CATALOG_FILE, encoding="utf-8", newline="") as handle:
        return {row["indicator_id"]: row["label"] for row in csv.DictReader(handle)}


def expected_nonempty() -> dict[str, str]:
    """sheet name → severity, for the sheets the schema flags `expected_nonempty`."""
    return {s.name: s.expected_nonempty for s in schema.sheets() if s.expected_nonempty}


# Which figure a row of marts.indicators is: the headline, a unit's, or another breakdown's.
SCOPE = """case when {table}.breakdown_dim is null then '全区合计'
            when {table}.breakdown_dim = 'unit' then {table}.breakdown_key
            else {table}.breakdown_dim || '：' || {table}.breakdown_key end"""


def not_more_than(lesser: str, greater: str) -> str:
    """Rows (headline and each breakdown) where indicator `lesser` exceeds `greater`."""
    return f"""
        with lesser as (
            select breakdown_dim, breakdown_key, value from {{indicators}} where indicator_id = '{lesser}'
        ),
        greater as (
            select breakdown_dim, breakdown_key, value from {{indicators}} where indicator_id = '{greater}'
        )
        select {SCOPE.format(table="lesser")} as scope,
               lesser.value as "{labels()[lesser]}",
               greater.value as "{labels()[greater]}"
        from lesser
        join greater
            on lesser.breakdown_dim is not distinct from greater.breakdown_dim
            and lesser.breakdown_key is not distinct from greater.breakdown_key
        where lesser.value > greater.value
        order by scope
    """
