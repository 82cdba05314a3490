{#- Generic data tests written here because no dbt package can be installed. -#}

{#- No two rows share the same values in these columns (NULLs compare equal, so a headline row,
    whose breakdown columns are NULL, is unique per indicator). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') -%}
    select {{ columns }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}

{#- Every value of values_column in values_model appears in column_name of this model among the
    rows matching `where_rows` (e.g. every catalog id has a headline row). -#}
{% test covers_every_value(model, column_name, values_model, values_column, where_rows='true') %}
    with expected as (
        select distinct {{ values_column }} as value from {{ values_model }}
    ),
    present as (
        select distinct {{ column_name }} as value from {{ model }} where {{ where_rows }}
    )
    select expected.value
    from expected
    left join present on expected.value = present.value
    where present.value is null
{% endtest %}

{#- A rate's value is the ratio of its numerator and denominator, within rounding to 6 places. -#}
{% test ratio_matches(model, column_name, numerator, denominator) %}
    select *
    from {{ model }}
    where {{ denominator }} is not null
        and (
            ({{ denominator }} = 0 and {{ column_name }} is not null)
            or ({{ denominator }} <> 0 and abs({{ column_name }} - {{ numerator }} / {{ denominator }}) > 0.0000005)
        )
{% endtest %}

{#- Values lie in [min_value, max_value] (NULL passes). -#}
{% test between(model, column_name, min_value, max_value) %}
    select *
    from {{ model }}
    where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
