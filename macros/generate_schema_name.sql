{#- Models land in schemas named exactly staging / intermediate / marts / reference (the
    contract in docs/architecture.md), not dbt's default <target schema>_<custom schema>.
    The var `schema_suffix` (e.g. '_previous', set by shushuo.previous_build.build) sends
    the models of a second period to their own schemas (marts_previous …) beside this period's;
    seeds are the same for every period and stay where they are. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set suffix = '' if node.resource_type == 'seed' else (var('schema_suffix', '') or '') -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}{{ suffix }}
    {%- else -%}
        {{ custom_schema_name | trim }}{{ suffix }}
    {%- endif -%}
{%- endmacro %}
