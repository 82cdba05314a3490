"""Warnings about single rows the models drop or count in a way the clerk may not expect: the
figures are right by their definitions, but the row contradicts itself (a closing date without
a result, a card 正常 with a cancellation date) or another return (the same case number from
two units), and without a word here it would vanish from, or be doubled in, the figures."""

from __future__ import annotations

from checks.outcome import INFO, VERIFY
from checks.rule_base import Rule
from ingest import schema

# The kinds of unit whose 互助保障 totals the figures read (models/intermediate/int_figures_care.sql).
_INSURANCE_KINDS = schema.sheet("mutual_insurance").submitted_by
_INSURANCE_KINDS_SQL = ", ".join(f"'{kind}'" for kind in _INSURANCE_KINDS)
_INSURANCE_FILLERS = "、".join(schema.kind_label(kind) for kind in _INSURANCE_KINDS)

ROW_RULES: tuple[Rule, ...] = (
    Rule(
        id="rejected_rows_in_current_returns",
        title="本期报表中有误、未计入数字的行（须各单位改正后重新报送）",
        severity=VERIFY,
        tables=("current_submissions", "ingest_sheets"),
        sql="""
            select current.unit_code, coalesce(units.unit_short, current.unit_name) as unit, current.source_file,
                   string_agg(sheets.sheet || ' ' || sheets.rows_rejected || ' 行', '、' order by sheets.sheet) as sheets,
                   sum(sheets.rows_rejected) as rows, count(*) over () as units_count
            from {current_submissions} as current
            join {ingest_sheets} as sheets on sheets.source_file = current.source_file
            left join expected_units as units on units.unit_code = current.unit_code
            where current.is_current
              and current.period_start = $period_start and current.period_end = $period_end
              and sheets.rows_rejected > 0
            group by current.unit_code, units.unit_short, current.unit_name, current.source_file
            order by current.unit_code
        """,
        advice="这些行有填写错误（每一处错误、所在单元格和改法见该单位的整改清单），没有计入任何数字，"
        "相关合计因此偏低。请退回整改清单，单位改正后重新报送整个工作簿，再运行一次即可计入。",
        count_column="rows",
        count_noun="行",
    ),
    Rule(
        id="case_closing_and_result_agree",
        title="结案日期与调解结果只填了一项的调解案件（不计入结案数）",
        severity=INFO,
        tables=("mediation_cases",),
        sql="""
            select unit_code, unit_short_name as unit, source_file, sheet, source_row, case_no, closed_on, outcome,
                   case when outcome is null then '有结案日期、无调解结果'
                        else '有调解结果、无结案日期' end as problem
            from {mediation_cases}
            where (closed_on between $period_start and $period_end and outcome is null)
               or (outcome is not null and closed_on is null)
            order by unit_code, source_file, source_row
        """,
        advice="这些案件既不计入结案数，也不计入调解成功数。已结案的请补填调解结果或结案日期；未结案的两项都留空。",
        sheets=('mediation_cases',),
        count_noun="件",
    ),
    Rule(
        id="card_status_and_cancel_date_agree",
        title="状态与注销日期矛盾的京卡（按已注销处理，不计入办卡数）",
        severity=INFO,
        tables=("cards",),
        sql="""
            select unit_code, unit_short_name as unit, source_file, sheet, source_row, status, cancelled_on,
                   case when status = '注销' then '状态为注销、无注销日期'
                        else '状态为正常、注销日期不晚于期末' end as problem
            from {cards}
            where (status = '正常' and cancelled_on <= $period_end)
               or (status = '注销' and cancelled_on is null)
            order by unit_code, source_file, source_row
        """,
        advice="这些卡按已注销处理，不计入办卡数。仍在使用的卡请把状态改为正常并清空注销日期；已注销的请补填注销日期。",
        sheets=('cards',),
        count_noun="张",
    ),
    Rule(
        id="insurance_totals_from_their_own_units_only",
        title=f"{_INSURANCE_FILLERS}以外的单位填报的「互助保障」（不计入互助保障各数）",
        severity=INFO,
        tables=("stg_mutual_insurance",),
        sql=f"""
            select insurance.unit_code, coalesce(expected_units.unit_short, insurance.unit_code) as unit,
                   insurance.source_file, insurance.sheet, insurance.source_row, insurance.plan
            from {{stg_mutual_insurance}} as insurance
            left join expected_units on insurance.unit_code = expected_units.unit_code
            where expected_units.kind is null or expected_units.kind not in ({_INSURANCE_KINDS_SQL})
            order by insurance.unit_code, insurance.source_file, insurance.source_row
        """,
        advice=f"互助保障各数只取{_INSURANCE_FILLERS}报送的期内合计，这些行没有计入。若是替{_INSURANCE_FILLERS}填的，"
        f"请把数字报给{_INSURANCE_FILLERS}；否则请从报表中删去「互助保障」工作表后重新报送。",
        sheets=('mutual_insurance',),
        count_noun="行",
    ),
    Rule(
        id="case_numbers_unique_across_units",
        title="两个及以上单位填报的同一案件编号（各单位分别计数）",
        severity=VERIFY,
        tables=("mediation_cases",),
        sql="""
            with repeated as (
                select case_no from {mediation_cases} group by case_no having count(distinct unit_code) > 1
            )
            select unit_code, unit_short_name as unit, source_file, sheet, source_row, case_no, closed_on, outcome
            from {mediation_cases}
            where case_no in (select case_no from repeated)
            order by case_no, unit_code, source_file, source_row
        """,
        advice="同一编号的案件在各单位分别计数。若是同一案件，请由不负责调解的单位删除该行；若是不同案件，请更正编号。",
        sheets=('mediation_cases',),
        count_noun="行",
    ),
    Rule(
        id="screening_recipients_are_women",
        title="身份证显示为男性的两癌筛查体检卡领取人（未计入）",
        severity=INFO,
        tables=("stg_women_care",),
        sql="""
            select care.unit_code, expected_units.unit_short as unit, care.source_file, care.sheet, care.source_row,
                   care.given_on, care.recipient_sex
            from {stg_women_care} as care
            left join expected_units on care.unit_code = expected_units.unit_code
            where care.programme = '两癌筛查' and care.recipient_sex is distinct from '女'
              and care.given_on between $period_start and $period_end
            order by care.unit_code, care.source_file, care.source_row
        """,
        advice="两癌筛查只计女职工，这些领取人未计入两癌筛查人数，已在各单位的整改清单中列为请核对。"
        "请单位核对身份证号是否填成了家属或他人的，或项目是否应为其他关爱。",
        sheets=('women_care',),
        count_noun="行",
    ),
)
