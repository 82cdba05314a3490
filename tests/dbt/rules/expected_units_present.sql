{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "expected_units_present",
        "title": "每个应报单位都报送了本期报表",
        "severity": "blocking",
        "advice": "缺少单位的报表时全区合计不完整。请催报，或确认报表封面的填报单位与统计期填写正确；已报送但文件无法读取或未能入库的单位见提交情况.xlsx，请按其整改清单请单位重报。",
        "count_noun": "个单位",
        "sheets": []
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

with held_units as (
    -- each held file of the period under both units it names: the one its origin names and its cover's
    select unit_code, source_file, status_reason
    from {{ source('raw', 'submissions') }}
    where period_start = {{ period_start() }} and period_end = {{ period_end() }} and status = 'held'
    union all
    select claimed_unit_code as unit_code, source_file, status_reason
    from {{ source('raw', 'submissions') }}
    where period_start = {{ period_start() }} and period_end = {{ period_end() }} and status = 'held'
),
counted as (
    -- the units counted this period: those with a current return (ingest decided, in raw.submissions)
    select unit_code from {{ source('raw', 'submissions') }}
    where period_start = {{ period_start() }} and period_end = {{ period_end() }} and is_current
      and unit_code is not null
)
select units.unit_code, units.unit_name as unit
from {{ ref('units') }} as units
where units.unit_code not in (select unit_code from counted)
  and units.unit_code not in (select unit_code from held_units where unit_code is not null)
order by units.unit_code
