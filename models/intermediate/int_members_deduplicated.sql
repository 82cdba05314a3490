-- Members at the period's end, one row per person (pseudonymised ID): a member listed by two
-- units, or twice by one unit, counts once.
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
        person_key,
        min(person_birth_year) as person_birth_year,
        min(person_sex) as person_sex,
        min(joined_on) as joined_on,
        bool_or(coalesce(is_migrant_worker, false)) as is_migrant_worker,
        count(distinct unit_code) as listing_units,
        count(*) as rows_listed
    from at_period_end
    group by person_key
)

select * from final
