{#-
    Tables on DuckDB, built leaner than dbt-duckdb's own materialisation: one
    `create or replace table … as (…)` in the node's transaction. dbt-duckdb's builds an
    intermediate table and renames it (backing up and dropping an existing one), and handles
    contracts, grants, indexes, foreign keys and DuckLake on the way; its Jinja for them was about a
    sixth of a whole `dbt build`'s CPU here, for a project that uses none of them (every model is a
    SQL table, in a warehouse each run builds afresh: shushuo/dbt_runner.py). Measured on the small
    demo's warehouse, four alternating builds: 6.5–9.7 s CPU with dbt-duckdb's, 5.6–8.3 s with this
    one (bench/README.md, session 9). A model that asks for what this one does not do is refused
    here, not built without it. Spark keeps dbt-spark's materialisation (adapter "duckdb" only).
-#}
{% materialization table, adapter="duckdb" %}
  {%- set contract = config.get('contract') -%}
  {%- set unsupported = [] -%}
  {%- if model['language'] != 'sql' -%}{%- do unsupported.append('language ' ~ model['language']) -%}{%- endif -%}
  {%- if contract and contract.enforced -%}{%- do unsupported.append('contract') -%}{%- endif -%}
  {%- for option in ['grants', 'indexes', 'persist_docs', 'partitioned_by', 'sorted_by'] -%}
    {%- if config.get(option) -%}{%- do unsupported.append(option) -%}{%- endif -%}
  {%- endfor -%}
  {%- if unsupported -%}
    {{ exceptions.raise_compiler_error(
        "macros/table_materialization.sql builds plain SQL tables; model " ~ model['name'] ~ " asks for "
        ~ unsupported | join(', ') ~ ": use dbt-duckdb's materialisation for it (remove this override)") }}
  {%- endif -%}

  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if existing_relation is not none and not existing_relation.is_table -%}
    {{ adapter.drop_relation(existing_relation) }}  {#- a view of the same name: `or replace` does not replace a view -#}
  {%- endif -%}
  {%- set sql_header = config.get('sql_header', none) -%}
  {% call statement('main') -%}
    {{ sql_header if sql_header is not none }}
    create or replace table {{ target_relation }} as (
      {{ compiled_code }}
    );
  {%- endcall %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
