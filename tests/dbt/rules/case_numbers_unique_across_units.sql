{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "case_numbers_unique_across_units",
        "title": "两个及以上单位填报的同一案件编号（各单位分别计数）",
        "severity": "verify",
        "advice": "同一编号的案件在各单位分别计数。若是同一案件，请由不负责调解的单位删除该行；若是不同案件，请更正编号。",
        "count_noun": "行",
        "sheets": ["mediation_cases"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

with repeated as (
    select case_no from {{ ref('mediation_cases') }} group by case_no having count(distinct unit_code) > 1
)
select unit_code, unit_short_name as unit, source_file, sheet, source_row, case_no, closed_on, outcome
from {{ ref('mediation_cases') }}
where case_no in (select case_no from repeated)
order by case_no, unit_code, source_file, source_row
