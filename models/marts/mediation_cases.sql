-- Labour-dispute cases of the current returns, one row per case row, with whether the case was
-- closed inside the period (结案日期 in the period and a 调解结果 given) and whether it was closed
-- as 调解成功. Cases accepted but not closed in the period count in neither.
with

cases as (
    select * from {{ ref('stg_mediation_cases') }}
),

units as (
    select * from {{ ref('units') }}
),

final as (
    select
        cases.unit_code,
        units.short_name as unit_short_name,
        cases.case_no,
        cases.accepted_on,
        cases.closed_on,
        cases.cause,
        cases.workers,
        cases.amount,
        cases.outcome,
        coalesce({{ in_period('cases.closed_on') }} and cases.outcome is not null, false) as is_closed_in_period,
        coalesce({{ in_period('cases.closed_on') }} and cases.outcome = '调解成功', false) as is_mediated_in_period,
        cases.source_file,
        cases.sheet,
        cases.source_row
    from cases
    left join units on cases.unit_code = units.unit_code
)

select * from final
