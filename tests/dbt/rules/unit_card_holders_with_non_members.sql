{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "unit_card_holders_with_non_members",
        "title": "各单位有效持卡人多于其会员名册人数，超出部分为非会员（已单列，不计入办卡数）",
        "severity": "info",
        "advice": "超出的持卡人都不在任何会员名册中，已列入“非会员持有的有效京卡”，不计入办卡数。请核对会员名册是否漏报这些持卡人，或这些卡是否应注销。",
        "count_noun": "个单位",
        "sheets": ["cards", "members"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

with holders as (
    select unit_code, any_value(unit_short_name) as unit,
           count(distinct holder_key) as card_holders,
           count(distinct holder_key) filter (where holder_is_member) as member_holders,
           count(distinct holder_key) filter (where not holder_is_member) as non_member_holders
    from {{ ref('cards') }} where is_in_force group by unit_code
),
listed as (
    select unit_code, count(distinct person_key) as members from {{ ref('int_members_by_unit') }} group by unit_code
)
select holders.unit_code, holders.unit, coalesce(listed.members, 0) as members,
       holders.card_holders, holders.member_holders, holders.non_member_holders
from holders left join listed on holders.unit_code = listed.unit_code
where holders.card_holders > coalesce(listed.members, 0) and holders.member_holders <= coalesce(listed.members, 0)
order by holders.unit_code
