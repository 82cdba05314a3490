{#- The statistical period comes from the vars period_start / period_end (ISO dates), passed by
    shushuo.dbt_runner. Stocks are taken at period_end; flows count inside [start, end]. -#}

{% macro _period_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error("缺少统计期：请用 --vars '{period_start: 2018-01-01, period_end: 2018-12-31}' 指定 " ~ name ~ "（ISO 日期）。") }}
        {%- endif -%}
        {%- set value = '1900-01-01' -%}
    {%- endif -%}
    {%- set text = value | string -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("统计期 " ~ name ~ " 须为 ISO 日期（如 2018-12-31），收到：" ~ text) }}
    {%- endif -%}
    date '{{ text }}'
{%- endmacro %}

{% macro period_start() -%}{{ _period_var('period_start') }}{%- endmacro %}

{% macro period_end() -%}{{ _period_var('period_end') }}{%- endmacro %}

{#- A flow counts when its date falls inside the period, both ends included. -#}
{% macro in_period(column) -%}
    ({{ column }} between {{ period_start() }} and {{ period_end() }})
{%- endmacro %}

{#- A stock counts when it had begun by the period's end. -#}
{% macro by_period_end(column) -%}
    ({{ column }} <= {{ period_end() }})
{%- endmacro %}
