-- 京卡服务 figures: members, cards, 办卡率, service items, 实名制服务人次, 职工参与率.
-- By unit, a member belongs to every unit that lists them; 办卡数 by unit counts that unit's
-- members holding a card in force (from any unit), so 办卡率 by unit stays within [0, 1].
with

members as (
    select * from {{ ref('members') }}
),

members_by_unit as (
    select * from {{ ref('int_members_by_unit') }}
),

units as (
    select * from {{ ref('units') }}
),

service_items as (
    select * from {{ ref('stg_card_service_items') }}
),

service_uses as (
    select * from {{ ref('stg_service_uses') }}
),

member_totals as (
    select
        count(*) as members,
        count(*) filter (where holds_card_in_force) as members_with_card,
        count(*) filter (where holds_activated_card) as activated_holders,
        count(*) filter (where holds_activated_card and used_service_in_period) as activated_users
    from members
),

unit_totals as (
    select
        coalesce(units.short_name, members_by_unit.unit_code) as unit_short_name,
        count(*) as members,
        count(*) filter (where members.holds_card_in_force) as members_with_card
    from members_by_unit
    inner join members on members_by_unit.person_key = members.person_key
    left join units on members_by_unit.unit_code = units.unit_code
    group by coalesce(units.short_name, members_by_unit.unit_code)
),

items_online as (
    -- An item is its name: one listed on two rows (entered twice, or by two units) counts once.
    select count(distinct item_name) as items
    from service_items
    where
        {{ by_period_end('online_on') }}
        and (offline_on is null or offline_on > {{ period_end() }})
),

uses as (
    select count(*) as uses
    from service_uses
    where {{ in_period('served_on') }}
),

final as (
    select
        {{ figure_columns('members', value='members') }}
    from member_totals
    union all
    select
        {{ figure_columns('cards_issued', value='members_with_card') }}
    from member_totals
    union all
    select
        {{ figure_columns('card_uptake_rate', numerator='members_with_card', denominator='members') }}
    from member_totals
    union all
    select
        {{ figure_columns('participation_rate', numerator='activated_users', denominator='activated_holders') }}
    from member_totals
    union all
    select
        {{ figure_columns('card_services', value='items') }}
    from items_online
    union all
    select
        {{ figure_columns('real_name_service_times', value='uses') }}
    from uses
    union all
    select
        {{ figure_columns('members', value='members', dim='unit', key='unit_short_name') }}
    from unit_totals
    union all
    select
        {{ figure_columns('cards_issued', value='members_with_card', dim='unit', key='unit_short_name') }}
    from unit_totals
    union all
    select
        {{ figure_columns(
            'card_uptake_rate',
            numerator='members_with_card', denominator='members', dim='unit', key='unit_short_name'
        ) }}
    from unit_totals
)

select * from final
