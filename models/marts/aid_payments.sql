-- Aid paid inside the period, one row per payment: amount = 现金 + 物资折款, in yuan with cents.
-- is_warmth_aid marks what 送温暖发放款物金额 counts: the 送温暖 programme paid to 在档困难职工
-- or 困难劳模.
with

payments as (
    select * from {{ ref('stg_aid_payments') }}
),

units as (
    select * from {{ ref('units') }}
),

final as (
    select
        payments.unit_code,
        units.short_name as unit_short_name,
        payments.recipient_key,
        payments.recipient_category,
        payments.hardship_kind,
        payments.programme,
        payments.cash,
        payments.goods_value,
        cast(payments.cash + payments.goods_value as decimal(18, 2)) as amount,
        payments.programme = '送温暖'
            and payments.recipient_category in ('在档困难职工', '困难劳模') as is_warmth_aid,
        payments.paid_on,
        payments.source_file,
        payments.sheet,
        payments.source_row
    from payments
    left join units on payments.unit_code = units.unit_code
    where {{ in_period('payments.paid_on') }}
)

select * from final
