"""The business rules of the gate: each a small declarative entry (id, Chinese title, severity,
the tables it reads, a query returning the failing rows with their unit or lineage).

Every table a rule reads is named in TABLES below and nowhere else, so a renamed model is
re-pointed in one line. Besides the warehouse, queries may read three frames the runner
registers: `catalog` (seeds/indicator_catalog.csv), `expected_units` (ingest/units.yaml) and,
when the caller has them, `previous_indicators` (the last published run's indicators).
Queries may use the parameters $period_start and $period_end (DATE)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from checks.outcome import BLOCKING, WARNING

CATALOG_FILE = Path(__file__).resolve().parent.parent / "seeds" / "indicator_catalog.csv"

TABLES = {
    "indicators": "marts.indicators",
    "submissions": "raw.submissions",  # contract table: every workbook read, with its period
    # which workbook of each unit counts this period (is_current); the GE suites check only its rows
    "current_submissions": "staging.stg_submissions",
    "cards": "marts.cards",  # every current card row with is_in_force / holder_is_member and lineage
    "members_by_unit": "intermediate.int_members_by_unit",  # (unit, person) listed at the period's end
}

# A figure that moved by more than this share of its previous value is worth a second look;
# rates move in percentage points, so they get an absolute limit instead.
MAX_CHANGE_SHARE = 0.5
MAX_RATE_CHANGE = 0.10


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
def _labels() -> dict[str, str]:
    with open(CATALOG_FILE, encoding="utf-8", newline="") as handle:
        return {row["indicator_id"]: row["label"] for row in csv.DictReader(handle)}


# Which figure a row of marts.indicators is: the headline, a unit's, or another breakdown's.
_SCOPE = """case when {table}.breakdown_dim is null then '全区合计'
            when {table}.breakdown_dim = 'unit' then {table}.breakdown_key
            else {table}.breakdown_dim || '：' || {table}.breakdown_key end"""


def _not_more_than(lesser: str, greater: str) -> str:
    """Rows (headline and each breakdown) where indicator `lesser` exceeds `greater`."""
    return f"""
        with lesser as (
            select breakdown_dim, breakdown_key, value from {{indicators}} where indicator_id = '{lesser}'
        ),
        greater as (
            select breakdown_dim, breakdown_key, value from {{indicators}} where indicator_id = '{greater}'
        )
        select {_SCOPE.format(table="lesser")} as scope,
               lesser.value as "{_labels()[lesser]}",
               greater.value as "{_labels()[greater]}"
        from lesser
        join greater
            on lesser.breakdown_dim is not distinct from greater.breakdown_dim
            and lesser.breakdown_key is not distinct from greater.breakdown_key
        where lesser.value > greater.value
        order by scope
    """


RULES: tuple[Rule, ...] = (
    Rule(
        id="expected_units_present",
        title="每个应报单位都报送了本期报表",
        severity=BLOCKING,
        tables=("submissions",),
        sql="""
            select expected_units.unit_code, expected_units.unit_name as unit
            from expected_units
            where expected_units.unit_code not in (
                select unit_code from {submissions}
                where period_start = $period_start and period_end = $period_end and unit_code is not null
            )
            order by expected_units.unit_code
        """,
        advice="缺少单位的报表时全区合计不完整。请催报，或确认报表封面的填报单位与统计期填写正确。",
        count_noun="个单位",
    ),
    Rule(
        id="catalog_headlines_once",
        title="指标目录中的每个指标恰有一条非空的全区合计",
        severity=BLOCKING,
        tables=("indicators",),
        sql="""
            with headlines as (
                select indicator_id, count(*) as rows, count(value) as non_null
                from {indicators} where breakdown_dim is null group by indicator_id
            )
            select coalesce(catalog.indicator_id, headlines.indicator_id) as indicator_id,
                   coalesce(headlines.rows, 0) as headline_rows,
                   coalesce(headlines.non_null, 0) as non_null_values,
                   case when catalog.indicator_id is null then '不在指标目录中'
                        when headlines.rows is null then '缺少全区合计'
                        when headlines.rows > 1 then '全区合计重复'
                        else '全区合计为空' end as problem
            from catalog
            full join headlines on catalog.indicator_id = headlines.indicator_id
            where catalog.indicator_id is null or headlines.rows is null
               or headlines.rows <> 1 or headlines.non_null <> 1
            order by indicator_id
        """,
        advice="公报的每个数字都来自全区合计行。请检查 dbt 模型 marts.indicators（或某指标的分母为 0）。",
        count_noun="个指标",
    ),
    Rule(
        id="cards_not_more_than_members",
        title="各单位期末有效京卡数不超过期末会员人数",
        severity=BLOCKING,
        tables=("indicators",),
        sql=_not_more_than("cards_issued", "members"),
        advice="京卡只计期末在册会员的卡。请核对该单位的京卡办理与会员名册是否漏报会员或多报卡。",
    ),
    Rule(
        id="covered_not_more_than_unionised",
        title="合同覆盖企业数不超过已建会企业数",
        severity=BLOCKING,
        tables=("indicators",),
        sql=_not_more_than("enterprises_covered", "enterprises_unionised"),
        advice="被覆盖的企业都应在建会企业表中。请核对集体合同编号与建会企业表的填写。",
    ),
    Rule(
        id="mediated_not_more_than_closed",
        title="调解成功案件数不超过结案数",
        severity=BLOCKING,
        tables=("indicators",),
        sql=_not_more_than("disputes_mediated", "disputes_closed"),
        advice="调解成功的案件必须已结案。请核对劳动争议调解表的结案日期与调解结果。",
    ),
    Rule(
        id="rates_within_unit_interval",
        title="每个比率在 0 至 1 之间（分子不超过分母）",
        severity=BLOCKING,
        tables=("indicators",),
        sql=f"""
            select indicator_id, label, {_SCOPE.format(table="indicators")} as scope, value, numerator, denominator
            from {{indicators}} as indicators
            where style like 'pct:%'
              and (value < 0 or value > 1 or numerator < 0 or numerator > denominator)
            order by indicator_id, scope
        """,
        advice="比率超出 0–100% 说明分子分母口径不一致。请检查对应的 dbt 模型。",
    ),
    Rule(
        id="figures_not_negative",
        title="金额与计数不为负",
        severity=BLOCKING,
        tables=("indicators",),
        sql=f"""
            select indicator_id, label, {_SCOPE.format(table="indicators")} as scope, value
            from {{indicators}} as indicators
            where value < 0 or numerator < 0 or denominator < 0
            order by indicator_id, scope
        """,
        advice="负数的金额或计数不能发布。请检查对应报表中的冲销、更正记录或 dbt 模型。",
    ),
    Rule(
        id="cards_of_non_members",
        title="非会员持有的有效京卡（单列报告，不计入办卡数）",
        severity=WARNING,
        tables=("cards",),
        sql="""
            select unit_code, unit_short_name as unit, source_file, sheet, source_row
            from {cards}
            where is_in_force and not holder_is_member
            order by unit_code, source_file, source_row
        """,
        advice="持卡人不在任何单位期末会员名册中。请核对会员名册是否漏报，或该卡是否应注销。",
        count_noun="张",
    ),
    Rule(
        id="members_in_two_units",
        title="同一会员被两个及以上单位填报（按人去重只计一次）",
        severity=WARNING,
        tables=("members_by_unit",),
        sql="""
            with people as (
                select person_key, string_agg(distinct unit_code, '、' order by unit_code) as units
                from {members_by_unit} group by person_key having count(distinct unit_code) > 1
            )
            select units, count(*) as members
            from people group by units order by members desc, units
        """,
        advice="会员人数已按身份证去重；请相关单位核实该会员的所属工会，避免重复建档。",
        count_column="members",
        count_noun="人",
    ),
    Rule(
        id="moved_against_previous_period",
        title=f"与上期相比变动过大（数量超过 {MAX_CHANGE_SHARE:.0%}，比率超过 {MAX_RATE_CHANGE * 100:.0f} 个百分点）",
        severity=WARNING,
        tables=("indicators",),
        sql=f"""
            with now as (
                select indicator_id, style, cast(value as double) as value
                from {{indicators}} where breakdown_dim is null
            ),
            before as (
                select indicator_id, cast(value as double) as value
                from previous_indicators where breakdown_dim is null
            )
            select now.indicator_id, before.value as previous_value, now.value as value
            from now join before on now.indicator_id = before.indicator_id
            where case
                when now.style like 'pct:%' then abs(now.value - before.value) > {MAX_RATE_CHANGE}
                when before.value = 0 then now.value <> 0
                else abs(now.value - before.value) / abs(before.value) > {MAX_CHANGE_SHARE}
            end
            order by now.indicator_id
        """,
        advice="请核实变动的原因（口径变化、漏报或重复报送），必要时在公报中说明。",
        needs_previous=True,
        count_noun="个指标",
    ),
)
