-- Aid paid inside the period, one row per payment: amount = 现金 + 物资折款, in yuan with cents.
-- The recipient basis is decided here, once: 帮扶 goes to 在档困难职工 and 困难劳模 (the domain's
-- 送温暖款物 counts only them). is_warmth_aid marks what 送温暖发放款物金额 counts; reported_programme
-- is the key of the by-programme breakdown of 帮扶救助发放款物金额, where a payment to anyone else
-- (其他职工) gets its own key, e.g. 送温暖（其他职工）, so that the row named 送温暖 is always the
-- headline's 送温暖 and no published 送温暖 amount differs from the bulletin's.
with

payments as (
    select
        *,
        coalesce(recipient_category in ('在档困难职工', '困难劳模'), false) as is_registered_recipient
    from {{ ref('stg_aid_payments') }}
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
        payments.is_registered_recipient,
        payments.is_registered_recipient and payments.programme = '送温暖' as is_warmth_aid,
        case
            when payments.is_registered_recipient then payments.programme
            else payments.programme || '（' || coalesce(payments.recipient_category, '对象类别未填') || '）'
        end as reported_programme,
        payments.paid_on,
        payments.source_file,
        payments.sheet,
        payments.source_row
    from payments
    left join units on payments.unit_code = units.unit_code
    where {{ in_period('payments.paid_on') }}
)

select * from final
