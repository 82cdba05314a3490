-- 服务站建设 figures: stations as reported at the period's end; social-organisation activities
-- held inside the period. A station is staffed to its quota (满编) when its retired assistants and
-- full-time social workers together reach the 工作人员定编人数 it reports; one without a quota is
-- not counted as staffed (the bulletin says 满编配备 only when every station is).
with

stations as (
    select * from {{ ref('stg_stations') }}
),

activities as (
    select * from {{ ref('stg_social_org_activities') }}
),

station_totals as (
    select
        count(*) as stations,
        count(*) filter (
            where staff_quota is not null
            and coalesce(retired_assistants, 0) + coalesce(social_workers, 0) >= staff_quota
        ) as fully_staffed,
        count(*) filter (where qualified) as qualified,
        count(*) filter (where star_applied) as star_applied,
        sum(retired_assistants) as retired_assistants,
        sum(social_workers) as social_workers
    from stations
),

activity_totals as (
    select
        count(*) as activities,
        sum(served) as served
    from activities
    where {{ in_period('held_on') }}
),

final as (
    select {{ figure_columns('stations', value='stations') }} from station_totals
    union all
    select {{ figure_columns('stations_fully_staffed', value='fully_staffed') }} from station_totals
    union all
    select {{ figure_columns('stations_qualified', value='qualified') }} from station_totals
    union all
    select
        {{ figure_columns('stations_star_applied', value='star_applied') }}
    from station_totals
    union all
    select
        {{ figure_columns('retired_assistants', value='retired_assistants') }}
    from station_totals
    union all
    select
        {{ figure_columns('social_workers', value='social_workers') }}
    from station_totals
    union all
    select
        {{ figure_columns('social_org_activities', value='activities') }}
    from activity_totals
    union all
    select
        {{ figure_columns('social_org_served', value='served') }}
    from activity_totals
)

select * from final
