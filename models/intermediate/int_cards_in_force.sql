-- Cards in force at the period's end, one row per card row reported: issued by the end and not
-- cancelled by then. A card is cancelled by the end when its 注销日期 is on or before the end,
-- or when it is marked 注销 without a date (taken as cancelled: the clerk says it is). Each row
-- says whether its holder is a member at the end: only members' cards are counted.
with

cards as (
    select * from {{ ref('stg_cards') }}
),

members as (
    select person_key from {{ ref('int_members_deduplicated') }}
),

in_force as (
    select
        unit_code,
        card_key,
        holder_key,
        issued_on,
        activated_on,
        source_file,
        sheet,
        source_row
    from cards
    where
        {{ by_period_end('issued_on') }}
        and not coalesce({{ by_period_end('cancelled_on') }}, false)
        and not (status = '注销' and cancelled_on is null)
),

final as (
    select
        in_force.unit_code,
        in_force.card_key,
        in_force.holder_key,
        in_force.issued_on,
        in_force.activated_on,
        coalesce({{ by_period_end('in_force.activated_on') }}, false) as is_activated,
        members.person_key is not null as holder_is_member,
        in_force.source_file,
        in_force.sheet,
        in_force.source_row
    from in_force
    left join members on in_force.holder_key = members.person_key
)

select * from final
