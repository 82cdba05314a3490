"""The gate's rules on each unit's own lists and on single rows: an empty stock sheet, more card
holders than members, contradictory rows the models drop, case numbers repeated across units,
两癌筛查 cards given to men. Each case starts from the stand-in warehouse that passes and breaks
one thing with SQL, then checks the outcome and that unit, file, sheet and row are named."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from sample_warehouse import empty_warehouse

from checks.outcome import BLOCKING, VERIFY
from checks.rule_results import declared_rules
from domain.schema import expected_nonempty
from ingest.load.current import mark_current
from tests.gate_rules import TARGET, run_rules
from tests.gate_rules import run_gate as run_gate_with_rules

PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))

CARD = (
    "insert into marts.cards (unit_code, unit_short_name, holder_key, status, cancelled_on, is_in_force,"
    " holder_is_member, source_file, sheet, source_row) values ('{unit}', '月坛', '{holder}', '{status}', {cancelled},"
    " {in_force}, {member}, '月坛.xlsx', '京卡办理', {row})"
)
MEMBER = "insert into intermediate.int_members_by_unit values ('{unit}', '{person}', DATE '2010-05-01', 1)"
CASE = (
    "insert into marts.mediation_cases (unit_code, unit_short_name, case_no, accepted_on, closed_on, outcome,"
    " is_closed_in_period, source_file, sheet, source_row) values ('{unit}', '{unit}简称', '{case_no}',"
    " DATE '2017-11-01', {closed}, {outcome}, {closed_in_period}, '{unit}.xlsx', '劳动争议调解', {row})"
)
SCREENING = (
    "insert into staging.stg_women_care (recipient_key, recipient_sex, programme, given_on, unit_code, source_file,"
    " sheet, source_row) values ('r{row}', '{sex}', '{programme}', "
    "DATE '{given_on}', 'S09', '天桥.xlsx', '女职工关爱', {row})"
)


@pytest.fixture
def warehouse(tmp_path):
    return empty_warehouse(tmp_path / "warehouse.duckdb", PERIOD)


def run_gate(path, tmp_path, *statements):
    with duckdb.connect(str(path)) as connection:
        for statement in statements:
            connection.execute(statement)
        mark_current(connection)  # a workbook added by hand: which file counts, as a run decides it
    return run_gate_with_rules(path, PERIOD, tmp_path / "checks")


def only_warning(result, rule_id):
    assert result.passed and [o.check_id for o in result.warnings] == [f"rule.{rule_id}"]
    return result.warnings[0]


def test_the_schema_flags_the_stock_sheets_and_each_flag_has_a_rule(warehouse):
    run_rules(warehouse, PERIOD)  # dbt parses the rules into TARGET
    flags = expected_nonempty()
    assert flags["members"] == flags["cards"] == BLOCKING
    assert flags["enterprises"] == flags["stations"] == VERIFY
    assert set(flags.values()) <= {BLOCKING, VERIFY}
    rules = {rule: meta["severity"] for rule, meta in declared_rules(TARGET).items()}
    assert {f"sheet_filled.{name}": severity for name, severity in flags.items()}.items() <= rules.items()


def test_an_empty_member_list_blocks_and_names_the_unit_and_sheet(warehouse, tmp_path):
    result = run_gate(warehouse, tmp_path, "delete from staging.stg_members where unit_code = 'S05'")
    assert [o.check_id for o in result.blocking] == ["rule.sheet_filled.members"]
    assert result.blocking[0].examples == [
        {"unit_code": "S05", "unit": "德胜街道工会服务站", "source_file": "德胜.xlsx", "sheet": "会员名册"}
    ]
    assert "单位代码 S05" in result.message() and "会员名册" in result.message()


def test_an_empty_enterprise_list_is_a_warning_naming_the_unit(warehouse, tmp_path):
    warning = only_warning(
        run_gate(warehouse, tmp_path, "delete from staging.stg_enterprises where unit_code = 'S02'"),
        "sheet_filled.enterprises",
    )
    assert [(e["unit_code"], e["sheet"]) for e in warning.examples] == [("S02", "建会企业")]


def test_a_sheet_of_an_older_return_does_not_fill_the_current_one(warehouse, tmp_path):
    """The rows are in the unit's first workbook; its corrected workbook (current) lacks the sheet."""
    result = run_gate(
        warehouse,
        tmp_path,
        "insert into raw.submissions (unit_code, unit_name, period_start, period_end, source_file, filled_on)"
        " values ('S08', '大栅栏街道工会服务站', DATE '2018-01-01', "
        "DATE '2018-12-31', '大栅栏-更正.xlsx', DATE '2019-01-20')",
    )
    assert {o.check_id for o in result.blocking} == {"rule.sheet_filled.members", "rule.sheet_filled.cards"}
    assert all(o.examples[0]["source_file"] == "大栅栏-更正.xlsx" for o in result.blocking)


