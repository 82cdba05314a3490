"""Messy returns (tests/messy_cases.py) are read as a person would read them: every row is
accounted for by kind, exactly the bad cells are rejected, and the loaded rows carry the values
the clerk meant — whatever the file type, layout, header spelling or cell typing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
from messy_cases import build_corpus

from domain.schema import sheet as schema_sheet
from ingest.clean.validators import birth_year, sex
from ingest.run import ingest

KEY = b"messy-test-key" * 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messy") / "in"
    cases = build_corpus(folder)
    warehouse = folder.parent / "w.duckdb"
    report = ingest(folder, warehouse, key=KEY, workers=2)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield cases, report, con


def _sheets(report, name):
    return {s.sheet: s for f in report.files if f.source_file == name for s in f.sheets}


def test_every_file_is_read_and_attributed(corpus):
    cases, report, _ = corpus
    files = {f.source_file: f for f in report.files}
    assert set(files) == set(cases)
    for name, case in cases.items():
        assert (files[name].unit_code, files[name].used) == (case.unit_code, case.used), name


def test_every_row_is_accounted_for_by_kind(corpus):
    cases, report, _ = corpus
    for name, case in cases.items():
        found = _sheets(report, name)
        for sheet_name, exp in case.sheets.items():
            s = found[sheet_name]
            assert (
                s.sheet_name,
                s.rows_read,
                s.rows_loaded,
                s.rows_rejected,
                s.rows_blank,
                s.rows_title,
                s.rows_total,
                s.rows_note,
            ) == (
                exp.sheet_name,
                exp.rows_read,
                len(exp.loaded),
                exp.rejected_rows,
                exp.blank,
                exp.title,
                exp.total,
                exp.note,
            ), (name, sheet_name)
            assert s.rows_read == s.rows_loaded + s.rows_rejected + s.rows_skipped


def test_exactly_the_bad_cells_are_rejected(corpus):
    cases, report, _ = corpus
    for name, case in cases.items():
        if case.unit_code is None:
            continue
        for sheet_name, exp in case.sheets.items():
            got = {
                (p.source_row, p.column_header)
                for p in report.problems
                if p.source_file == name and p.sheet == sheet_name and p.severity == "rejected"
            }
            assert got == exp.rejected, (name, sheet_name)


def test_warnings_point_at_the_cells(corpus):
    """Merged cells filled down, extra columns, a wrong 合计, a hidden sheet, a dropped sheet."""
    cases, report, _ = corpus
    for name, case in cases.items():
        warnings = {
            (p.sheet, p.source_row, p.column_header)
            for p in report.problems
            if p.source_file == name and p.severity == "warning"
        }
        expected = {(sheet, row, header) for sheet, exp in case.sheets.items() for row, header in exp.warnings}
        expected |= set(case.warnings)
        assert warnings == expected, name


def _expected_raw(column, value):
    """What a logical value becomes in its raw table's column(s)."""
    if column.type == "person_name":
        return {}
    if column.type == "resident_id":
        return {f"{column.name}_birth_year": birth_year(value), f"{column.name}_sex": sex(value)}
    if column.type == "card_number":
        return {}
    if column.type == "money":
        return {column.name: Decimal(str(value)).quantize(Decimal("0.01"))}
    return {column.name: value}


def test_loaded_rows_carry_the_meant_values(corpus):
    cases, _, con = corpus
    checked = 0
    for name, case in cases.items():
        for sheet_name, exp in case.sheets.items():
            sheet = schema_sheet(exp.sheet_name)
            wanted = [
                {k: v for c, value in zip(sheet.columns, row, strict=True) for k, v in _expected_raw(c, value).items()}
                for _, row in sorted(exp.loaded.items())
            ]
            names = list(wanted[0]) if wanted else ["source_row"]
            got = con.execute(
                f"select source_row, {', '.join(names)} from raw.{sheet.name} "
                "where source_file = ? and sheet = ? order by source_row",
                [name, sheet_name],
            ).fetchall()
            assert [r[0] for r in got] == sorted(exp.loaded), (name, sheet_name)
            assert [dict(zip(names, r[1:], strict=True)) for r in got] == wanted, (name, sheet_name)
            checked += len(got)
    assert checked > 40


def test_wan_yuan_lines_and_headers_scale_money(corpus):
    _, _, con = corpus
    assert con.execute("select sum(cash) from raw.aid_payments where source_file = '月坛_2018年度.xlsx'").fetchone()[
        0
    ] == Decimal("4503.00")
    amounts = con.execute("select amount from raw.mediation_cases order by source_row").fetchall()
    assert amounts[0][0] == Decimal("12345.67")


def test_hidden_sheet_is_reported_not_read(corpus):
    _, report, con = corpus
    assert con.execute("select count(*) from raw.trainings where sheet = '旧表'").fetchone()[0] == 0
    (hidden,) = [s for s in _sheets(report, "月坛_2018年度.xlsx").values() if s.sheet == "旧表"]
    assert hidden.status == "hidden"


def test_the_report_says_which_file_counts_for_each_unit(corpus):
    _, report, con = corpus
    used = {u["unit_code"]: u for u in report.submissions_used}
    assert used["S09"]["source_file"] == "天桥/更正.xlsx"
    assert [r["source_file"] for r in used["S09"]["replaced"]] == ["天桥/初报.xlsx"]
    assert used["S05"]["replaced"] == [] and "S00" not in used
    # both files are kept with their hashes; staging picks the same one
    rows = con.execute(
        "select source_file, file_sha256 from raw.submissions where unit_code = 'S09' order by filled_on"
    ).fetchall()
    assert [r[0] for r in rows] == ["天桥/初报.xlsx", "天桥/更正.xlsx"] and all(len(r[1]) == 64 for r in rows)


def test_ingest_sheets_records_the_kinds_of_skipped_rows(corpus):
    _, report, con = corpus
    totals = con.execute(
        "select sum(rows_read), sum(rows_loaded + rows_rejected + rows_skipped), "
        "sum(rows_skipped), sum(rows_blank + rows_title + rows_total + rows_note) from raw.ingest_sheets"
    ).fetchone()
    assert totals[0] == totals[1] and totals[2] == totals[3] and totals[0] == report.totals()["rows_read"]


def test_a_rerun_gives_the_same_warehouse(corpus, tmp_path):
    _cases, report, con = corpus
    other = tmp_path / "again.duckdb"
    ingest(__import__("pathlib").Path(report.input_dir), other, key=KEY, workers=1)
    with duckdb.connect(str(other), read_only=True) as again:
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall():
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'raw' "
                    "and table_name = ? and column_name <> 'loaded_at' order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            query = f"select {', '.join(columns)} from raw.{table}"
            assert con.execute(query).fetchall() == again.execute(query).fetchall(), table


def test_dates_of_every_spelling_agree():
    from ingest.clean import cells

    values, errors = cells.date(
        ["2018年3月5日", "2018.3.5", "2018/03/05", 43164.0, " 2018-03-05 ", "２０１８－０３－０５"]
    )
    assert errors == {} and set(values) == {dt.date(2018, 3, 5)}
