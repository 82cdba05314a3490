{#- The distinct values of `expression` in a group, sorted (by their bytes, as both engines compare
    strings) and joined by `delimiter` (a SQL string literal). dbt's listagg does not sort on Spark,
    hence one implementation per adapter here. -#}
{% macro sorted_distinct_list(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_distinct_list')(expression, delimiter)) }}
{%- endmacro %}

{#- DuckDB: string_agg with distinct and order by. -#}
{% macro default__sorted_distinct_list(expression, delimiter) -%}
    string_agg(distinct {{ expression }}, {{ delimiter }} order by {{ expression }})
{%- endmacro %}

{#- Spark: the set of values, sorted, joined. -#}
{% macro spark__sorted_distinct_list(expression, delimiter) -%}
    array_join(array_sort(collect_set({{ expression }})), {{ delimiter }})
{%- endmacro %}

{#- Every value of `expression` in a group (repeats kept), in the order of `order_by`, joined by
    `delimiter`. -#}
{% macro sorted_list(expression, delimiter, order_by) -%}
    {{ return(adapter.dispatch('sorted_list')(expression, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__sorted_list(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{#- Spark: (key, value) pairs sorted by key, then their values joined. -#}
{% macro spark__sorted_list(expression, delimiter, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('k', {{ order_by }}, 'v', {{ expression }}))),
            pair -> pair.v
        ),
        {{ delimiter }}
    )
{%- endmacro %}
