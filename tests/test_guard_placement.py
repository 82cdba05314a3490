"""The file guard measures a sheet as python-calamine will build it: cells and rows written
without a reference (<c>, <row> with no r attribute) are placed one after another, so a 2 KB
sheet whose last row holds 16 384 bare cells asks calamine for 17 billion cells (measured:
"memory allocation of 512 GiB failed", the process aborted) although no reference reaches past
A1. Such sheets are refused, named, in Chinese; ordinary sheets without references still pass."""

import subprocess
import sys
import zipfile

import pytest
import python_calamine as calamine
from test_hostile_files import CALAMINE_ALONE, MAIN, _one_gigabyte, refused, sheet_xml, workbook

from ingest.find.cell_extent import SheetScan
from ingest.find.file_guard import UnsafeFile, inspect, inspect_workbook

LAST_ROW = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">'
HOSTILE = {
    "16384 bare cells in the last row": LAST_ROW + "<c><v>1</v></c>" * 16_384 + "</row>",
    "16384 empty bare cells in the last row": LAST_ROW + "<c/>" * 16_383 + "<c><v>1</v></c></row>",
    "2000 bare cells in the last row": LAST_ROW + "<c><v>1</v></c>" * 2_000 + "</row>",
    "bare cells after a far reference": '<row r="1048576"><c r="Z1048576"><v>1</v></c>' + "<c/>" * 5 + "</row>",
    "150 000 bare rows, then a wide row": "<row/>" * 150_000 + "<row>" + "<c/>" * 200 + "</row>",
    "a bare cell in row 1 048 576 reached by bare rows": '<row r="1048000"/>'
    + "<row/>" * 575
    + "<row>"
    + "<c/>" * 30
    + "</row>",
    "prefixed elements": f'<x:row xmlns:x="{MAIN}" r="1048576">' + "<x:c/>" * 100 + "</x:row>",
    "bare cells past column XFD": '<row r="1">' + "<c/>" * 16_385 + "</row>",
    "a 5000-digit row reference": '<row r="' + "9" * 5000 + '"><c r="A' + "9" * 5000 + '"><v>1</v></c></row>',
    "attributes in another order": '<row spans="1:2" r="1048576">' + '<c s="0"><v>1</v></c>' * 40 + "</row>",
}


@pytest.mark.parametrize("cells", HOSTILE.values(), ids=HOSTILE.keys())
def test_sheets_that_reach_far_only_by_bare_cells_or_rows_are_refused_by_name(tmp_path, cells):
    path = workbook(tmp_path / "bare.xlsx", sheet_xml(cells))
    assert path.stat().st_size < 64 << 10  # small files: the limits are on what calamine would build
    reason = refused(path)
    assert "会员名册" in reason and ("超过上限" in reason or "超出 Excel 的范围" in reason)


def test_what_the_guard_passed_before_now_crashes_calamine_alone(tmp_path):
    """The case the guard must stop: calamine alone, capped at 1 GB, is killed by the allocator."""
    path = workbook(tmp_path / "bare.xlsx", sheet_xml(HOSTILE["16384 bare cells in the last row"]))
    child = subprocess.run(
        [sys.executable, "-c", CALAMINE_ALONE, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_one_gigabyte,
    )
    assert child.returncode != 0 and "memory allocation" in child.stderr


LAYOUTS = {
    "bare cells": '<row r="1"><c><v>1</v></c><c><v>2</v></c></row>',
    "a bare cell after B1": '<row r="1"><c r="B1"><v>1</v></c><c><v>2</v></c></row>',
    "bare rows": "<row><c><v>1</v></c></row><row><c><v>2</v></c></row>",
    "a bare row after row 3": '<row r="3"><c><v>1</v></c></row><row><c><v>2</v></c></row>',
    "a cell whose reference names another row": (
        '<row r="2"><c r="A7"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'
    ),
    "empty row elements": '<row r="2"/><row/><row><c><v>3</v></c></row>',
    "single-quoted and lower-case": "<row r='4'><c r='c4'><v>1</v></c><c><v>2</v></c></row>",
    "prefixed": f'<row r="1"><x:c xmlns:x="{MAIN}"><x:v>3</x:v></x:c><c><v>4</v></c></row>',
}


@pytest.mark.parametrize("cells", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_the_guard_places_cells_where_calamine_does(tmp_path, cells):
    """The guard's model of calamine (ingest/find/cell_extent.py) against calamine itself: the same
    rectangle. A calamine upgrade that places bare cells differently fails here."""
    path = workbook(tmp_path / "layout.xlsx", sheet_xml(cells))
    rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("会员名册").to_python(skip_empty_area=False)
    scan = SheetScan("会员名册")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        scan.feed(archive.read(info))
        assert scan.unaddressed or "<c>" not in cells
        scan.exact(archive, info, 10**9)
    assert (scan.max_row, scan.max_column) == (len(rows), max(map(len, rows)))
    assert inspect(path) == []


def test_a_long_sheet_without_references_passes_and_reads(tmp_path):
    """Some export tools write no references at all: such a sheet is placed, not refused."""
    cells = "".join("<row>" + "<c><v>1</v></c>" * 12 + "</row>" for _ in range(3_000))
    path = workbook(tmp_path / "export.xlsx", sheet_xml(cells))
    assert inspect_workbook(path).problems == []
    rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("会员名册").to_python()
    assert len(rows) == 3_000 and len(rows[0]) == 12


def test_a_shared_string_table_that_declares_billions_of_strings_is_refused(tmp_path):
    """calamine reserves room for the declared count first (measured: 96 GB asked, aborted)."""
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="4000000000"><si><t>姓名</t></si></sst>'
    path = workbook(tmp_path / "sst.xlsx", parts={"xl/sharedStrings.xml": strings})
    child = subprocess.run(
        [sys.executable, "-c", CALAMINE_ALONE, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_one_gigabyte,
    )
    assert child.returncode != 0
    with pytest.raises(UnsafeFile) as caught:
        inspect(path)
    assert "sharedStrings.xml" in caught.value.reason and "4,000,000,000" in caught.value.reason
