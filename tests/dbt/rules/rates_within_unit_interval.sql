{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "rates_within_unit_interval",
        "title": "每个比率在 0 至 1 之间（分子不超过分母）",
        "severity": "blocking",
        "advice": "比率超出 0–100% 说明分子分母口径不一致。请检查对应的 dbt 模型。",
        "count_noun": "条",
        "sheets": []
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select indicator_id, label, case when indicators.breakdown_dim is null then '全区合计'
when indicators.breakdown_dim = 'unit' then indicators.breakdown_key
else indicators.breakdown_dim || '：' || indicators.breakdown_key end as scope, value, numerator, denominator
from {{ ref('indicators') }} as indicators
where style like 'pct:%'
  and (value < 0 or value > 1 or numerator < 0 or numerator > denominator)
order by indicator_id, scope
