{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "insurance_totals_from_their_own_units_only",
        "title": "区总工会本级以外的单位填报的「互助保障」（不计入互助保障各数）",
        "severity": "info",
        "advice": "互助保障各数只取区总工会本级报送的期内合计，这些行没有计入。若是替区总工会本级填的，请把数字报给区总工会本级；否则请从报表中删去「互助保障」工作表后重新报送。",
        "count_noun": "行",
        "sheets": ["mutual_insurance"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

{# the kinds of unit whose totals the figures read: the sheet's submitted_by (domain/schema.yaml, in the source's meta) #}
{% set kinds = graph.sources['source.shushuo.raw.mutual_insurance'].meta.submitted_by if execute else [] %}
select insurance.unit_code, coalesce(units.short_name, insurance.unit_code) as unit,
       insurance.source_file, insurance.sheet, insurance.source_row, insurance.plan
from {{ ref('stg_mutual_insurance') }} as insurance
left join {{ ref('units') }} as units on insurance.unit_code = units.unit_code
where units.kind is null or units.kind not in ('{{ kinds | join("', '") }}')
order by insurance.unit_code, insurance.source_file, insurance.source_row
