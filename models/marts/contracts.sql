-- Every collective contract or agreement row of the current returns, with whether it counts in
-- 集体合同、工资专项协议份数 at the period's end (category and term; see int_contracts_in_force).
with

contracts as (
    select * from {{ ref('stg_contracts') }}
),

final as (
    select
        unit_code,
        contract_no,
        category,
        form,
        signed_on,
        valid_from,
        valid_to,
        enterprises_covered,
        workers_covered,
        category in ('综合集体合同', '工资专项集体协议') as is_counted_category,
        (
            {{ by_period_end('signed_on') }}
            and {{ by_period_end('valid_from') }}
            and valid_to >= {{ period_end() }}
        ) as is_in_force,
        source_file,
        sheet,
        source_row
    from contracts
)

select * from final
