-- Every workbook read for the period being built, with the one that counts marked: a unit may
-- send a corrected return later, and only its newest counts (by 填报日期, then file time).
with

source as (
    select * from {{ source('raw', 'submissions') }}
),

of_period as (
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
        loaded_at
    from source
    where period_start = {{ period_start() }}
        and period_end = {{ period_end() }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by unit_code, period_start, period_end
            order by
                filled_on desc nulls last,
                file_modified_at desc nulls last,
                source_file desc
        ) as submission_rank
    from of_period
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
        submission_rank,
        submission_rank = 1 as is_current
    from ranked
)

select * from final
