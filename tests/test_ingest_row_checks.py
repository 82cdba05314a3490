"""A row that contradicts its sheet's definition (schema.yaml row_checks) is loaded, sent back to
the unit as 请核对 at its cell, and left out of the figure by the model (test_models_indicators)."""

from __future__ import annotations

import datetime as dt

from demo.identifiers import resident_id
from ingest.clean.pseudonymise import pseudonymisers
from ingest.read.sheet_reader import read_sheet

WOMAN = resident_id("110102", dt.date(1980, 5, 1), 12, female=True)
MAN = resident_id("110102", dt.date(1981, 6, 2), 13, female=False)


def _read(rows):
    persons, cards = pseudonymisers(b"k" * 32)
    header = [["女职工关爱", "", "", ""], ["姓名", "身份证号", "项目", "发放日期"]]
    return read_sheet("女职工关爱", header + rows, "天桥.xlsx", persons, cards)


def test_a_screening_card_for_a_mans_id_is_loaded_and_sent_back_to_check():
    outcome = _read(
        [
            ["甲", WOMAN, "两癌筛查", "2018-04-01"],
            ["乙", MAN, "两癌筛查", "2018-04-02"],
            ["丙", MAN, "母婴关爱", "2018-04-03"],  # not a screening card: nothing to check
        ]
    )
    assert outcome.report.rows_loaded == 3 and outcome.report.rows_rejected == 0
    (problem,) = outcome.problems
    assert (problem.sheet, problem.source_row, problem.column_header, problem.source_column, problem.severity) == (
        "女职工关爱",
        4,
        "身份证号",
        2,
        "warning",
    )
    assert "男性" in problem.reason and "不计入" in problem.reason
    assert MAN not in problem.reason and MAN[:14] not in problem.reason


def test_every_row_check_names_loaded_columns_of_its_sheet():
    from domain.schema import sheets

    for sheet in sheets():
        raw = {name for name, _ in sheet.raw_columns}
        for check in sheet.row_checks:
            assert {c for c, _ in (*check.when, *check.expect)} <= raw, (sheet.name, check.id)
