{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "cards_of_non_members",
        "title": "非会员持有的有效京卡（单列报告，不计入办卡数）",
        "severity": "info",
        "advice": "持卡人不在任何单位期末会员名册中。请核对会员名册是否漏报，或该卡是否应注销。",
        "count_noun": "张",
        "sheets": ["cards"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select unit_code, unit_short_name as unit, source_file, sheet, source_row
from {{ ref('cards') }}
where is_in_force and not holder_is_member
order by unit_code, source_file, source_row
