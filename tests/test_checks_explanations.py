"""Severities and explained warnings: a 核实性 warning is open until every unit it concerns has
explained it (the 上报说明 sheet of its return, or 上报说明.csv beside the returns); an
informational one never is; held returns and unexplained warnings are open problems that name the
figures they can move. Each case starts from the stand-in warehouse that passes."""

from __future__ import annotations

import csv
import datetime as dt
import json

import duckdb
import pandas as pd
import pytest
from sample_warehouse import empty_warehouse, fixture_file, insert_rows, lineage

from checks import gate
from checks.open_problems import HELD, UNEXPLAINED, open_problems
from checks.outcome import BLOCKING, INFO, SEVERITIES, VERIFY
from checks.raw_suites import expectations_for
from checks.rule_results import declared_rules
from domain import schema
from domain.catalogue import labels
from ingest.load.current import mark_current
from ingest.read.reader import EXPLANATIONS_FILE, find_workbooks
from shushuo.releases import affected_figures, problem_notes
from tests.gate_rules import TARGET, run_rules
from tests.gate_rules import run_gate as run_gate_with_rules

PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
CITE = (
    "insert into intermediate.int_enterprise_contract_references values"
    " ('{unit}', '{code}', '集体合同编号', 'HT-1', '{unit}.xlsx', '建会企业', 4)"
)
CONTRACT_CITED_TWICE = (
    "insert into intermediate.int_contracts_in_force values ('HT-1', true, false, '单独', 1, 1)",
    CITE.format(unit="S02", code="E1"),
    CITE.format(unit="S03", code="E2"),
)
CONTRACT_RULE = "rule.contract_cited_within_its_coverage"


@pytest.fixture
def warehouse(tmp_path):
    return empty_warehouse(tmp_path / "warehouse.duckdb", PERIOD)


