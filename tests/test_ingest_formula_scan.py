"""The file guard's single pass finds formulas saved without a value exactly where the separate
scan of the sheet XML does, whatever the size of the blocks it is fed."""

from __future__ import annotations

import openpyxl
import pytest

from ingest.find.file_guard import inspect_workbook
from ingest.read.formulas import F_JUMPS, FormulaScan, formulas_without_value, holds_f_tag, scan_part, sheet_parts


@pytest.fixture
def workbook(tmp_path):
    """openpyxl saves formulas without a cached value, as a clerk's tool sometimes does."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "培训"
    sheet.append(["班次名称", "参训人次"])
    for n in range(1, 400):
        sheet.append([f"第{n}期", n if n % 7 else f"=B{n}+1"])
    other = book.create_sheet("就业服务")
    other.append(["名称", "安置就业人次"])
    other.append(["招聘会", 12])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    return path


def test_the_guard_pass_and_the_separate_scan_agree(workbook):
    inspection = inspect_workbook(workbook)
    separate = formulas_without_value(workbook)
    assert inspection.formulas == separate
    assert any(cells for cells in separate.values()), "the fixture must hold formulas without values"


@pytest.mark.parametrize("block", [1, 7, 64, 4096, 10**7])
def test_the_streamed_scan_does_not_depend_on_block_size(workbook, block):
    import zipfile

    with zipfile.ZipFile(workbook) as archive:
        found = {}
        for name, part in sheet_parts(archive).items():
            data = archive.read(part)
            scan = FormulaScan()
            for start in range(0, len(data), block):
                scan.feed(data[start : start + block])
            found[name] = scan.finish()
            assert found[name] == scan_part(archive, part)
    assert len(found["培训"]) == 57 and not found["就业服务"]


FILLER = b'<c r="A1" t="inlineStr"><is><t>staff of the fifth office</t></is></c>'


@pytest.mark.parametrize(
    ("xml", "strict", "loose"),
    [
        (b'<c r="B2"><f>SUM(A1:A3)</f></c>', True, True),
        (b'<c r="B2"><f t="shared" ref="B2:B9" si="0"/></c>', True, True),
        (b'<x:c r="B2"><x:f>A1+1</x:f></x:c>', True, True),
        (b'<c r="B2"><f/></c>', False, True),  # an element named f, but not a formula token
        (b'xmlns="http://schemas.openxmlformats.org/" <formula1>0</formula1>', False, True),  # loose: any "<f"
        (FILLER, False, False),
        (b"f<f>", True, True),
        (b"<f", False, True),  # at the end of a block: the scan's edge check carries it over
        (b"", False, False),
    ],
)
def test_the_f_tag_search_agrees_with_a_plain_token_search(xml, strict, loose):
    assert holds_f_tag(xml, strict=True) is strict
    assert holds_f_tag(xml, strict=False) is loose
    crowded = FILLER * (F_JUMPS // 3 + 1) + xml  # past F_JUMPS "f"s: the fallback search decides
    assert crowded.count(b"f") > F_JUMPS
    assert holds_f_tag(crowded, strict=True) is strict
    assert holds_f_tag(crowded, strict=False) is loose
