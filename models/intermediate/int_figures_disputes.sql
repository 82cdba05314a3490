-- 维权服务 figures: cases closed inside the period. 调解成功率 = closed as 调解成功 ÷ closed (not
-- ÷ accepted); 涉案金额 sums the cases closed as 调解成功.
with

cases as (
    select * from {{ ref('mediation_cases') }}
),

case_totals as (
    select
        count(*) filter (where is_closed_in_period) as closed,
        count(*) filter (where is_mediated_in_period) as mediated,
        sum(amount) filter (where is_mediated_in_period) as mediated_amount
    from cases
),

unit_totals as (
    select
        coalesce(unit_short_name, unit_code) as unit_short_name,
        count(*) as mediated
    from cases
    where is_mediated_in_period
    group by coalesce(unit_short_name, unit_code)
),

final as (
    select
        {{ figure_columns('disputes_closed', value='closed') }}
    from case_totals
    union all
    select
        {{ figure_columns('disputes_mediated', value='mediated') }}
    from case_totals
    union all
    select
        {{ figure_columns('disputes_amount', value='mediated_amount') }}
    from case_totals
    union all
    select
        {{ figure_columns('mediation_success_rate', numerator='mediated', denominator='closed') }}
    from case_totals
    union all
    select
        {{ figure_columns('disputes_mediated', value='mediated', dim='unit', key='unit_short_name') }}
    from unit_totals
)

select * from final
