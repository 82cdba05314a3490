-- The contract numbers enterprises cite, one row per enterprise row and number (集体合同编号 and
-- 工资专项协议编号 each give one). The category of a number is taken from the contract filed,
-- not from the column it was typed in, so a number in the wrong column still counts rightly.
with

enterprises as (
    select * from {{ ref('stg_enterprises') }}
),

cited as (
    select
        unit_code,
        credit_code,
        '集体合同编号' as cited_in,
        contract_no as cited_no,
        source_file,
        sheet,
        source_row
    from enterprises
    where contract_no is not null
    union all
    select
        unit_code,
        credit_code,
        '工资专项协议编号' as cited_in,
        wage_agreement_no as cited_no,
        source_file,
        sheet,
        source_row
    from enterprises
    where wage_agreement_no is not null
),

final as (
    select
        unit_code,
        credit_code,
        cited_in,
        cited_no,
        source_file,
        sheet,
        source_row
    from cited
)

select * from final