def run_gate(path, tmp_path, *statements, explained=(), previous=None):
    """The gate over the warehouse after `statements`, with 上报说明.csv holding `explained`
    ((unit_code, rule, explanation) each) in the input folder."""
    with duckdb.connect(str(path)) as connection:
        for statement in statements:
            connection.execute(statement)
        mark_current(connection)
    inputs = tmp_path / "inputs"
    inputs.mkdir(exist_ok=True)
    with open(inputs / EXPLANATIONS_FILE, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_code", "rule", "explanation", "explained_by", "explained_at"])
        writer.writerows([(*row, "王五", "2019-01-05") for row in explained])
    return run_gate_with_rules(path, PERIOD, tmp_path / "checks", previous=previous, input_dir=inputs)


def outcome(result, check_id):
    return next(o for o in result.outcomes if o.check_id == check_id)


def test_every_check_has_one_of_the_three_severities_and_the_examples_each_are_placed(warehouse):
    run_rules(warehouse, PERIOD)  # dbt parses the rules (tests/dbt) into TARGET
    rules = declared_rules(TARGET)
    assert all(meta["title"] and meta["advice"] and "sheets" in meta for meta in rules.values())
    severities = {rule: meta["severity"] for rule, meta in rules.items()}
    assert set(severities.values()) == set(SEVERITIES)
    assert severities["moved_against_previous_period"] == severities["contract_cited_within_its_coverage"] == VERIFY
    assert severities["cards_of_non_members"] == severities["members_in_two_units"] == INFO
    assert severities["cases_closed_after_accepted"] == BLOCKING
    raw = {e.meta["check_id"]: e.severity.value for s in schema.sheets() for e in expectations_for(s, *PERIOD)}
    assert raw["raw.aid_payments.paid_on.in_period"] == "info"  # a date outside the period is simply not counted
    assert raw["raw.aid_payments.unit_code.expected_submitter"] == "warning"  # 核实性


def test_a_verify_warning_is_open_until_each_unit_it_concerns_explains_it(warehouse, tmp_path):
    result = run_gate(warehouse, tmp_path, *CONTRACT_CITED_TWICE)
    cited = outcome(result, CONTRACT_RULE)
    assert result.passed and cited.is_open and cited.units == ["S02", "S03"]
    assert result.open_warnings == [cited] and "尚待单位说明" in result.message()
    assert "待单位说明" in result.report_html.read_text(encoding="utf-8")

    by_one = run_gate(
        warehouse, tmp_path, explained=[("S02", "contract_cited_within_its_coverage", "区域性合同，覆盖数待更新")]
    )
    cited = outcome(by_one, CONTRACT_RULE)
    assert cited.is_open and cited.unexplained_units == ["S03"]

    by_both = run_gate(
        warehouse,
        tmp_path,
        explained=[
            ("S02", "contract_cited_within_its_coverage", "区域性合同，覆盖数待更新"),
            ("S03", "引用同一集体合同编号", "E2 所填编号无误，系同一区域性合同"),  # a part of the title will do
            ("S04", "contract_cited_within_its_coverage", "与本单位无关"),  # not concerned: not attached
        ],
    )
    cited = outcome(by_both, CONTRACT_RULE)
    assert cited.explained and not cited.is_open and not by_both.open_warnings
    assert [e["unit_code"] for e in cited.explanations] == ["S02", "S03"]
    assert [e["unit_code"] for e in by_both.unmatched_explanations] == ["S04"]
    html = by_both.report_html.read_text(encoding="utf-8")
    assert "E2 所填编号无误" in html and "王五" in html and "可以发布" in html
    assert any("单位说明" in note and "区域性合同" in note for note in by_both.notes())


def test_the_sheet_of_a_units_return_explains_too(warehouse, tmp_path):
    s03 = next(u for u in schema.units() if u.code == "S03")
    with duckdb.connect(str(warehouse)) as connection:
        insert_rows(
            connection,
            "explanations",
            [
                {
                    **lineage("S03", PERIOD, 3, source_file=fixture_file(s03), sheet_title="上报说明"),
                    "rule": CONTRACT_RULE,
                    "explanation": "系区域性合同",
                    "explained_by": "赵六",
                }
            ],
        )
    result = run_gate(warehouse, tmp_path, *CONTRACT_CITED_TWICE, explained=[("S02", CONTRACT_RULE, "同上")])
    cited = outcome(result, CONTRACT_RULE)
    assert cited.explained
    assert {(e["unit_code"], e["source"]) for e in cited.explanations} == {
        ("S02", EXPLANATIONS_FILE),
        ("S03", fixture_file(s03)),
    }


def test_informational_warnings_are_never_open_and_blocking_ones_are_not_explained_away(warehouse, tmp_path):
    card = (
        "insert into marts.cards (unit_code, unit_short_name, holder_key, status, is_in_force, holder_is_member,"
        " source_file, sheet, source_row) values ('S02', '新街口', 'x', '正常', true, false, 'S02.xlsx', '京卡办理', 9)"
    )
    result = run_gate(
        warehouse,
        tmp_path,
        card,
        "delete from staging.stg_members where unit_code = 'S05'",
        explained=[("S05", "sheet_filled.members", "本期无会员变动")],
    )
    non_members = outcome(result, "rule.cards_of_non_members")
    assert non_members.is_warning and non_members.severity == INFO and not non_members.is_open
    assert not result.passed and [o.check_id for o in result.blocking] == ["rule.sheet_filled.members"]
    assert not result.blocking[0].explained


def test_a_district_figure_that_moved_is_explained_by_any_explanation_of_it(warehouse, tmp_path):
    previous = pd.DataFrame({"indicator_id": ["jobs_placed"], "breakdown_dim": [None], "value": [30.0]})
    moved = outcome(run_gate(warehouse, tmp_path, previous=previous), "rule.moved_against_previous_period")
    assert moved.is_open and moved.figures == ["jobs_placed"] and not moved.units
    problems = open_problems(warehouse, PERIOD, gate.GateResult(*PERIOD, [moved]).to_json())
    [problem] = [p for p in problems if p.kind == UNEXPLAINED]
    assert "与上期相比变动过大" in problem.describe()
    assert set(affected_figures([problem])) == {"jobs_placed"}  # the figure it names, nothing else

    answered = run_gate(
        warehouse,
        tmp_path,
        previous=previous,
        explained=[("F00", "moved_against_previous_period", "本年新增两场招聘会")],
    )
    assert outcome(answered, "rule.moved_against_previous_period").explained
    assert not [p for p in open_problems(warehouse, PERIOD, answered.to_json()) if p.kind == UNEXPLAINED]


def test_an_unexplained_contract_warning_makes_the_figures_of_its_sheets_provisional(warehouse, tmp_path):
    result = run_gate(warehouse, tmp_path, *CONTRACT_CITED_TWICE)
    [problem] = open_problems(warehouse, PERIOD, result.to_json())
    assert problem.kind == UNEXPLAINED and "S02、S03" in problem.describe()
    figures = affected_figures([problem])
    assert "enterprises_covered" in figures and "members" not in figures
    [note] = problem_notes([problem])  # a draft's 数据说明 names the figures, not only 可能略低
    assert f"“{labels()['enterprises_covered']}”" in note and f"“{labels()['members']}”" not in note


def test_a_held_return_is_an_open_problem(warehouse, tmp_path):
    # 什刹海's return sent from 德胜's folder name: held, never counted (ingest.load.current)
    run_gate(warehouse, tmp_path, "update raw.submissions set source_file = '德胜_更正.xlsx' where unit_code = 'S07'")
    held = [p for p in open_problems(warehouse, PERIOD) if p.kind == HELD]
    assert len(held) == 1 and "德胜_更正.xlsx" in held[0].describe() and "暂扣" in held[0].describe()


def test_the_desks_explanations_file_is_not_read_as_a_return(tmp_path):
    (tmp_path / EXPLANATIONS_FILE).write_text("unit_code,rule,explanation\n", encoding="utf-8-sig")
    (tmp_path / "西长安街.csv").write_text("x\n", encoding="utf-8")
    assert [p.name for p in find_workbooks(tmp_path)] == ["西长安街.csv"]


def test_a_revision_gives_the_units_explanation_beside_a_figure_it_concerns(tmp_path):
    from reports.revision import explanations_for

    (tmp_path / "checks").mkdir()
    outcome = {
        "title": "两个及以上单位填报的同一案件编号（各单位分别计数）",
        "sheets": ["mediation_cases"],
        "figures": [],
        "explanations": [{"unit": "西长安街", "unit_code": "S01", "explanation": "系两件不同的案件"}],
    }
    (tmp_path / "checks" / "checks.json").write_text(json.dumps({"outcomes": [outcome]}), encoding="utf-8")
    [said] = explanations_for("disputes_closed", tmp_path)
    assert said.startswith("西长安街说明") and "系两件不同的案件" in said
    assert explanations_for("cards_issued", tmp_path) == []
