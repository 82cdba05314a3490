-- 集体协商 figures, all stocks at the period's end. 签订率 counts enterprises (covered ÷
-- unionised); 覆盖率 counts their workers. 集体合同、工资专项协议签订率 is the lower of the two
-- 签订率 (“均达到”: both reach it), with both given as the breakdown by category. By unit, an
-- enterprise belongs to every unit that lists it and is covered whoever filed the contract.
with

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force') }}
),

coverage as (
    select * from {{ ref('contract_coverage') }}
),

enterprises as (
    select * from {{ ref('stg_enterprises') }}
),

units as (
    select * from {{ ref('units') }}
),

contract_totals as (
    select count(*) as contracts
    from contracts_in_force
),

coverage_totals as (
    select
        count(*) as unionised,
        count(*) filter (where covered_by_any_contract) as covered,
        count(*) filter (where covered_by_collective_contract) as covered_collective,
        count(*) filter (where covered_by_wage_agreement) as covered_wage,
        sum(employees) as employees,
        sum(employees) filter (where covered_by_collective_contract) as employees_covered
    from coverage
),

rates_by_category as (
    select
        '综合集体合同' as category,
        covered_collective as covered,
        unionised
    from coverage_totals
    union all
    select
        '工资专项集体协议' as category,
        covered_wage as covered,
        unionised
    from coverage_totals
),

lower_rate as (
    -- Same denominator, so the lower rate has the smaller numerator; a tie takes 综合集体合同.
    select
        covered,
        unionised
    from rates_by_category
    order by covered, category = '工资专项集体协议'
    limit 1
),

unit_listings as (
    select distinct
        unit_code,
        credit_code
    from enterprises
),

unit_totals as (
    select
        coalesce(units.short_name, unit_listings.unit_code) as unit_short_name,
        count(*) as unionised,
        count(*) filter (where coverage.covered_by_any_contract) as covered,
        count(*) filter (where coverage.covered_by_collective_contract) as covered_collective
    from unit_listings
    inner join coverage on unit_listings.credit_code = coverage.credit_code
    left join units on unit_listings.unit_code = units.unit_code
    group by coalesce(units.short_name, unit_listings.unit_code)
),

final as (
    select
        {{ figure_columns('contracts_signed', value='contracts') }}
    from contract_totals
    union all
    select
        {{ figure_columns('enterprises_covered', value='covered') }}
    from coverage_totals
    union all
    select
        {{ figure_columns('enterprises_unionised', value='unionised') }}
    from coverage_totals
    union all
    select
        {{ figure_columns('collective_contract_rate', numerator='covered_collective', denominator='unionised') }}
    from coverage_totals
    union all
    select
        {{ figure_columns('wage_agreement_rate', numerator='covered_wage', denominator='unionised') }}
    from coverage_totals
    union all
    select
        {{ figure_columns('contract_signing_rate', numerator='covered', denominator='unionised') }}
    from lower_rate
    union all
    select
        {{ figure_columns(
            'contract_signing_rate',
            numerator='covered', denominator='unionised', dim='category', key='category'
        ) }}
    from rates_by_category
    union all
    select
        {{ figure_columns('worker_coverage_rate', numerator='employees_covered', denominator='employees') }}
    from coverage_totals
    union all
    select
        {{ figure_columns('enterprises_covered', value='covered', dim='unit', key='unit_short_name') }}
    from unit_totals
    union all
    select
        {{ figure_columns(
            'collective_contract_rate',
            numerator='covered_collective', denominator='unionised', dim='unit', key='unit_short_name'
        ) }}
    from unit_totals
)

select * from final
