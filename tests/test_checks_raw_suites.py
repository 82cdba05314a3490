"""The GE suites are derived from domain/schema.py and catch bad raw rows with their lineage."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from sample_warehouse import create_raw_tables, insert_rows, lineage, submit

from checks import date_windows
from checks.outcome import BLOCKING, ERROR, FAILED, INFO
from checks.raw_suites import expectations_for
from checks.raw_validation import validate_raw
from domain import schema

PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


def expectations_of(sheet_name: str) -> dict[str, object]:
    return {e.meta["check_id"]: e for e in expectations_for(schema.sheet(sheet_name), *PERIOD)}


def test_every_date_column_of_the_schema_has_a_window_and_no_other():
    schema_dates = {(s.name, c.name) for s in schema.sheets() for c in s.columns if c.type == "date"}
    assert schema_dates == set(date_windows.DATE_KINDS)
    assert set(date_windows.DATE_KINDS.values()) == {date_windows.FLOW, date_windows.HISTORY, date_windows.TERM}
    assert set(schema.plausible()["days_after_period_end"]) == set(date_windows.DATE_KINDS.values())


def test_required_columns_expect_not_null_and_personal_ones_on_their_key():
    checks = expectations_of("cards")
    assert "raw.cards.holder_key.not_null" in checks  # resident_id → the pseudonymised key
    assert "raw.cards.card_key.not_null" in checks
    assert "raw.cards.issued_on.not_null" in checks
    assert "raw.cards.cancelled_on.not_null" not in checks  # optional
    assert not any(".holder_name." in check or ".holder." in check for check in checks)


def test_enum_int_minimum_and_money_become_sets_and_ranges():
    contracts = expectations_of("contracts")
    assert contracts["raw.contracts.form.allowed_values"].value_set == ["单独", "区域性", "行业性"]
    assert contracts["raw.contracts.enterprises_covered.range"].min_value == 1  # schema min
    assert contracts["raw.contracts.workers_covered.range"].min_value == 0  # int default
    assert expectations_of("aid_payments")["raw.aid_payments.cash.range"].min_value == 0


def test_flow_dates_outside_the_period_only_warn_while_implausible_dates_block():
    aid = expectations_of("aid_payments")
    assert aid["raw.aid_payments.paid_on.in_period"].severity.value == "info"
    assert aid["raw.aid_payments.paid_on.plausible_date"].severity.value == "critical"
    assert "raw.members.joined_on.in_period" not in expectations_of("members")  # a stock's date


def test_a_card_cancelled_after_the_period_end_is_not_reported_as_left_out():
    """int_cards_in_force counts a card cancelled after the end (it was in force at the end), so
    the note "晚于期末的不计入" would tell the clerk the opposite of what the figure did."""
    cards = expectations_of("cards")
    assert "raw.cards.cancelled_on.not_after_period" not in cards
    assert "raw.cards.cancelled_on.plausible_date" in cards
    assert "raw.cards.issued_on.not_after_period" in cards  # a card issued after the end is left out


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        create_raw_tables(connection)
    return path


def aid_row(row: int, source_file: str = "月坛.xlsx", **changes) -> dict:
    values = dict(
        recipient_key="k" * 64,
        recipient_sex="女",
        recipient_category="在档困难职工",
        programme="送温暖",
        cash=100,
        goods_value=50,
        paid_on=dt.date(2018, 6, 1),
    )
    values.update(changes)
    return {**values, **lineage("S03", PERIOD, row, source_file=source_file, sheet_title="帮扶救助")}


def run_on(path, rows: list[dict]):
    with duckdb.connect(str(path)) as connection:
        insert_rows(connection, "aid_payments", rows)
    with duckdb.connect(str(path), read_only=True) as connection:
        return {o.check_id: o for o in validate_raw(connection, *PERIOD)}


def test_a_bad_enum_value_and_a_negative_amount_block_with_their_lineage(warehouse):
    outcomes = run_on(warehouse, [aid_row(4), aid_row(5, programme="送凉爽"), aid_row(6, cash=-20)])

    enum = outcomes["raw.aid_payments.programme.allowed_values"]
    assert (enum.status, enum.severity, enum.failing_count) == (FAILED, BLOCKING, 1)
    assert enum.examples == [
        {"unit_code": "S03", "source_file": "月坛.xlsx", "sheet": "帮扶救助", "source_row": 5, "项目": "送凉爽"}
    ]

    money = outcomes["raw.aid_payments.cash.range"]
    assert (money.status, money.severity, money.failing_count) == (FAILED, BLOCKING, 1)
    assert money.examples[0]["source_row"] == 6 and money.examples[0]["现金（元）"] == -20

    assert outcomes["raw.aid_payments.goods_value.range"].status == "passed"


def test_a_payment_dated_after_the_period_is_a_warning_showing_the_date(warehouse):
    outcomes = run_on(warehouse, [aid_row(4, paid_on=dt.date(2019, 2, 3))])
    late = outcomes["raw.aid_payments.paid_on.in_period"]
    assert (late.status, late.severity) == (FAILED, INFO)
    assert late.examples[0]["发放日期"] == dt.date(2019, 2, 3)
    assert outcomes["raw.aid_payments.paid_on.plausible_date"].status == "passed"


def test_a_missing_required_value_and_an_unknown_unit_block(warehouse):
    row = aid_row(7, source_file="导出.xlsx", recipient_key=None)  # a name naming 月坛 would hold an X99 cover
    row["unit_code"] = "X99"
    outcomes = run_on(warehouse, [row])
    assert outcomes["raw.aid_payments.recipient_key.not_null"].is_blocking_failure
    assert outcomes["raw.aid_payments.unit_code.known_unit"].is_blocking_failure


def test_a_raw_table_that_cannot_be_read_is_a_blocking_error(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop table raw.trainings")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        outcomes = {o.check_id: o for o in validate_raw(connection, *PERIOD)}
    broken = outcomes["raw.trainings.readable"]
    assert (broken.status, broken.severity) == (ERROR, BLOCKING)
    assert "raw.trainings" in broken.detail


def test_rows_of_a_return_the_unit_has_since_corrected_are_not_checked(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        insert_rows(connection, "aid_payments", [aid_row(5, source_file="月坛_初报.xlsx", cash=-20)])
        submit(connection, "S03", PERIOD, "月坛_更正.xlsx", filled_on=dt.date(2019, 1, 20))  # newer: current
    outcomes = run_on(warehouse, [aid_row(5, source_file="月坛_更正.xlsx")])
    assert outcomes["raw.aid_payments.cash.range"].status == "passed"


def test_without_dbt_s_current_submissions_the_raw_checks_cannot_run_and_block(warehouse):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("drop view staging.stg_submissions")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        [outcome] = validate_raw(connection, *PERIOD)
    assert (outcome.status, outcome.severity) == (ERROR, BLOCKING) and "staging.stg_submissions" in outcome.detail


def test_every_check_title_reads_in_chinese_without_code_names():
    """The analyst reads the titles in checks.html: no raw column name (paid_on), file name
    (units.yaml) or unit kind (street) may show through."""
    import re

    code_name = re.compile(r"[A-Za-z_]{3,}")
    for sheet in schema.sheets():
        for expectation in expectations_for(sheet, dt.date(2018, 1, 1), dt.date(2018, 12, 31)):
            title = expectation.meta["title"]
            assert not code_name.search(title.replace("SHA-256", "")), title


def test_raw_columns_are_named_by_their_headers():
    aid = schema.sheet("aid_payments")
    assert aid.raw_column_label("paid_on") == aid.column("paid_on").header
    assert aid.raw_column_label("recipient_birth_year") == "身份证号所示出生年份"
    assert aid.raw_column_label("source_row") == "source_row"  # lineage: checks.outcome.field_label names it
    assert schema.kind_label("street") == "街道工会服务站"
