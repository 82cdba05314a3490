{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "catalog_headlines_once",
        "title": "指标目录中的每个指标恰有一条非空的全区合计",
        "severity": "blocking",
        "advice": "公报的每个数字都来自全区合计行。请检查 dbt 模型 marts.indicators（或某指标的分母为 0）。",
        "count_noun": "个指标",
        "sheets": []
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

with headlines as (
    select indicator_id, count(*) as rows, count(value) as non_null
    from {{ ref('indicators') }} where breakdown_dim is null group by indicator_id
)
select coalesce(catalog.indicator_id, headlines.indicator_id) as indicator_id,
       coalesce(headlines.rows, 0) as headline_rows,
       coalesce(headlines.non_null, 0) as non_null_values,
       case when catalog.indicator_id is null then '不在指标目录中'
            when headlines.rows is null then '缺少全区合计'
            when headlines.rows > 1 then '全区合计重复'
            else '全区合计为空' end as problem
from {{ ref('indicator_catalog') }} as catalog
full join headlines on catalog.indicator_id = headlines.indicator_id
where catalog.indicator_id is null or headlines.rows is null
   or headlines.rows <> 1 or headlines.non_null <> 1
order by indicator_id
