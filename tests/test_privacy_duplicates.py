"""重复填报.xlsx (checks/duplicates.py): a member reported by two units counts once, and the run
lists where each such member is, for the units to resolve — without an ID, a name or the
pseudonym. Checked against the input workbooks themselves: the rows of one group hold the same
ID number, rows of different groups different ones."""

import json
import re
import shutil

import duckdb
import pytest
import python_calamine as calamine
from openpyxl import load_workbook
from test_privacy_scan import file_texts, ids_in, names_in_returns

from checks.duplicates import COLUMNS, LISTING_FILE, write_duplicate_listing


@pytest.fixture(scope="module")
def listing(small_run) -> list[dict]:
    sheet = load_workbook(small_run.run_dir / LISTING_FILE, read_only=True)["重复填报"]
    rows = list(sheet.values)
    assert rows[0] == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def test_the_listing_has_one_group_per_member_the_gate_counted(small_run, listing):
    manifest = json.loads((small_run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    (counted,) = [
        o["failing_count"] for o in manifest["checks"]["outcomes"] if o["check_id"] == "rule.members_in_two_units"
    ]
    groups = {}
    for row in listing:
        groups.setdefault(row["组号"], set()).add(row["单位代码"])
    assert counted > 0 and len(groups) == counted
    assert sorted(groups) == list(range(1, counted + 1))
    assert all(len(units) >= 2 for units in groups.values())


def test_each_group_points_at_rows_of_one_person_in_the_returns(small_demo, listing):
    ids = {}
    for row in listing:
        book = calamine.CalamineWorkbook.from_path(str(small_demo / row["报送文件"]))
        rows = book.get_sheet_by_name(row["工作表"]).to_python(skip_empty_area=False)
        header = next(r for r in rows if "身份证号" in r)
        ids.setdefault(row["组号"], set()).add(rows[row["行号"] - 1][header.index("身份证号")])
    assert all(len(found) == 1 for found in ids.values())  # one person per group
    assert len(set().union(*ids.values())) == len(ids)  # a different person in each group


def test_the_listing_shows_no_id_name_or_pseudonym(small_demo, small_run, listing):
    texts = file_texts(small_run.run_dir / LISTING_FILE)
    assert not set().union(*map(ids_in, texts))
    assert not any(re.search(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", t) for t in texts)
    cells = {str(v) for row in listing for v in row.values()}
    assert not cells & names_in_returns(small_demo)


def test_no_listing_when_no_member_is_listed_twice(small_run, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(small_run.run_dir / "warehouse.duckdb", warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from marts.members_on_several_rolls")
    assert write_duplicate_listing(warehouse, tmp_path) is None
    assert not (tmp_path / LISTING_FILE).exists()


def test_each_unit_gets_a_sheet_with_its_groups_whole(small_run, listing):
    book = load_workbook(small_run.run_dir / LISTING_FILE, read_only=True)
    assert book.sheetnames[:2] == ["重复填报", "说明"]
    units = {row["单位代码"]: row["单位名称"] for row in listing}
    assert sorted(book.sheetnames[2:]) == sorted(name[:31] for name in units.values())
    by_group = {}
    for row in listing:
        by_group.setdefault(row["组号"], []).append(row)
    for code, name in units.items():
        rows = [dict(zip(COLUMNS, r, strict=True)) for r in list(book[name[:31]].values)[1:]]
        groups = {r["组号"] for r in rows}
        assert groups == {g for g, members in by_group.items() if any(m["单位代码"] == code for m in members)}
        assert len(rows) == sum(len(by_group[g]) for g in groups)  # the other units' rows of each group too
