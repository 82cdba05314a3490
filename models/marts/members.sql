-- Members at the period's end, one row per person, with their card and service use: the
-- base of 会员人数, 办卡数, 办卡率 and 职工参与率.
with

members as (
    select * from {{ ref('int_members_deduplicated') }}
),

cards_in_force as (
    select * from {{ ref('int_cards_in_force') }}
),

service_uses as (
    select * from {{ ref('stg_service_uses') }}
),

cards_held as (
    select
        holder_key,
        count(distinct card_key) as cards_in_force,
        bool_or(is_activated) as holds_activated_card
    from cards_in_force
    group by holder_key
),

service_users as (
    select distinct user_key
    from service_uses
    where {{ in_period('served_on') }}
),

final as (
    select
        members.person_key,
        members.person_birth_year,
        members.person_sex,
        members.joined_on,
        members.is_migrant_worker,
        members.listing_units,
        cards_held.holder_key is not null as holds_card_in_force,
        coalesce(cards_held.cards_in_force, 0) as cards_in_force,
        coalesce(cards_held.holds_activated_card, false) as holds_activated_card,
        service_users.user_key is not null as used_service_in_period
    from members
    left join cards_held on members.person_key = cards_held.holder_key
    left join service_users on members.person_key = service_users.user_key
)

select * from final
