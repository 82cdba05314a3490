{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "moved_against_previous_period",
        "title": "与上期相比变动过大（数量超过 50%，比率超过 10 个百分点）",
        "severity": "verify",
        "advice": "请核实变动的原因（口径变化、漏报或重复报送），必要时在公报中说明。",
        "count_noun": "个指标",
        "sheets": [],
        "needs_previous": true
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

{# The previous period's indicators (marts_previous.indicators, shushuo.previous_build.build) exist
    only when every unit reported that period; without them nothing is compared (the gate says 未比较). #}
{% set max_share = 0.5 %}{% set max_rate_points = 0.10 %}
{% set previous = adapter.get_relation(database=target.database, schema='marts_previous', identifier='indicators') if execute else none %}
{% if previous is not none %}
with now as (
    select indicator_id, style, cast(value as double) as value
    from {{ ref('indicators') }} where breakdown_dim is null
),
before as (
    select indicator_id, cast(value as double) as value
    from {{ previous }} where breakdown_dim is null
)
select now.indicator_id, before.value as previous_value, now.value as value
from now join before on now.indicator_id = before.indicator_id
where case
    when now.style like 'pct:%' then abs(now.value - before.value) > {{ max_rate_points }}
    when before.value = 0 then now.value <> 0
    else abs(now.value - before.value) / abs(before.value) > {{ max_share }}
end
order by now.indicator_id
{% else %}
select cast(null as {{ dbt.type_string() }}) as indicator_id, cast(null as double) as previous_value, cast(null as double) as value
where false
{% endif %}
