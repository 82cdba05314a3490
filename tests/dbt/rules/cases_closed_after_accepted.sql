{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "cases_closed_after_accepted",
        "title": "本期结案的调解案件，结案日期不早于受理日期",
        "severity": "blocking",
        "advice": "案件不能在受理之前结案，这些案件已计入本期结案数。请核对受理日期与结案日期（常见为年份或月日颠倒）后重新报送。",
        "count_noun": "件",
        "sheets": []
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select unit_code, unit_short_name as unit, source_file, sheet, source_row, case_no,
       accepted_on, closed_on
from {{ ref('mediation_cases') }}
where is_closed_in_period and closed_on < accepted_on
order by unit_code, source_file, source_row
