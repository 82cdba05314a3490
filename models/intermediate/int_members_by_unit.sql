-- Who each unit lists as a member at the period's end: one row per unit and person, the
-- base of the by-unit member counts (a person listed by two units appears under both) and of
-- the district's deduplicated members (int_members_deduplicated).
with

members as (
    select * from {{ ref('stg_members') }}
),

at_period_end as (
    select
        unit_code,
        person_key,
        person_birth_year,
        person_sex,
        joined_on,
        is_migrant_worker
    from members
    where {{ by_period_end('joined_on') }}
),

final as (
    select
        unit_code,
        person_key,
        min(person_birth_year) as person_birth_year,
        min(person_sex) as person_sex,
        min(joined_on) as joined_on,
        bool_or(coalesce(is_migrant_worker, false)) as is_migrant_worker,
        count(*) as rows_listed
    from at_period_end
    group by unit_code, person_key
)

select * from final