def test_a_unit_without_any_return_is_named_once_not_for_each_sheet(warehouse, tmp_path):
    result = run_gate(warehouse, tmp_path, "delete from raw.submissions where unit_code = 'S07'")
    assert [o.check_id for o in result.blocking] == ["rule.expected_units_present"]


def test_more_member_card_holders_than_members_blocks(warehouse, tmp_path):
    card = dict(unit="S03", status="正常", cancelled="null", in_force="true", member="true")
    result = run_gate(
        warehouse,
        tmp_path,
        MEMBER.format(unit="S03", person="p1"),
        CARD.format(holder="p1", row=4, **card),
        CARD.format(holder="p2", row=5, **card),
        CARD.format(holder="p2", row=6, **card),  # a second card of the same holder counts once
    )
    assert [o.check_id for o in result.blocking] == ["rule.unit_card_holders_within_members"]
    assert result.blocking[0].examples == [
        {
            "unit_code": "S03",
            "unit": "月坛",
            "members": 1,
            "card_holders": 2,
            "member_holders": 2,
            "non_member_holders": 0,
        }
    ]


def test_an_excess_of_non_member_card_holders_is_only_a_warning(warehouse, tmp_path):
    card = dict(unit="S03", status="正常", cancelled="null", in_force="true")
    result = run_gate(
        warehouse,
        tmp_path,
        MEMBER.format(unit="S03", person="p1"),
        MEMBER.format(unit="S03", person="p9"),
        CARD.format(holder="p1", row=4, member="true", **card),
        CARD.format(holder="n1", row=5, member="false", **card),
        CARD.format(holder="n2", row=6, member="false", **card),
    )
    assert result.passed
    assert {o.check_id for o in result.warnings} == {
        "rule.unit_card_holders_with_non_members",
        "rule.cards_of_non_members",
    }
    excess = next(o for o in result.warnings if o.check_id == "rule.unit_card_holders_with_non_members")
    assert excess.examples[0]["members"] == 2 and excess.examples[0]["card_holders"] == 3


def test_a_case_closed_before_it_was_accepted_blocks(warehouse, tmp_path):
    late = CASE.format(
        unit="S04", case_no="A-1", closed="DATE '2017-10-01'", outcome="'调解成功'", closed_in_period="true", row=7
    )
    fine = CASE.format(
        unit="S04", case_no="A-2", closed="DATE '2018-03-01'", outcome="'调解成功'", closed_in_period="true", row=8
    )
    result = run_gate(warehouse, tmp_path, late, fine)
    assert [o.check_id for o in result.blocking] == ["rule.cases_closed_after_accepted"]
    assert [(e["source_file"], e["source_row"]) for e in result.blocking[0].examples] == [("S04.xlsx", 7)]


def test_a_contract_cited_by_more_enterprises_than_it_covers_is_a_warning(warehouse, tmp_path):
    cite = (
        "insert into intermediate.int_enterprise_contract_references values "
        "('{unit}', '{code}', '集体合同编号', 'HT-1', '{unit}.xlsx', '建会企业', 4)"
    )
    warning = only_warning(
        run_gate(
            warehouse,
            tmp_path,
            "insert into intermediate.int_contracts_in_force values ('HT-1', true, false, '单独', 1, 1)",
            cite.format(unit="S02", code="E1"),
            cite.format(unit="S03", code="E2"),
            cite.format(unit="S03", code="E1"),
        ),
        "contract_cited_within_its_coverage",
    )
    assert warning.examples == [
        {"units": "S02、S03", "contract_no": "HT-1", "form": "单独", "enterprises_declared": 1, "enterprises_citing": 2}
    ]


