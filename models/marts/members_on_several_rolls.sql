-- Every row of a member whom two or more units list at the period's end (marts.members'
-- listing_units > 1): the one definition of a member reported by more than one unit, read by the
-- gate's rule members_in_two_units and by 重复填报.xlsx (checks/duplicates.py). The figures count
-- such a member once (members is one row per person). group_no numbers the people in the order a
-- clerk reads the listing: by the first unit, file and row each is listed in.
with

several as (
    select person_key from {{ ref('members') }}
    where listing_units > 1
),

listed as (
    select
        unit_code,
        person_key
    from {{ ref('int_members_by_unit') }}
    where person_key in (select several.person_key from several)
),

occurrences as (
    select
        members.person_key,
        members.unit_code,
        members.source_file,
        members.sheet,
        members.source_row,
        members.grassroots_union,
        members.joined_on
    from {{ ref('stg_members') }} as members
    inner join listed
        on
        members.unit_code = listed.unit_code
        and members.person_key = listed.person_key
),

people as (
    select
        person_key,
        row_number() over (
            order by min(unit_code), min(source_file), min(source_row), person_key
        ) as group_no
    from occurrences
    group by person_key
),

unit_names as (
    select
        source_file,
        any_value(unit_name) as unit_name
    from {{ ref('stg_submissions') }}
    where is_current
    group by source_file
),

final as (
    select
        people.group_no,
        occurrences.person_key,
        occurrences.unit_code,
        unit_names.unit_name,
        occurrences.source_file,
        occurrences.sheet,
        occurrences.source_row,
        occurrences.grassroots_union,
        occurrences.joined_on
    from occurrences
    inner join people on occurrences.person_key = people.person_key
    left join unit_names on occurrences.source_file = unit_names.source_file
)

select * from final
