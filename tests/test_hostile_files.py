"""Untrusted workbooks cannot hurt a run (ingest/find/file_guard.py, called once by ingest/read/reader.py).
Every hostile file is made here, by code: zip bombs, lying zip headers, billion laughs, a cell
at XFD1048576, macros, external links, truncated and renamed files."""

import resource
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
import python_calamine as calamine

from domain.schema import units
from ingest.find.file_guard import OLE_MAGIC, Limits, UnsafeFile, inspect
from ingest.read.reader import read_workbook
from ingest.run import ingest
from tests.gate_rules import rule_outcomes

KEY = b"hostile-files-test-key"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="会员名册" sheetId="1" r:id="rId1"/>'
    '</sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>',
    "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1">'
    '<si><t>姓名</t></si></sst>',
}
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def sheet_xml(
    cells: str = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>', extra: str = ""
) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        f'xmlns="{MAIN}"><sheetData>{cells}</sheetData>{extra}</worksheet>'
    )


def workbook(path: Path, sheet: str | bytes | None = None, parts: dict | None = None) -> Path:
    """A minimal .xlsx from its XML parts; `parts` replaces or adds some."""
    parts = {**PARTS, "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(), **(parts or {})}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def with_parts(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """A copy of a real return workbook with parts added (a macro project, an external link)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        for name, data in parts.items():
            new.writestr(name, data)
    return target


def refused(path: Path, **limits) -> str:
    with pytest.raises(UnsafeFile) as caught:
        inspect(path, limits=Limits(**limits)) if limits else inspect(path)
    return caught.value.reason


@pytest.fixture(scope="module")
def a_return(small_demo) -> Path:
    return sorted(small_demo.glob("*_2018年度.xlsx"))[0]


def test_a_plain_workbook_and_a_real_return_pass_without_warnings(tmp_path, a_return):
    assert inspect(workbook(tmp_path / "plain.xlsx")) == []
    assert inspect(a_return) == []


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    assert "超过上限" in refused(workbook(tmp_path / "big.xlsx"), file_bytes=500)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    bomb = sheet_xml(extra=" " * (8 << 20)).encode()  # 8 MB of blanks packs into a few KB
    path = workbook(tmp_path / "bomb.xlsx", bomb)
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").compress_size < 64 << 10
    assert "压缩炸弹" in refused(path) and "压缩比" in refused(path)


def test_the_total_unpacked_size_is_limited(tmp_path):
    path = workbook(tmp_path / "wide.xlsx", sheet_xml(extra=" " * 50_000))
    assert "解压后" in refused(path, unpacked_bytes=40_000)


def test_a_part_larger_than_its_zip_header_declares_is_refused(tmp_path):
    """The declared sizes pass every limit; the real data is 100× larger. zipfile stops at the
    declared size and the CRC no longer matches: the file is refused, never unpacked in full."""
    path = workbook(tmp_path / "liar.xlsx", sheet_xml(extra=" " * 200_000))
    raw = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local = raw.find(b"PK\x03\x04")
    while raw[local + 30 : local + 30 + len(name)] != name:
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while raw[central + 46 : central + 46 + len(name)] != name:
        central = raw.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", raw, local + 22, 2_000)  # uncompressed size, local header
    struct.pack_into("<I", raw, central + 24, 2_000)  # uncompressed size, central directory
    path.write_bytes(bytes(raw))
    assert zipfile.ZipFile(path).getinfo(name.decode()).file_size == 2_000
    assert "损坏或不完整" in refused(path)


CALAMINE_ALONE = """
import sys, python_calamine as calamine
try:
    book = calamine.CalamineWorkbook.from_path(sys.argv[1])
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    print("read")
except calamine.CalamineError as error:
    print("refused:", type(error).__name__)
"""


def _one_gigabyte():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("part", ["sharedStrings", "sheet"])
def test_billion_laughs_neither_hangs_nor_explodes(tmp_path, part):
    """calamine itself does not expand entities (checked in a child process capped at 1 GB and
    30 s); the guard refuses the DTD before calamine sees it, and the reader reports the file."""
    if part == "sheet":
        laughs = (
            LAUGHS + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t>'
            '</is></c></row></sheetData></worksheet>'
        )
        path = workbook(tmp_path / "laughs.xlsx", laughs)
    else:
        laughs = LAUGHS + f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
        path = workbook(tmp_path / "laughs.xlsx", parts={"xl/sharedStrings.xml": laughs})
    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, "-c", CALAMINE_ALONE, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_one_gigabyte,
    )
    assert child.returncode == 0, child.stderr
    assert time.monotonic() - started < 10 and "lol" * 1000 not in child.stdout
    assert "DOCTYPE" in refused(path)
    outcome = read_workbook(path, tmp_path, KEY)
    assert outcome.file.status == "unreadable" and "实体声明" in outcome.problems[0].reason


