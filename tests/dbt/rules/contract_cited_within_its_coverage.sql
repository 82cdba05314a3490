{{ config(
    severity="warn",
    store_failures=true,
    tags=['gate'],
    meta={
        "rule": "contract_cited_within_its_coverage",
        "title": "引用同一集体合同编号的建会企业多于该合同填报的覆盖企业数",
        "severity": "verify",
        "advice": "引用这些编号的企业都计为已覆盖，多于合同本身所写的覆盖企业数：可能是企业填错了合同编号（单独合同只覆盖一家企业），也可能是区域性、行业性合同的覆盖企业数未更新。请相关单位核对建会企业表与集体合同表。",
        "count_noun": "份合同",
        "sheets": ["contracts", "enterprises"]
    },
) }}
-- Runs after the figures, so a failure never stops a model (the gate decides):
-- depends_on: {{ ref('indicators') }}

with citing as (
    select cited_no, count(distinct credit_code) as enterprises_citing,
           {{ sorted_distinct_list("unit_code", "'、'") }} as units
    from {{ ref('int_enterprise_contract_references') }} group by cited_no
)
select citing.units, contracts.contract_no, contracts.form, contracts.enterprises_declared,
       citing.enterprises_citing
from {{ ref('int_contracts_in_force') }} as contracts
join citing on citing.cited_no = contracts.contract_no
where citing.enterprises_citing > contracts.enterprises_declared
order by citing.units, contracts.contract_no
