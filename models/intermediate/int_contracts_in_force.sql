-- Contracts that count at the period's end, one row per contract number: 综合集体合同 and
-- 工资专项集体协议 (女职工专项集体合同 do not count) signed by the end and in their term at the
-- end (期限起 <= end <= 期限止). A regional or industry contract filed by several units is one
-- contract. The two flags say which category the number was filed under.
with

contracts as (
    select * from {{ ref('stg_contracts') }}
),

in_force as (
    select
        contract_no,
        category,
        form,
        unit_code,
        enterprises_covered
    from contracts
    where
        category in ('综合集体合同', '工资专项集体协议')
        and {{ by_period_end('signed_on') }}
        and {{ by_period_end('valid_from') }}
        and valid_to >= {{ period_end() }}
),

final as (
    select
        contract_no,
        bool_or(category = '综合集体合同') as is_collective_contract,
        bool_or(category = '工资专项集体协议') as is_wage_agreement,
        min(form) as form,
        max(enterprises_covered) as enterprises_declared,
        count(distinct unit_code) as filing_units
    from in_force
    group by contract_no
)

select * from final
