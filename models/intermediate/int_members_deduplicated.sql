-- Members at the period's end, one row per person (pseudonymised ID): a member listed by two
-- units, or twice by one unit, counts once.
with

members_by_unit as (
    select * from {{ ref('int_members_by_unit') }}
),

final as (
    select
        person_key,
        min(person_birth_year) as person_birth_year,
        min(person_sex) as person_sex,
        min(joined_on) as joined_on,
        bool_or(is_migrant_worker) as is_migrant_worker,
        count(*) as listing_units,
        sum(rows_listed) as rows_listed
    from members_by_unit
    group by person_key
)

select * from final
