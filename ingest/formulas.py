"""Formulas saved without their result. A workbook written by a program (openpyxl, some export
tools) and never opened in Excel holds `<f>SUM(…)</f>` with no cached value; python-calamine then
gives an empty cell, which would pass for a blank (or, summed, for 0). Such cells are found here,
in the sheet XML of .xlsx/.xlsm files, so the reader can reject them with the right reason.

Only sheets with a formula are parsed (a byte search first); .xls files always store a result."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
# <f> / <f t="shared" …> (never <formula1> of a data validation, which every template has)
_FORMULA_TOKENS = (b"<f>", b"<f ", b":f>", b":f ")
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")
_INLINE = re.compile(rb"<(?:\w+:)?is>")
CHUNK = 1 << 22


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part, from the workbook and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(_REL_NS))
        if target:
            parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    return parts


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """A streamed byte search for a formula element, so a big register costs one decompression."""
    tail = b""
    with archive.open(part) as handle:
        while block := handle.read(CHUNK):
            edge = tail + block[:8]  # a token cut by the block boundary
            if any(token in block or token in edge for token in _FORMULA_TOKENS):  # memmem, not a regex
                return True
            tail = block[-8:]
    return False


def _cells_without_value(xml: bytes) -> set[tuple[int, int]]:
    found = set()
    for cell in _CELL.finditer(xml):
        body = cell.group(2)
        if not body or not _FORMULA.search(body) or _VALUE.search(body) or _INLINE.search(body):
            continue
        ref = _REF.search(cell.group(1))
        if ref:
            found.add((int(ref.group(2)) - 1, _column_index(ref.group(1))))
    return found


def formulas_without_value(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Sheet name → cells (row, column), 0-based, holding a formula with no saved result.
    Empty for a file that is not an Office Open XML workbook."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    out: dict[str, set[tuple[int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            for name, part in _sheet_parts(archive).items():
                if part in members and _has_formula(archive, part):
                    cells = _cells_without_value(archive.read(part))
                    if cells:
                        out[name] = cells
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}  # a layout calamine reads but this does not (e.g. Strict OOXML): no check, no failure
    return out
