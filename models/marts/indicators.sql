-- The one table reports read (docs/architecture.md): one row per figure and breakdown, joined
-- to the catalog for its label, unit, printing style and definition. Values are exact; rounding
-- happens once, when printed.
with

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

figures as (
    select * from {{ ref('int_figures_training') }}
    union all
    select * from {{ ref('int_figures_care') }}
    union all
    select * from {{ ref('int_figures_card_service') }}
    union all
    select * from {{ ref('int_figures_stations') }}
    union all
    select * from {{ ref('int_figures_bargaining') }}
    union all
    select * from {{ ref('int_figures_disputes') }}
),

final as (
    select
        figures.indicator_id,
        catalog.topic,
        catalog.label,
        catalog.unit,
        catalog.printed_unit,
        catalog.style,
        catalog.definition,
        figures.breakdown_dim,
        figures.breakdown_key,
        cast(figures.value as decimal(38, 6)) as value,
        cast(figures.numerator as decimal(38, 2)) as numerator,
        cast(figures.denominator as decimal(38, 2)) as denominator,
        {{ period_start() }} as period_start,
        {{ period_end() }} as period_end
    from figures
    left join catalog on figures.indicator_id = catalog.indicator_id
)

select * from final
order by indicator_id, breakdown_dim nulls first, breakdown_key
