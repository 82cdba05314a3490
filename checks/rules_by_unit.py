"""Business rules that compare what each unit's own return says with itself: a stock sheet the
unit left empty, more card holders than members on its own lists, a case closed before it was
accepted, a contract cited by more enterprises than it says it covers.

These replace checks on marts.indicators that could not fail on data (办卡数 ≤ 会员数 by unit is
true by construction, since the model counts a unit's members who hold a card); they read the
unit's own lists instead, where a clerk's mistake shows."""

from __future__ import annotations

from checks.outcome import BLOCKING, INFO, VERIFY
from checks.rule_base import Rule, expected_nonempty
from ingest import schema


def _sheet_filled(sheet: schema.Sheet, severity: str) -> Rule:
    """A unit of a kind that must fill `sheet` sent a current return without rows in it (a unit
    with no return at all is rule expected_units_present's)."""
    kinds = ", ".join(f"'{kind}'" for kind in sheet.submitted_by)
    effect = "该表是已发布比率的分母或唯一来源，为空时数字不能发布" if severity == BLOCKING else "为空时全区合计会偏低"
    return Rule(
        id=f"sheet_filled.{sheet.name}",
        title=(
            f"每个应报单位本期报表的「{sheet.title}」工作表有数据"
            if severity == BLOCKING
            else f"本期报表的「{sheet.title}」工作表为空的单位（全区合计可能偏低）"
        ),
        severity=severity,
        tables=("current_submissions", f"stg_{sheet.name}"),
        sql=f"""
            select expected_units.unit_code, expected_units.unit_name as unit, current.source_file,
                   '{sheet.title}' as sheet
            from expected_units
            join {{current_submissions}} as current on current.unit_code = expected_units.unit_code
            where current.is_current
              and current.period_start = $period_start and current.period_end = $period_end
              and expected_units.kind in ({kinds})
              and current.source_file not in (
                  select source_file from {{stg_{sheet.name}}} where source_file is not null
              )
            order by expected_units.unit_code
        """,
        advice=f"「{sheet.title}」缺失或没有数据行，{effect}。请该单位补填「{sheet.title}」后重新报送整个工作簿。",
        sheets=(sheet.name,),
        count_noun="个单位",
    )


SHEETS_FILLED: tuple[Rule, ...] = tuple(
    _sheet_filled(schema.sheet(name), severity) for name, severity in expected_nonempty().items()
)

# Per unit: distinct holders of cards in force on its own 京卡办理, those who are members of some
# unit, those who are not, and the members on its own 会员名册 at the period's end.
_CARD_HOLDERS = """
    with holders as (
        select unit_code, any_value(unit_short_name) as unit,
               count(distinct holder_key) as card_holders,
               count(distinct holder_key) filter (where holder_is_member) as member_holders,
               count(distinct holder_key) filter (where not holder_is_member) as non_member_holders
        from {cards} where is_in_force group by unit_code
    ),
    listed as (
        select unit_code, count(distinct person_key) as members from {members_by_unit} group by unit_code
    )
    select holders.unit_code, holders.unit, coalesce(listed.members, 0) as members,
           holders.card_holders, holders.member_holders, holders.non_member_holders
    from holders left join listed on holders.unit_code = listed.unit_code
    where {condition}
    order by holders.unit_code
"""

UNIT_RULES: tuple[Rule, ...] = (
    Rule(
        id="unit_card_holders_within_members",
        title="各单位自己京卡办理中的有效持卡会员不多于其会员名册人数",
        severity=BLOCKING,
        tables=("cards", "members_by_unit"),
        sql=_CARD_HOLDERS.replace("{condition}", "holders.member_holders > coalesce(listed.members, 0)"),
        advice="该单位为比其会员名册更多的会员办了卡：会员名册很可能漏报（会员人数与办卡率的分母偏小）。"
        "请核对会员名册是否完整，或这些卡是否应由会员所属单位填报。",
        count_noun="个单位",
    ),
    Rule(
        id="unit_card_holders_with_non_members",
        title="各单位有效持卡人多于其会员名册人数，超出部分为非会员（已单列，不计入办卡数）",
        severity=INFO,
        tables=("cards", "members_by_unit"),
        sql=_CARD_HOLDERS.replace(
            "{condition}",
            "holders.card_holders > coalesce(listed.members, 0)"
            " and holders.member_holders <= coalesce(listed.members, 0)",
        ),
        advice="超出的持卡人都不在任何会员名册中，已列入“非会员持有的有效京卡”，不计入办卡数。"
        "请核对会员名册是否漏报这些持卡人，或这些卡是否应注销。",
        sheets=('cards', 'members'),
        count_noun="个单位",
    ),
    Rule(
        id="cases_closed_after_accepted",
        title="本期结案的调解案件，结案日期不早于受理日期",
        severity=BLOCKING,
        tables=("mediation_cases",),
        sql="""
            select unit_code, unit_short_name as unit, source_file, sheet, source_row, case_no,
                   accepted_on, closed_on
            from {mediation_cases}
            where is_closed_in_period and closed_on < accepted_on
            order by unit_code, source_file, source_row
        """,
        advice="案件不能在受理之前结案，这些案件已计入本期结案数。请核对受理日期与结案日期（常见为年份或月日颠倒）后重新报送。",
        count_noun="件",
    ),
    Rule(
        id="contract_cited_within_its_coverage",
        title="引用同一集体合同编号的建会企业多于该合同填报的覆盖企业数",
        severity=VERIFY,
        tables=("contracts_in_force", "contract_references"),
        sql="""
            with citing as (
                select cited_no, count(distinct credit_code) as enterprises_citing,
                       string_agg(distinct unit_code, '、' order by unit_code) as units
                from {contract_references} group by cited_no
            )
            select citing.units, contracts.contract_no, contracts.form, contracts.enterprises_declared,
                   citing.enterprises_citing
            from {contracts_in_force} as contracts
            join citing on citing.cited_no = contracts.contract_no
            where citing.enterprises_citing > contracts.enterprises_declared
            order by citing.units, contracts.contract_no
        """,
        advice="引用这些编号的企业都计为已覆盖，多于合同本身所写的覆盖企业数：可能是企业填错了合同编号"
        "（单独合同只覆盖一家企业），也可能是区域性、行业性合同的覆盖企业数未更新。请相关单位核对建会企业表与集体合同表。",
        sheets=('contracts', 'enterprises'),
        count_noun="份合同",
    ),
)
