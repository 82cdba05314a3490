{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "screening_recipients_are_women",
        "title": "身份证显示为男性的两癌筛查体检卡领取人（未计入）",
        "severity": "info",
        "advice": "两癌筛查只计女职工，这些领取人未计入两癌筛查人数，已在各单位的整改清单中列为请核对。请单位核对身份证号是否填成了家属或他人的，或项目是否应为其他关爱。",
        "count_noun": "行",
        "sheets": ["women_care"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select care.unit_code, units.short_name as unit, care.source_file, care.sheet, care.source_row,
       care.given_on, care.recipient_sex
from {{ ref('stg_women_care') }} as care
left join {{ ref('units') }} as units on care.unit_code = units.unit_code
where care.programme = '两癌筛查' and care.recipient_sex is distinct from '女'
  and care.given_on between {{ period_start() }} and {{ period_end() }}
order by care.unit_code, care.source_file, care.source_row
