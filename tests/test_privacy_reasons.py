"""A reason that quotes what a clerk typed must not carry an ID number out of ingest: an ID typed
into a date cell or onto the cover is quoted masked in the report, the warehouse and the
整改清单, like every value shown."""

from __future__ import annotations

import duckdb
from test_ingest_workbook_builder import headers_of, write_return

from ingest.report import Problem
from ingest.run import ingest

KEY = b"privacy-reasons-key" * 2
ID = "140105197910027772"


def test_a_problem_masks_every_long_run_of_digits():
    problem = Problem(
        "f.xlsx", "培训", 3, "开班日期", ID, "rejected", f"无法识别的日期“{ID}”：请按“2018-03-05”的样式填写"
    )
    assert ID not in problem.reason and ID not in problem.value_shown
    assert "140105********7772" in problem.reason  # still enough for the clerk to recognise the cell


def test_an_id_typed_into_a_date_cell_is_quoted_masked_everywhere(tmp_path):
    write_return(tmp_path / "in" / "甲.xlsx", {"培训": (headers_of("trainings"), [["班", "通用能力", "甲", ID, 3]])})
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    assert any("140105********7772" in p.reason for p in report.problems), [p.reason for p in report.problems]
    assert ID not in report.to_json()
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        stored = con.execute(
            "select string_agg(reason || coalesce(value_shown, ''), '|') from raw.ingest_problems"
        ).fetchall()
    assert ID not in stored[0][0]
