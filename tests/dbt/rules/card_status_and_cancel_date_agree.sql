{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "card_status_and_cancel_date_agree",
        "title": "状态与注销日期矛盾的京卡（按已注销处理，不计入办卡数）",
        "severity": "info",
        "advice": "这些卡按已注销处理，不计入办卡数。仍在使用的卡请把状态改为正常并清空注销日期；已注销的请补填注销日期。",
        "count_noun": "张",
        "sheets": ["cards"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

select unit_code, unit_short_name as unit, source_file, sheet, source_row, status, cancelled_on,
       case when status = '注销' then '状态为注销、无注销日期'
            else '状态为正常、注销日期不晚于期末' end as problem
from {{ ref('cards') }}
where (status = '正常' and cancelled_on <= {{ period_end() }})
   or (status = '注销' and cancelled_on is null)
order by unit_code, source_file, source_row
