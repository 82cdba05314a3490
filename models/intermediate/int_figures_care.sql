-- 帮扶与关爱 figures. Flows inside the period; mutual insurance is what the federation itself
-- (units of kind federation) reports as the period's totals of each plan.
with

aid_payments as (
    select * from {{ ref('aid_payments') }}
),

insurance as (
    select * from {{ ref('stg_mutual_insurance') }}
),

job_events as (
    select * from {{ ref('stg_job_events') }}
),

model_worker_services as (
    select * from {{ ref('stg_model_worker_services') }}
),

summer_relief as (
    select * from {{ ref('stg_summer_relief') }}
),

women_care as (
    select * from {{ ref('stg_women_care') }}
),

matchmaking as (
    select * from {{ ref('stg_matchmaking_events') }}
),

units as (
    select * from {{ ref('units') }}
),

aid_totals as (
    select
        sum(amount) filter (where is_warmth_aid) as warmth_amount,
        sum(amount) as aid_amount
    from aid_payments
),

warmth_by_unit as (
    select
        coalesce(unit_short_name, unit_code) as unit_short_name,
        sum(amount) as warmth_amount
    from aid_payments
    where is_warmth_aid
    group by coalesce(unit_short_name, unit_code)
),

aid_by_programme as (
    -- reported_programme: 送温暖 here is the headline's 送温暖; 送温暖（其他职工） is kept apart.
    select
        reported_programme as programme,
        sum(amount) as aid_amount
    from aid_payments
    group by reported_programme
),

insurance_totals as (
    select
        sum(insurance.enrolled) filter (where insurance.plan = '保费型保障计划') as premium_enrolled,
        sum(insurance.beneficiaries) filter (where insurance.plan = '保费型保障计划') as premium_benefited,
        sum(insurance.beneficiaries) filter (where insurance.plan = '在职职工医疗互助保障计划') as medical_benefited,
        sum(insurance.claims) filter (where insurance.plan = '在职职工医疗互助保障计划') as medical_claims
    from insurance
    inner join units on insurance.unit_code = units.unit_code
    where units.kind = 'federation'
),

job_totals as (
    select
        count(*) filter (where category in ('招聘会', '专项招聘会')) as job_fairs,
        sum(placed) as placed
    from job_events
    where {{ in_period('held_on') }}
),

model_worker_totals as (
    select
        count(*) filter (where service = '疗休养') as recuperation,
        count(*) filter (where service = '体检') as checkups
    from model_worker_services
    where {{ in_period('served_on') }}
),

summer_totals as (
    select
        sum(amount) as amount,
        sum(packs) as packs
    from summer_relief
    where {{ in_period('delivered_on') }}
),

screening as (
    select count(distinct recipient_key) as recipients
    from women_care
    where
        programme = '两癌筛查'
        and recipient_sex = '女'  -- a man's ID is sent back to the unit (schema.yaml row_checks)
        and {{ in_period('given_on') }}
),

matchmaking_totals as (
    select
        count(*) as events,
        sum(participants) as participants
    from matchmaking
    where {{ in_period('held_on') }}
),

final as (
    select
        {{ figure_columns('warmth_aid_amount', value='warmth_amount') }}
    from aid_totals
    union all
    select
        {{ figure_columns('warmth_aid_amount', value='warmth_amount', dim='unit', key='unit_short_name') }}
    from warmth_by_unit
    union all
    select
        {{ figure_columns('aid_amount', value='aid_amount') }}
    from aid_totals
    union all
    select
        {{ figure_columns('aid_amount', value='aid_amount', dim='programme', key='programme') }}
    from aid_by_programme
    union all
    select
        {{ figure_columns('mutual_insurance_enrolled', value='premium_enrolled') }}
    from insurance_totals
    union all
    select
        {{ figure_columns('mutual_insurance_benefited', value='premium_benefited') }}
    from insurance_totals
    union all
    select
        {{ figure_columns('medical_mutual_benefited', value='medical_benefited') }}
    from insurance_totals
    union all
    select
        {{ figure_columns('medical_mutual_claims', value='medical_claims') }}
    from insurance_totals
    union all
    select
        {{ figure_columns('job_fairs', value='job_fairs') }}
    from job_totals
    union all
    select
        {{ figure_columns('jobs_placed', value='placed') }}
    from job_totals
    union all
    select
        {{ figure_columns('model_worker_recuperation', value='recuperation') }}
    from model_worker_totals
    union all
    select
        {{ figure_columns('model_worker_checkups', value='checkups') }}
    from model_worker_totals
    union all
    select
        {{ figure_columns('summer_relief_amount', value='amount') }}
    from summer_totals
    union all
    select
        {{ figure_columns('summer_relief_packs', value='packs') }}
    from summer_totals
    union all
    select
        {{ figure_columns('women_screening_cards', value='recipients') }}
    from screening
    union all
    select
        {{ figure_columns('matchmaking_events', value='events') }}
    from matchmaking_totals
    union all
    select
        {{ figure_columns('matchmaking_participants', value='participants') }}
    from matchmaking_totals
)

select * from final
