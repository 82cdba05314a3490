{#- A unit of a kind that must fill this sheet (schema.yaml `expected_nonempty`, `submitted_by`) sent a
    current return without rows in it; a unit with no return at all is rule expected_units_present's.
    Applied to each flagged sheet's staging model by the generated stg_<sheet>.yml (shushuo.dbt_sources),
    with its severity, title and advice. -#}
{% test sheet_filled(model, sheet_title, kinds) %}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}
select units.unit_code, units.unit_name as unit, current.source_file, '{{ sheet_title }}' as sheet
from {{ ref('units') }} as units
join {{ ref('stg_submissions') }} as current on current.unit_code = units.unit_code
where current.is_current
  and current.period_start = {{ period_start() }} and current.period_end = {{ period_end() }}
  and units.kind in ('{{ kinds | join("', '") }}')
  and current.source_file not in (select source_file from {{ model }} where source_file is not null)
order by units.unit_code
{% endtest %}
