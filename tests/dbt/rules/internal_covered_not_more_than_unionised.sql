{#- True by the models' own definitions, so data cannot break it: kept to catch a model change. -#}
{{ config(
    severity="error",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "internal.covered_not_more_than_unionised",
        "title": "（内部一致性）合同覆盖企业数不超过已建会企业数",
        "severity": "blocking",
        "advice": "此项由模型的口径保证，报表数据不会使它不通过；不通过说明 dbt 模型有误，请检查模型而不是报表。",
        "count_noun": "条",
        "sheets": []
    },
) }}

{{ indicator_not_more_than('enterprises_covered', 'enterprises_unionised') }}
