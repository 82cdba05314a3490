-- 培训与助学 figures. Only classes of the category 通用能力 that started inside the period count;
-- 参训单位 are counted by name, each name once.
with

trainings as (
    select * from {{ ref('stg_trainings') }}
),

students as (
    select * from {{ ref('stg_migrant_students') }}
),

general_classes as (
    select
        coalesce(sum(person_times), 0) as person_times,
        count(distinct trainee_unit) as trainee_units
    from trainings
    where
        category = '通用能力'
        and {{ in_period('started_on') }}
),

funded as (
    select count(distinct student_key) as students
    from students
    where {{ in_period('funded_on') }}
),

final as (
    select
        {{ figure_columns('training_person_times', value='person_times') }}
    from general_classes
    union all
    select
        {{ figure_columns('training_units', value='trainee_units') }}
    from general_classes
    union all
    select
        {{ figure_columns('migrant_students_funded', value='students') }}
    from funded
)

select * from final
