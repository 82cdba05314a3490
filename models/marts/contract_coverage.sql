-- Unionised enterprises at the period's end, one row per enterprise (统一社会信用代码), with
-- the contracts in force that cover them: the base of 覆盖企业数, 已建会企业数 and the 签订率 /
-- 覆盖率 figures. The units listing each enterprise are named for follow-up.
with

coverage as (
    select * from {{ ref('int_enterprise_coverage') }}
),

enterprises as (
    select * from {{ ref('stg_enterprises') }}
),

units as (
    select * from {{ ref('units') }}
),

listing_units as (
    select
        enterprises.credit_code,
        {{ sorted_distinct_list("coalesce(units.short_name, enterprises.unit_code)", "'、'") }} as listed_by
    from enterprises
    left join units on enterprises.unit_code = units.unit_code
    group by enterprises.credit_code
),

final as (
    select
        coverage.credit_code,
        coverage.enterprise_name,
        coverage.employees,
        coverage.listing_units,
        listing_units.listed_by,
        coverage.covered_by_collective_contract,
        coverage.covered_by_wage_agreement,
        coverage.covered_by_any_contract
    from coverage
    left join listing_units on coverage.credit_code = listing_units.credit_code
)

select * from final
