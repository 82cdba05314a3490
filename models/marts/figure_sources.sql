-- Which returns each figure rests on (数据来源): for every figure, the current return of each unit
-- that loaded rows into a sheet the figure is counted from (seeds/figure_sheets.csv). The one
-- definition of a figure's sources: the figures desk, the exports, the site and the CLI read it
-- (reports/provenance.py). A unit's breakdown row rests on that unit's rows here.
with

figure_sheets as (
    select
        indicator_id,
        sheet_name
    from {{ ref('figure_sheets') }}
),

loaded_sheets as (
    select
        source_file,
        sheet_name,
        sum(rows_loaded) as rows_loaded
    from {{ source('raw', 'ingest_sheets') }}
    where
        sheet_name is not null
        and rows_loaded > 0
    group by
        source_file,
        sheet_name
),

current_returns as (
    select
        unit_code,
        unit_name,
        source_file,
        file_sha256
    from {{ ref('stg_submissions') }}
    where is_current
),

final as (
    select
        figure_sheets.indicator_id,
        current_returns.unit_code,
        current_returns.unit_name,
        current_returns.source_file,
        current_returns.file_sha256,
        figure_sheets.sheet_name,
        loaded_sheets.rows_loaded
    from figure_sheets
    inner join loaded_sheets
        on figure_sheets.sheet_name = loaded_sheets.sheet_name
    inner join current_returns
        on loaded_sheets.source_file = current_returns.source_file
)

select * from final
