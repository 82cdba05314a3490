{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "figures_not_negative",
        "title": "金额与计数不为负",
        "severity": "blocking",
        "advice": "负数的金额或计数不能发布。请检查对应报表中的冲销、更正记录或 dbt 模型。",
        "count_noun": "条",
        "sheets": []
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select indicator_id, label, case when indicators.breakdown_dim is null then '全区合计'
when indicators.breakdown_dim = 'unit' then indicators.breakdown_key
else indicators.breakdown_dim || '：' || indicators.breakdown_key end as scope, value
from {{ ref('indicators') }} as indicators
where value < 0 or numerator < 0 or denominator < 0
order by indicator_id, scope
