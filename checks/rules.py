"""The business rules of the gate: each a small declarative entry (id, Chinese title, severity,
the tables it reads, a query returning the failing rows with their unit or lineage). This module
holds the rules on the figures and the submissions; rules_by_unit.py and rules_rows.py those on
each unit's own lists and on single rows; RULES below is all of them, in report order.

Every table a rule reads is named in TABLES (checks/rule_base.py) and nowhere else, so a renamed
model is re-pointed in one line. Besides the warehouse, queries may read three frames the runner
registers: `catalog` (seeds/indicator_catalog.csv), `expected_units` (ingest/units.yaml: code,
name, short name, kind) and, when the caller has them, `previous_indicators` (the previous
period's indicators, marts_previous.indicators, built in the same run from that period's
returns). Queries may use the parameters $period_start and $period_end (DATE)."""

from __future__ import annotations

from checks.outcome import BLOCKING, INFO, VERIFY
from checks.rule_base import CATALOG_FILE, SCOPE, TABLES, Rule, not_more_than
from checks.rules_by_unit import SHEETS_FILLED, UNIT_RULES
from checks.rules_rows import ROW_RULES

__all__ = ["CATALOG_FILE", "RULES", "TABLES", "Rule"]

# A figure that moved by more than this share of its previous value is worth a second look;
# rates move in percentage points, so they get an absolute limit instead.
MAX_CHANGE_SHARE = 0.5
MAX_RATE_CHANGE = 0.10

INTERNAL = "（内部一致性）"
INTERNAL_ADVICE = "此项由模型的口径保证，报表数据不会使它不通过；不通过说明 dbt 模型有误，请检查模型而不是报表。"

# The units counted this period: those with a current return (ingest/current.py decided, in raw.submissions).
_COUNTED = """
    select unit_code from {submissions}
    where period_start = $period_start and period_end = $period_end and is_current and unit_code is not null
"""
# Each held file of the period under both units it names: the one its origin names and its cover's.
_HELD_UNITS = """
    select unnest([unit_code, claimed_unit_code]) as unit_code, source_file, status_reason
    from {submissions}
    where period_start = $period_start and period_end = $period_end and status = 'held'
"""

FIGURE_RULES: tuple[Rule, ...] = (
    Rule(
        id="expected_units_present",
        title="每个应报单位都报送了本期报表",
        severity=BLOCKING,
        tables=("submissions",),
        sql=f"""
            with held_units as ({_HELD_UNITS})
            select expected_units.unit_code, expected_units.unit_name as unit
            from expected_units
            where expected_units.unit_code not in ({_COUNTED})
              and expected_units.unit_code not in (select unit_code from held_units where unit_code is not null)
            order by expected_units.unit_code
        """,
        advice=(
            "缺少单位的报表时全区合计不完整。请催报，或确认报表封面的填报单位与统计期填写正确；"
            "已报送但文件无法读取或未能入库的单位见提交情况.xlsx，请按其整改清单请单位重报。"
        ),
        count_noun="个单位",
    ),
    Rule(
        id="returns_held",
        title="报表被暂扣的单位（文件来源与封面填报单位不一致，未计入）",
        severity=BLOCKING,
        tables=("submissions",),
        sql=f"""
            with held_units as ({_HELD_UNITS})
            select expected_units.unit_code, expected_units.unit_name as unit, held_units.source_file,
                   held_units.status_reason as problem
            from expected_units
            join held_units on held_units.unit_code = expected_units.unit_code
            where expected_units.unit_code not in ({_COUNTED})
            order by expected_units.unit_code, held_units.source_file
        """,
        advice="这些单位没有计入统计的报表：它们名下的文件因来源（上传账号、文件名或所在文件夹）与封面「填报单位」不一致而暂扣，"
        "全区合计因此不完整。请核实文件是哪个单位的，由该单位改正封面或以本单位名义重新报送；整改清单已写明改法。",
        count_noun="项",
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
        id="rates_within_unit_interval",
        title="每个比率在 0 至 1 之间（分子不超过分母）",
        severity=BLOCKING,
        tables=("indicators",),
        sql=f"""
            select indicator_id, label, {SCOPE.format(table="indicators")} as scope, value, numerator, denominator
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
            select indicator_id, label, {SCOPE.format(table="indicators")} as scope, value
            from {{indicators}} as indicators
            where value < 0 or numerator < 0 or denominator < 0
            order by indicator_id, scope
        """,
        advice="负数的金额或计数不能发布。请检查对应报表中的冲销、更正记录或 dbt 模型。",
    ),
    Rule(
        id="cards_of_non_members",
        title="非会员持有的有效京卡（单列报告，不计入办卡数）",
        severity=INFO,
        tables=("cards",),
        sql="""
            select unit_code, unit_short_name as unit, source_file, sheet, source_row
            from {cards}
            where is_in_force and not holder_is_member
            order by unit_code, source_file, source_row
        """,
        advice="持卡人不在任何单位期末会员名册中。请核对会员名册是否漏报，或该卡是否应注销。",
        sheets=('cards',),
        count_noun="张",
    ),
    Rule(
        id="members_in_two_units",
        title="同一会员被两个及以上单位填报（按人去重只计一次）",
        severity=INFO,
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
        sheets=('members',),
        count_noun="人",
    ),
    Rule(
        id="moved_against_previous_period",
        title=f"与上期相比变动过大（数量超过 {MAX_CHANGE_SHARE:.0%}，比率超过 {MAX_RATE_CHANGE * 100:.0f} 个百分点）",
        severity=VERIFY,
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


# Checks that the models keep their own definitions (each is true by construction, so data cannot
# break it): cheap, kept to catch a model change, labelled 内部一致性 in the report.
def _internal(name: str, title: str, lesser: str, greater: str) -> Rule:
    return Rule(
        id=f"internal.{name}",
        title=f"{INTERNAL}{title}",
        severity=BLOCKING,
        tables=("indicators",),
        sql=not_more_than(lesser, greater),
        advice=INTERNAL_ADVICE,
    )


INTERNAL_RULES: tuple[Rule, ...] = (
    _internal("cards_not_more_than_members", "办卡数不超过期末会员人数（全区与各单位）", "cards_issued", "members"),
    _internal(
        "covered_not_more_than_unionised",
        "合同覆盖企业数不超过已建会企业数",
        "enterprises_covered",
        "enterprises_unionised",
    ),
    _internal("mediated_not_more_than_closed", "调解成功案件数不超过结案数", "disputes_mediated", "disputes_closed"),
)

RULES: tuple[Rule, ...] = FIGURE_RULES[:1] + SHEETS_FILLED + FIGURE_RULES[1:] + UNIT_RULES + ROW_RULES + INTERNAL_RULES
