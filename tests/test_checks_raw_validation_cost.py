"""The raw checks' short cuts through Great Expectations (checks/raw_validation.py: each
expectation's configuration built once per validation, one data frame asset for every table)
change nothing they find: the same outcomes, examples and counts as GE's own way, and GE is left
as it was."""

from __future__ import annotations

import contextlib
import datetime as dt

import duckdb
from great_expectations.expectations.expectation import Expectation
from sample_warehouse import create_raw_tables, insert_rows, lineage

from checks import raw_validation

PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


def aid_row(row: int, **changes) -> dict:
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
    return {**values, **lineage("S03", PERIOD, row, source_file="月坛.xlsx", sheet_title="帮扶救助")}


def test_the_same_outcomes_as_ge_builds_them_and_ge_left_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "warehouse.duckdb"
    rows = [aid_row(4), aid_row(5, programme="送凉爽"), aid_row(6, cash=-20), aid_row(7, paid_on=dt.date(2019, 2, 1))]
    with duckdb.connect(str(path)) as connection:
        create_raw_tables(connection)
        insert_rows(connection, "aid_payments", rows)
    ge_property = Expectation.configuration
    with duckdb.connect(str(path), read_only=True) as connection:
        ours = [o.to_dict() for o in raw_validation.validate_raw(connection, *PERIOD)]
        assert Expectation.configuration is ge_property
        monkeypatch.setattr(raw_validation, "_configurations_kept", contextlib.nullcontext)
        theirs = [o.to_dict() for o in raw_validation.validate_raw(connection, *PERIOD)]
    assert ours == theirs
    failing = {o["check_id"]: o for o in ours if o["status"] != "passed"}
    assert {"raw.aid_payments.programme.allowed_values", "raw.aid_payments.cash.range"} <= set(failing)
    assert all(o["examples"] for o in failing.values())
