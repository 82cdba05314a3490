-- 服务站建设 figures: stations as reported at the period's end; social-organisation activities
-- held inside the period.
with

stations as (
    select * from {{ ref('stg_stations') }}
),

activities as (
    select * from {{ ref('stg_social_org_activities') }}
),

station_totals as (
    select
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
    select
        {{ figure_columns('stations_qualified', value='qualified') }}
    from station_totals
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
