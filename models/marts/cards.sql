-- Every card row of the current returns, with its state at the period's end: in force or not,
-- held by a member or not, and whether it is counted. Cards of non-members are reported here
-- (is_counted false), never counted in 办卡数.
with

cards as (
    select * from {{ ref('stg_cards') }}
),

cards_in_force as (
    select * from {{ ref('int_cards_in_force') }}
),

members as (
    select person_key from {{ ref('int_members_deduplicated') }}
),

units as (
    select * from {{ ref('units') }}
),

final as (
    select
        cards.unit_code,
        units.short_name as unit_short_name,
        cards.card_key,
        cards.holder_key,
        cards.issued_on,
        cards.status,
        cards.cancelled_on,
        cards.activated_on,
        cards_in_force.card_key is not null as is_in_force,
        coalesce(cards_in_force.is_activated, false) as is_activated,
        members.person_key is not null as holder_is_member,
        cards_in_force.card_key is not null and members.person_key is not null as is_counted,
        cards.source_file,
        cards.sheet,
        cards.source_row
    from cards
    left join cards_in_force
        on cards.source_file = cards_in_force.source_file
        and cards.sheet = cards_in_force.sheet
        and cards.source_row = cards_in_force.source_row
    left join members on cards.holder_key = members.person_key
    left join units on cards.unit_code = units.unit_code
)

select * from final
