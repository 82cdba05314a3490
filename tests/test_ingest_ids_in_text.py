"""An ID number typed into a free-text column never leaves ingest: only the 身份证号 column is
pseudonymised, so such a cell is rejected, and the problem report shows it masked."""

from __future__ import annotations

import duckdb
from test_ingest_workbook_builder import headers_of, person_id, write_return

from ingest.clean import cells
from ingest.clean.validators import credit_check_char, mask_resident_id, mask_resident_ids_in, resident_ids_in
from ingest.run import ingest

KEY = b"test-key-" * 4
CREDIT = "81110102MA0000000" + credit_check_char("81110102MA0000000")


def test_text_cells_holding_an_id_are_rejected_and_others_kept():
    someone = person_id(7)
    values, errors = cells.text([f"备注：{someone} 的工会", "甲单位工会", "合同号 20180001234567890", ""])
    assert values == [None, "甲单位工会", "合同号 20180001234567890", None]
    assert list(errors) == [0] and "身份证号" in errors[0]


def test_only_valid_ids_count_and_they_are_masked_in_what_is_shown():
    someone = person_id(7)
    assert resident_ids_in(f"x{someone}y") == [someone]
    assert resident_ids_in(someone[:17] + ("0" if someone[-1] != "0" else "1")) == []  # wrong check digit
    assert mask_resident_ids_in(f"见{someone}") == f"见{mask_resident_id(someone)}"


def test_a_member_row_with_an_id_in_its_union_name_is_rejected_and_nothing_leaks(tmp_path):
    someone = person_id(8)
    write_return(
        tmp_path / "in" / "月坛_2018年度.xlsx",
        {
            "会员名册": (
                headers_of("members"),
                [
                    ["会员1", person_id(1), "甲单位工会", CREDIT, "2018-03-05", "男", "是"],
                    ["会员2", person_id(2), f"乙单位工会{someone}", CREDIT, "2018-03-05", "男", "是"],
                ],
            ),
        },
    )
    warehouse = tmp_path / "w.duckdb"
    report = ingest(tmp_path / "in", warehouse, key=KEY, workers=1)
    problem = next(p for p in report.problems if p.severity == "rejected")
    assert problem.column_header == "基层工会名称" and mask_resident_id(someone) in problem.value_shown
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.members").fetchone()[0] == 1
        text = con.execute("select string_agg(value_shown, '') from raw.ingest_problems").fetchone()[0]
    assert someone not in text