@pytest.mark.parametrize("far", ['r="XFD1048576"', "r='XFD1048576'", 'r = "xfd1048576"', 'r="A2000000"', 'r="XFE1"'])
def test_a_cell_far_from_a1_is_refused_before_calamine_allocates_the_rectangle(tmp_path, far):
    """calamine allocates every cell from A1 to the farthest one: 17 billion for XFD1048576, and
    the Rust allocator then aborts the whole process (measured: SIGABRT)."""
    cells = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="9"><c {far}><v>1</v></c></row>'
    reason = refused(workbook(tmp_path / "far.xlsx", sheet_xml(cells)))
    assert "会员名册" in reason and ("超过上限" in reason or "超出 Excel 的范围" in reason)


def test_ordinary_wide_or_long_sheets_and_look_alike_attributes_pass(tmp_path):
    cells = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="AD1"><v>1</v></c></row>'
        '<row r="600000"><c r="B600000"><v>1</v></c></row>'
    )  # 18 million cells: under the limit
    page = '<pageSetup firstPageNumber="4294967295" useFirstPageNumber="1"/><headerFooter/>'
    assert inspect(workbook(tmp_path / "wide.xlsx", sheet_xml(cells, page))) == []


def test_too_many_cells_are_refused(tmp_path):
    cells = "<row>" + "<c><v>1</v></c>" * 2_000 + "</row>"  # no references: calamine places them in order
    assert "个单元格" in refused(workbook(tmp_path / "many.xlsx", sheet_xml(cells)), cells=1_000)


def test_macros_are_read_as_data_and_reported(tmp_path, a_return):
    plain = read_workbook(a_return, a_return.parent, KEY)
    macro = with_parts(a_return, tmp_path / "带宏.xlsm", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 Sub AutoOpen()"})
    outcome = read_workbook(macro, tmp_path, KEY)
    assert outcome.file.status == "loaded"
    assert outcome.file.totals()["rows_loaded"] == plain.file.totals()["rows_loaded"] > 0
    warnings = [p.reason for p in outcome.problems if p.severity == "warning"]
    assert any("宏" in w and "不会被运行" in w for w in warnings)
    assert not any("宏" in p.reason for p in plain.problems)


def test_links_to_other_workbooks_are_reported(tmp_path, a_return):
    link = '<?xml version="1.0"?><externalLink xmlns="' + MAIN + '"><externalBook/></externalLink>'
    path = with_parts(a_return, tmp_path / "外链.xlsx", {"xl/externalLinks/externalLink1.xml": link.encode()})
    outcome = read_workbook(path, tmp_path, KEY)
    assert outcome.file.status == "loaded"
    assert any("外部链接" in p.reason and p.severity == "warning" for p in outcome.problems)


def test_an_xls_with_a_vba_project_is_reported(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(OLE_MAGIC + b"\0" * 512 + "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\0" * 512)
    assert any("宏" in p.reason for p in inspect(path))


def test_a_csv_is_only_size_checked(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("填报单位,月坛街道工会服务站\n", encoding="utf-8")
    assert inspect(path) == []
    assert "超过上限" in refused(path, file_bytes=10)


def test_a_renamed_web_page_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "导出.xlsx"
    path.write_text("<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8")
    reason = refused(path)
    assert "不是 Excel 工作簿" in reason and "另存为 .xlsx" in reason


def test_a_truncated_return_is_named_and_skipped_and_its_unit_blocks_the_gate(tmp_path, small_demo):
    """The rest of the folder loads; the unit whose only return is damaged has no data, and the
    gate's rule "every expected unit present" (blocking by default) names it."""
    folder = tmp_path / "in"
    folder.mkdir()
    returns = sorted(small_demo.glob("*_2018年度.xlsx"))
    for path in returns:
        shutil.copy(path, folder / path.name)
    damaged = returns[0].name
    data = (folder / damaged).read_bytes()
    (folder / damaged).write_bytes(data[: len(data) // 2])  # a copy cut off half-way
    warehouse = tmp_path / "w.duckdb"
    report = ingest(folder, warehouse, key=KEY, workers=1)

    status = {f.source_file: f.status for f in report.files}
    assert status.pop(damaged) == "unreadable" and set(status.values()) == {"loaded"}
    (problem,) = [p for p in report.problems if p.source_file == damaged]
    assert problem.severity == "rejected" and "损坏或不完整" in problem.reason
    unit = next(u for u in units() if damaged.startswith(u.name))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        period = _period(con)
    outcome = rule_outcomes(warehouse, period, ["expected_units_present"])["rule.expected_units_present"]
    assert (
        outcome.severity == "blocking"
        and outcome.is_blocking_failure
        and [e["unit_code"] for e in outcome.examples] == [unit.code]
    )


def _period(con):
    return con.execute("select max(period_start), max(period_end) from raw.submissions").fetchall()[0]


def test_the_builder_makes_workbooks_calamine_opens(tmp_path):
    """So every refusal above is the guard's doing, not a malformed test file."""
    path = workbook(tmp_path / "ok.xlsx")
    rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("会员名册").to_python()
    assert rows == [["姓名", 2.0]]
