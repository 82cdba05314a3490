{#- Helpers of the gate's business rules (tests/dbt/rules, tests/dbt/generic): each returns the failing rows. -#}

{#- Which figure a row of marts.indicators is: the headline, a unit's, or another breakdown's. -#}
{% macro indicator_scope(table) -%}
    case when {{ table }}.breakdown_dim is null then '全区合计'
         when {{ table }}.breakdown_dim = 'unit' then {{ table }}.breakdown_key
         else {{ table }}.breakdown_dim || '：' || {{ table }}.breakdown_key end
{%- endmacro %}

{#- Rows (headline and each breakdown) where indicator `lesser` exceeds `greater`. -#}
{% macro indicator_not_more_than(lesser, greater) -%}
    with lesser as (
        select breakdown_dim, breakdown_key, label, value from {{ ref('indicators') }} where indicator_id = '{{ lesser }}'
    ),
    greater as (
        select breakdown_dim, breakdown_key, label, value from {{ ref('indicators') }} where indicator_id = '{{ greater }}'
    )
    select {{ indicator_scope('lesser') }} as scope,
           lesser.label as lesser_label, lesser.value as lesser_value,
           greater.label as greater_label, greater.value as greater_value
    from lesser
    join greater
        on lesser.breakdown_dim is not distinct from greater.breakdown_dim
        and lesser.breakdown_key is not distinct from greater.breakdown_key
    where lesser.value > greater.value
    order by scope
{%- endmacro %}
