{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "rejected_rows_in_current_returns",
        "title": "本期报表中有误、未计入数字的行（须各单位改正后重新报送）",
        "severity": "verify",
        "advice": "这些行有填写错误（每一处错误、所在单元格和改法见该单位的整改清单），没有计入任何数字，相关合计因此偏低。请退回整改清单，单位改正后重新报送整个工作簿，再运行一次即可计入。",
        "count_noun": "行",
        "sheets": [],
        "count_column": "rows"
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select current.unit_code, coalesce(units.short_name, current.unit_name) as unit, current.source_file,
       {{ sorted_list("sheets.sheet || ' ' || sheets.rows_rejected || ' 行'", "'、'", "sheets.sheet") }} as sheets,
       sum(sheets.rows_rejected) as rows, count(*) over () as units_count
from {{ ref('stg_submissions') }} as current
join {{ source('raw', 'ingest_sheets') }} as sheets on sheets.source_file = current.source_file
left join {{ ref('units') }} as units on units.unit_code = current.unit_code
where current.is_current
  and current.period_start = {{ period_start() }} and current.period_end = {{ period_end() }}
  and sheets.rows_rejected > 0
group by current.unit_code, units.short_name, current.unit_name, current.source_file
order by current.unit_code