def test_a_case_with_a_closing_date_or_a_result_alone_is_listed(warehouse, tmp_path):
    cases = [
        CASE.format(
            unit="S02", case_no="B-1", closed="DATE '2018-05-01'", outcome="null", closed_in_period="false", row=4
        ),
        CASE.format(unit="S02", case_no="B-2", closed="null", outcome="'调解成功'", closed_in_period="false", row=5),
        CASE.format(
            unit="S02", case_no="B-3", closed="DATE '2017-05-01'", outcome="null", closed_in_period="false", row=6
        ),
        CASE.format(unit="S02", case_no="B-4", closed="null", outcome="null", closed_in_period="false", row=7),
    ]
    warning = only_warning(run_gate(warehouse, tmp_path, *cases), "case_closing_and_result_agree")
    assert [(e["source_row"], e["problem"]) for e in warning.examples] == [
        (4, "有结案日期、无调解结果"),
        (5, "有调解结果、无结案日期"),
    ]
    assert warning.examples[0]["sheet"] == "劳动争议调解" and warning.examples[0]["source_file"] == "S02.xlsx"


def test_a_card_whose_status_contradicts_its_cancellation_date_is_listed(warehouse, tmp_path):
    card = dict(unit="S03", holder="p1", member="true")
    cards = [
        CARD.format(status="正常", cancelled="DATE '2018-06-30'", in_force="false", row=4, **card),
        CARD.format(status="正常", cancelled="DATE '2019-02-01'", in_force="true", row=5, **card),
        CARD.format(status="注销", cancelled="null", in_force="false", row=6, **card),
        CARD.format(status="注销", cancelled="DATE '2018-02-01'", in_force="false", row=7, **card),
    ]
    warning = only_warning(
        run_gate(warehouse, tmp_path, MEMBER.format(unit="S03", person="p1"), *cards),
        "card_status_and_cancel_date_agree",
    )
    assert [(e["source_row"], e["problem"]) for e in warning.examples] == [
        (4, "状态为正常、注销日期不晚于期末"),
        (6, "状态为注销、无注销日期"),
    ]


def test_insurance_totals_from_a_unit_other_than_the_federation_are_listed_as_not_counted(warehouse, tmp_path):
    """int_figures_care reads only the federation's 互助保障; a street's rows would vanish without a word."""
    insurance = (
        "insert into staging.stg_mutual_insurance (plan, enrolled, beneficiaries, claims, unit_code, source_file,"
        " sheet, source_row) values ('保费型保障计划', 10, 1, 100.00, '{unit}', '{unit}.xlsx', '互助保障', {row})"
    )
    warning = only_warning(
        run_gate(warehouse, tmp_path, insurance.format(unit="S02", row=4), insurance.format(unit="F00", row=5)),
        "insurance_totals_from_their_own_units_only",
    )
    assert warning.examples == [
        {
            "unit_code": "S02",
            "unit": "新街口",
            "source_file": "S02.xlsx",
            "sheet": "互助保障",
            "source_row": 4,
            "plan": "保费型保障计划",
        }
    ]
    assert "区总工会本级以外" in warning.title and "没有计入" in warning.detail


def test_a_case_number_from_two_units_is_listed_but_a_repeat_within_a_unit_is_not(warehouse, tmp_path):
    case = dict(closed="DATE '2018-05-01'", outcome="'调解成功'", closed_in_period="true")
    cases = [
        CASE.format(unit="S02", case_no="C-1", row=4, **case),
        CASE.format(unit="S03", case_no="C-1", row=9, **case),
        CASE.format(unit="S04", case_no="C-2", row=4, **case),
        CASE.format(unit="S04", case_no="C-2", row=5, **case),
    ]
    warning = only_warning(run_gate(warehouse, tmp_path, *cases), "case_numbers_unique_across_units")
    assert [(e["unit_code"], e["source_file"], e["source_row"], e["case_no"]) for e in warning.examples] == [
        ("S02", "S02.xlsx", 4, "C-1"),
        ("S03", "S03.xlsx", 9, "C-1"),
    ]


def test_a_screening_card_given_to_a_man_in_the_period_is_listed(warehouse, tmp_path):
    rows = [
        SCREENING.format(row=4, sex="男", programme="两癌筛查", given_on="2018-04-01"),
        SCREENING.format(row=5, sex="女", programme="两癌筛查", given_on="2018-04-01"),
        SCREENING.format(row=6, sex="男", programme="母婴关爱", given_on="2018-04-01"),
        SCREENING.format(row=7, sex="男", programme="两癌筛查", given_on="2017-04-01"),
    ]
    warning = only_warning(run_gate(warehouse, tmp_path, *rows), "screening_recipients_are_women")
    assert warning.examples == [
        {
            "unit_code": "S09",
            "unit": "天桥",
            "source_file": "天桥.xlsx",
            "sheet": "女职工关爱",
            "source_row": 4,
            "given_on": "2018-04-01",
            "recipient_sex": "男",
        }
    ]
