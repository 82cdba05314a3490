{#
    dbt-spark's own spark__load_csv_rows, with one change: a CSV's empty cell is loaded as NULL.
    Its session method binds every value as a quoted literal, so None arrived as the string
    'None' (dbt-labs/dbt-adapters#487, dbt-labs/dbt-spark#901): indicator_catalog's empty
    printed_unit became 'None' on Spark and NULL on DuckDB. A NULL is written into the statement,
    cast to the column's type, and not bound.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set statements = [] %}

    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set bindings = [] %}
        {% for row in chunk %}
            {% for value in row if value is not none %}
                {% do bindings.append(value) %}
            {% endfor %}
        {% endfor %}

        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- if row[loop.index0] is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast({{ get_binding_char() }} as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{% endif %}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        {% endset %}

        {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}

    {{ return(statements[0]) }}
{% endmacro %}
