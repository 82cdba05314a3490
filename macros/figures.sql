{#- Helpers for the intermediate figure models (int_figures_*): each returns rows of
    (indicator_id, breakdown_dim, breakdown_key, value, numerator, denominator) that
    marts/indicators joins to the catalog. Types are fixed here so every branch of a union
    has the contract's types. -#}

{#- A rate as an exact decimal: numerator / denominator rounded half up at 6 places with integer
    arithmetic (a division of decimals would go through DOUBLE on DuckDB, and lose precision or
    overflow on Spark). NULL when nothing to divide by. One implementation per adapter. -#}
{% macro exact_ratio(numerator, denominator) -%}
    {{ return(adapter.dispatch('exact_ratio')(numerator, denominator)) }}
{%- endmacro %}

{#- DuckDB: HUGEINT and its integer division `//`. -#}
{% macro default__exact_ratio(numerator, denominator) -%}
    case
        when coalesce({{ denominator }}, 0) = 0 then null
        else cast(
            (cast({{ numerator }} as hugeint) * 2000000 + cast({{ denominator }} as hugeint))
            // (2 * cast({{ denominator }} as hugeint))
            as decimal(38, 0)
        ) * cast(0.000001 as decimal(7, 6))
    end
{%- endmacro %}

{#- Spark: no HUGEINT; BIGINT and its integer division `div` (numerator × 2,000,000 stays far below
    2^63 for any count of people: 3 × 10^8 × 2 × 10^6 = 6 × 10^14). Decimals are rounded to whole
    numbers first (half up), as DuckDB's cast to HUGEINT does. -#}
{% macro spark__exact_ratio(numerator, denominator) -%}
    case
        when coalesce({{ denominator }}, 0) = 0 then null
        else cast(
            (cast(cast({{ numerator }} as decimal(38, 0)) as bigint) * 2000000
                + cast(cast({{ denominator }} as decimal(38, 0)) as bigint))
            div (2 * cast(cast({{ denominator }} as decimal(38, 0)) as bigint))
            as decimal(38, 0)
        ) * cast(0.000001 as decimal(7, 6))
    end
{%- endmacro %}

{#- One figure row. `value` is a SQL expression; for a rate pass numerator and denominator
    instead and the value is derived from them. `key` is a SQL expression (a column). -#}
{% macro figure_columns(indicator_id, value=none, numerator=none, denominator=none, dim=none, key=none) -%}
    '{{ indicator_id }}' as indicator_id,
    {% if dim %}'{{ dim }}'{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as breakdown_dim,
    {% if key %}cast({{ key }} as {{ dbt.type_string() }}){% else %}cast(null as {{ dbt.type_string() }}){% endif %} as breakdown_key,
    {% if numerator is not none -%}
    cast({{ exact_ratio(numerator, denominator) }} as decimal(38, 6)) as value,
    cast(coalesce({{ numerator }}, 0) as decimal(38, 2)) as numerator,
    cast(coalesce({{ denominator }}, 0) as decimal(38, 2)) as denominator
    {%- else -%}
    cast(coalesce({{ value }}, 0) as decimal(38, 6)) as value,
    cast(null as decimal(38, 2)) as numerator,
    cast(null as decimal(38, 2)) as denominator
    {%- endif %}
{%- endmacro %}
