{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "case_closing_and_result_agree",
        "title": "结案日期与调解结果只填了一项的调解案件（不计入结案数）",
        "severity": "info",
        "advice": "这些案件既不计入结案数，也不计入调解成功数。已结案的请补填调解结果或结案日期；未结案的两项都留空。",
        "count_noun": "件",
        "sheets": ["mediation_cases"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select unit_code, unit_short_name as unit, source_file, sheet, source_row, case_no, closed_on, outcome,
       case when outcome is null then '有结案日期、无调解结果'
            else '有调解结果、无结案日期' end as problem
from {{ ref('mediation_cases') }}
where (closed_on between {{ period_start() }} and {{ period_end() }} and outcome is null)
   or (outcome is not null and closed_on is null)
order by unit_code, source_file, source_row
