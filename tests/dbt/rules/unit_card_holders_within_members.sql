{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "unit_card_holders_within_members",
        "title": "各单位自己京卡办理中的有效持卡会员不多于其会员名册人数",
        "severity": "blocking",
        "advice": "该单位为比其会员名册更多的会员办了卡：会员名册很可能漏报（会员人数与办卡率的分母偏小）。请核对会员名册是否完整，或这些卡是否应由会员所属单位填报。",
        "count_noun": "个单位",
        "sheets": []
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
where holders.member_holders > coalesce(listed.members, 0)
order by holders.unit_code
