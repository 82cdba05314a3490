{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "members_in_two_units",
        "title": "同一会员被两个及以上单位填报（按人去重只计一次）",
        "severity": "info",
        "advice": "会员人数已按身份证去重；请相关单位核实该会员的所属工会，避免重复建档。",
        "count_noun": "人",
        "sheets": ["members"],
        "count_column": "members"
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

-- Who counts as listed by two units is written once, in marts.members_on_several_rolls.
with people as (
    select
        person_key,
        {{ sorted_distinct_list("unit_code", "'、'") }} as units
    from {{ ref('members_on_several_rolls') }}
    group by person_key
)

select
    units,
    count(*) as members
from people
group by units
order by members desc, units
