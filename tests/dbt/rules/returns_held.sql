{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "returns_held",
        "title": "报表被暂扣的单位（文件来源与封面填报单位不一致，未计入）",
        "severity": "blocking",
        "advice": "这些单位没有计入统计的报表：它们名下的文件因来源（上传账号、文件名或所在文件夹）与封面「填报单位」不一致而暂扣，全区合计因此不完整。请核实文件是哪个单位的，由该单位改正封面或以本单位名义重新报送；整改清单已写明改法。",
        "count_noun": "项",
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
select units.unit_code, units.unit_name as unit, held_units.source_file, held_units.status_reason as problem
from {{ ref('units') }} as units
join held_units on held_units.unit_code = units.unit_code
where units.unit_code not in (select unit_code from counted)
order by units.unit_code, held_units.source_file
