"""The previous period's indicators, for 同比: which units reported that period, and dbt's build of
it into the *_previous schemas of the run's warehouse.

A comparison is only made against a whole district: the previous period (domain/periods.py: a year
before a year, a quarter before a quarter) is built when every expected unit (units.yaml) sent a
return for it, and otherwise its schemas are dropped, so no stale 上期 is ever read. The only table
read downstream is PREVIOUS_INDICATORS (reports/period_change.py; this period's rule
moved_against_previous_period). shushuo/previous_reuse.py copies it from build/current instead,
when nothing it is made of changed; shushuo/stages.py decides which."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from domain.periods import comparable, previous_period
from shushuo import dbt_runner
from shushuo.paths import BUILD_DIR, REPO_ROOT

PREVIOUS_SUFFIX = "_previous"  # dbt's var schema_suffix (macros/generate_schema_name.sql)
PREVIOUS_INDICATORS = f"marts{PREVIOUS_SUFFIX}.indicators"


def units_submitted(warehouse: Path, period_start: date, period_end: date) -> set[str]:
    """The units with a return counted for exactly this period (is_current: ingest decided; a held
    file is not a unit's return)."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            rows = con.execute(
                "select distinct unit_code from raw.submissions where "
                "period_start = ? and period_end = ? and is_current",
                [period_start, period_end],
            ).fetchall()
        except duckdb.CatalogException:
            return set()
    return {r[0] for r in rows}


def has_submissions(warehouse: Path, period_start: date, period_end: date) -> bool:
    """Whether every expected unit sent a return counted for this period, so that it may be compared
    with (domain/periods.py comparable)."""
    return comparable(units_submitted(warehouse, period_start, period_end))


def _drop_previous(warehouse: Path) -> None:
    """Remove a previous period's schemas left in the warehouse, so no stale 上期 is ever read."""
    import duckdb

    with duckdb.connect(str(warehouse)) as con:
        schemas = [
            r[0]
            for r in con.execute(
                "select schema_name from information_schema.schemata where "
                "catalog_name = current_database() and schema_name like ?",
                [f"%{PREVIOUS_SUFFIX}"],
            ).fetchall()
        ]
        for schema in schemas:
            con.execute(f'drop schema "{schema}" cascade')


def build(
    warehouse: Path,
    period_start: date,
    period_end: date,
    *,
    project_dir: Path = REPO_ROOT,
    target_dir: Path | None = None,
    engine: str = dbt_runner.DUCKDB,
    build_dir: Path = BUILD_DIR,
) -> dbt_runner.BuildResult | None:
    """The indicators of the period before [period_start, period_end] (same length, see
    previous_period) into marts_previous.indicators, when the input holds returns for it; None
    (and no *_previous schema) when it does not, or not from every expected unit.

    `dbt run --select +indicators` with vars schema_suffix=_previous: only the models the
    indicators need, into staging_previous, intermediate_previous and marts_previous, reading
    the shared seeds; no data tests (the gate checks this period; the previous one's figures
    are only compared with). Its own target folder keeps dbt's partial parse of each period
    valid (changed vars would force a full re-parse of the project every time); nothing reads
    its manifest or run results, so dbt does not write them."""
    start, end = previous_period(period_start, period_end)
    if not has_submissions(warehouse, start, end):
        _drop_previous(warehouse)
        return None
    target_dir = Path(target_dir) if target_dir else dbt_runner.default_target(engine, build_dir)
    return dbt_runner.build(
        warehouse,
        start,
        end,
        project_dir=Path(project_dir).resolve(),
        target_dir=target_dir.parent / f"{target_dir.name}{PREVIOUS_SUFFIX}",
        select="+indicators",
        more_vars={"schema_suffix": PREVIOUS_SUFFIX},
        # seeds too (they stay in reference, shared): this runs before the period's own build, whose
        # rule moved_against_previous_period reads marts_previous.indicators
        resource_types=("seed", "model"),
        artifacts=False,
        engine=engine,
        build_dir=build_dir,
    )
