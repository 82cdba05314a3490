"""Formulas saved without their result. A workbook written by a program (openpyxl, some export
tools) and never opened in Excel holds `<f>SUM(…)</f>` with no cached value; python-calamine then
gives an empty cell, which would pass for a blank (or, summed, for 0). Such cells are found here,
in the sheet XML of .xlsx/.xlsm files, so the reader can reject them with the right reason.

Only sheets with a formula are parsed (a byte search first); .xls files always store a result.
The file guard (ingest/find/file_guard.py) already unpacks every sheet part once, as a stream: it
feeds the blocks to a FormulaScan, so a sheet is not unpacked and searched a second time here."""

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
_ROW_END = b"</row>"  # no cell element spans it, so the XML can be parsed in pieces cut there
F_JUMPS = 256  # "f"s looked at one by one before searching for the tokens instead


def holds_f_tag(data: bytes, strict: bool) -> bool:
    """Whether `data` holds "<f" or ":f" (an element named f, with or without a prefix); `strict`:
    only followed by ">" or " " (_FORMULA_TOKENS). Jumps from "f" to "f" with bytes.find (memchr):
    sheet XML holds a handful (the namespace URLs, a data validation's <formula1>), and searching
    each 1 MB block for four tokens cost a third of a second per district (measured). A block
    full of "f"s (English text) is searched for the tokens after F_JUMPS of them."""
    at = data.find(b"f")
    for _ in range(F_JUMPS):
        if at < 0:
            return False
        if at and data[at - 1] in b"<:" and (not strict or data[at + 1 : at + 2] in (b">", b" ")):
            return True
        at = data.find(b"f", at + 1)
    if strict:
        return any(token in data for token in _FORMULA_TOKENS)
    return b"<f" in data or b":f" in data


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part, from the workbook and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target, name = targets.get(sheet.get(_REL_NS)), sheet.get("name")
        if target and name:
            parts[name] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )
    return parts


def is_open_xml(path: Path) -> bool:
    """Only .xlsx/.xlsm are searched: .xls files always store a result."""
    return path.suffix.lower() in (".xlsx", ".xlsm")


class FormulaScan:
    """One sheet part's cells holding a formula without a saved result, fed as the part is
    unpacked. The sheet counts as having formulas when a token is anywhere in the stream (as
    before, a memmem per block, not a regex); cells are parsed per segment ending at a </row>,
    which no cell element spans, and only segments holding "<f"/":f" (which any formula element
    needs) are parsed at all. Segments seen before the first token wait in `_held`."""

    def __init__(self):
        self.cells: set[tuple[int, int]] = set()
        self._has_formula = False
        self._tail = b""
        self._pending: list[bytes] = []  # the bytes after the last </row>, in blocks (no quadratic joins)
        self._edge = b""  # the last bytes fed, for a </row> cut by the block boundary
        self._held: list[bytes] = []

    def feed(self, block: bytes) -> None:
        if not self._has_formula:
            edge = self._tail + block[:8]  # a token cut by the block boundary
            self._has_formula = any(token in edge for token in _FORMULA_TOKENS) or holds_f_tag(block, strict=True)
            self._tail = (self._tail + block[-8:])[-8:]
        cut = block.rfind(_ROW_END) + len(_ROW_END)
        if cut < len(_ROW_END):  # none inside the block: perhaps one across its start
            across = (self._edge + block[: len(_ROW_END) - 1]).rfind(_ROW_END)
            cut = across + len(_ROW_END) - len(self._edge) if across >= 0 else 0
        self._edge = (self._edge + block[-len(_ROW_END) + 1 :])[-len(_ROW_END) + 1 :]
        if cut < 1:
            self._pending.append(block)
            return
        if b"f" in block or any(b"f" in pending for pending in self._pending):
            self._segment(b"".join([*self._pending, block[:cut]]))
        # else: no formula element in the segment, not worth joining (most blocks of rows)
        self._pending = [block[cut:]]

    def finish(self) -> set[tuple[int, int]]:
        """The cells found (empty when the sheet holds no formula token)."""
        self._segment(b"".join(self._pending))
        self._pending = []
        if not self._has_formula:
            self._held.clear()
        return self.cells

    def _segment(self, data: bytes) -> None:
        if holds_f_tag(data, strict=False):
            self._held.append(data)
        if self._has_formula:
            for held in self._held:
                self.cells |= _cells_without_value(held)
            self._held.clear()


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


def scan_part(archive: zipfile.ZipFile, part: str) -> set[tuple[int, int]]:
    """One sheet part unpacked as a stream and scanned (what the file guard does in its own pass)."""
    scan = FormulaScan()
    with archive.open(part) as handle:
        while block := handle.read(CHUNK):
            scan.feed(block)
    return scan.finish()


def formulas_without_value(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Sheet name → cells (row, column), 0-based, holding a formula with no saved result.
    Empty for a file that is not an Office Open XML workbook. The reader gets this from the file
    guard's pass (file_guard.inspect_workbook); this stand-alone pass is for the rest."""
    if not is_open_xml(path):
        return {}
    out: dict[str, set[tuple[int, int]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            for name, part in sheet_parts(archive).items():
                if part in members:
                    cells = scan_part(archive, part)
                    if cells:
                        out[name] = cells
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}  # a layout calamine reads but this does not (e.g. Strict OOXML): no check, no failure
    return out
