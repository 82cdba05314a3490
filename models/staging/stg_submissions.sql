-- Every workbook read for the period being built, with ingest's decision of which one counts
-- (ingest/load/current.py, recorded in raw.submissions): read here, never decided again.
with

source as (
    select * from {{ source('raw', 'submissions') }}
),

final as (
    select
        unit_code,
        unit_name,
        period_start,
        period_end,
        source_file,
        file_sha256,
        filled_by,
        filled_on,
        file_modified_at,
        loaded_at,
        claimed_unit_code,
        submission_rank,
        status,
        status_reason,
        coalesce(is_current, false) as is_current
    from source
    where
        period_start = {{ period_start() }}
        and period_end = {{ period_end() }}
)

select * from final
