-- Who each unit lists as a member at the period's end: one row per unit and person, the
-- base of the by-unit member counts (a person listed by two units appears under both).
with

members as (
    select * from {{ ref('stg_members') }}
),

at_period_end as (
    select
        unit_code,
        person_key,
        joined_on
    from members
    where {{ by_period_end('joined_on') }}
),

final as (
    select
        unit_code,
        person_key,
        min(joined_on) as joined_on,
        count(*) as rows_listed
    from at_period_end
    group by unit_code, person_key
)

select * from final
