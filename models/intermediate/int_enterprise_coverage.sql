-- Unionised enterprises at the period's end, one row per 统一社会信用代码 (an enterprise listed
-- by two units counts once), with whether a contract in force covers it. An enterprise is
-- covered when any listing of it cites the number of a contract in force; the contract may have
-- been filed by another unit (a regional contract covers enterprises of several streets).
-- 职工人数 of an enterprise listed more than once: the largest figure given.
with

enterprises as (
    select * from {{ ref('stg_enterprises') }}
),

citations as (
    select * from {{ ref('int_enterprise_contract_references') }}
),

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force') }}
),

coverage as (
    select
        citations.credit_code,
        bool_or(contracts_in_force.is_collective_contract) as covered_by_collective_contract,
        bool_or(contracts_in_force.is_wage_agreement) as covered_by_wage_agreement
    from citations
    inner join contracts_in_force on citations.cited_no = contracts_in_force.contract_no
    group by citations.credit_code
),

listed as (
    select
        credit_code,
        min(enterprise_name) as enterprise_name,
        max(employees) as employees,
        count(distinct unit_code) as listing_units
    from enterprises
    group by credit_code
),

final as (
    select
        listed.credit_code,
        listed.enterprise_name,
        listed.employees,
        listed.listing_units,
        coalesce(coverage.covered_by_collective_contract, false) as covered_by_collective_contract,
        coalesce(coverage.covered_by_wage_agreement, false) as covered_by_wage_agreement,
        coalesce(coverage.covered_by_collective_contract or coverage.covered_by_wage_agreement, false)
            as covered_by_any_contract
    from listed
    left join coverage on listed.credit_code = coverage.credit_code
)

select * from final
