"""How far a sheet's cells reach, found in its XML with byte searches before python-calamine
opens it: calamine allocates the whole rectangle from A1 to the farthest cell, so one cell at
XFD1048576 asks for 17 billion cells and the Rust allocator aborts the process. The common case
(no column past Z, no row from 700 000) costs no per-cell Python work. Used by file_guard."""

from __future__ import annotations

import re

CHUNK = 1 << 20
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384


def whole_tags(data: bytes) -> tuple[bytes, bytes]:
    """(the block up to its last '>', the rest) so no tag is split between two blocks; a block
    without any '>' (one huge text) is passed on but for its last bytes."""
    cut = data.rfind(b">") + 1 or max(len(data) - 64, 0)
    return data[:cut], data[cut:]


# A cell or row reference attribute however it is quoted or spaced (XML allows r = 'xfd1'). The
# search starts at the literal "r" (a leading \s makes it 3× slower); _refs then drops matches
# of longer names ending in r (firstPageNumber="4294967295", header="0.3").
_REF = rb"""r\s*=\s*["']"""
_WIDE = re.compile(_REF + rb"([A-Za-z]{2,})\d")  # cells past column Z
_LONG = re.compile(_REF + rb"[A-Za-z]*(\d{7,}|[7-9]\d{5})\b")  # rows and cells from row 700 000
_ANY = re.compile(_REF + rb"([A-Za-z]*)(\d+)")
_SUSPECT = re.compile(_REF + rb"(?:[A-Za-z]{2}|[A-Za-z]?(?:\d{7}|[7-9]\d{5}))")  # either of the two, one pass
CHEAP_ROWS, CHEAP_COLUMNS = 699_999, 26  # what the cheap pass lets through unexamined
MIN_CELL_BYTES = len(b"<c/>")


_SPACE = (b" ", b"\t", b"\n", b"\r")


def _refs(pattern: re.Pattern, data: bytes):
    """The groups of each match that is a whole attribute named r."""
    for match in pattern.finditer(data):
        if data[match.start() - 1: match.start()] in _SPACE:
            yield match.groups() if pattern.groups > 1 else match.group(1)


def _suspect(data: bytes) -> bool:
    """Whether a whole attribute named r matches _SUSPECT (the others, xmlns:r="http… and
    operator="greaterThan" at the top of every sheet, would send the block to the decoding for
    nothing: _refs drops them all)."""
    match = _SUSPECT.search(data)
    while match:
        if data[match.start() - 1: match.start()] in _SPACE:
            return True
        match = _SUSPECT.search(data, match.start() + 1)
    return False


def _column_number(letters: bytes) -> int:
    number = 0
    for code in letters.upper():
        number = number * 26 + code - 64
    return number


class SheetScan:
    """The farthest row and column a sheet's cell references reach, and its number of cells.
    Cheap pass: only references past column Z or from row 700 000 are decoded."""

    def __init__(self, sheet: str, count_cells: bool = True):
        """`count_cells` False when the part is too small to hold more cells than the limit
        (a cell element takes at least MIN_CELL_BYTES): the count is then a pass for nothing."""
        self.sheet = sheet
        self.max_row = 0
        self.max_column = 0
        self.cells = 0  # <c> elements, with or without a reference (calamine places those in order)
        self._count = count_cells

    def feed(self, data: bytes) -> None:
        if self._count:
            self.cells += data.count(b"<c")  # also counts the few <col>: an overestimate by a handful
        if _suspect(data):  # usually not: then nothing is decoded
            self.max_column = max(self.max_column, *map(_column_number, _refs(_WIDE, data)), 0)
            self.max_row = max(self.max_row, *map(int, _refs(_LONG, data)), 0)

    def bound(self) -> int:
        """rows × columns, reading 'nothing found' as the most the cheap pass lets through."""
        return max(self.max_row, CHEAP_ROWS) * max(self.max_column, CHEAP_COLUMNS)

    def exact(self, archive, info) -> None:
        """Second pass, only for sheets the bound does not clear: decode every reference."""
        rows = columns = 0
        carry = b""
        with archive.open(info) as stream:
            while block := stream.read(CHUNK):
                data, carry = whole_tags(carry + block)
                for letters, digits in _refs(_ANY, data):
                    rows = max(rows, int(digits))
                    if letters:
                        columns = max(columns, _column_number(letters))
        self.max_row, self.max_column = rows, columns

    def refusal(self, max_cells: int, resave: str) -> str | None:
        """Why the sheet must not be opened (Chinese, for the clerk), or None."""
        if self.max_row > EXCEL_MAX_ROWS or self.max_column > EXCEL_MAX_COLUMNS:
            return (f"工作表“{self.sheet}”的单元格位置超出 Excel 的范围（{self.max_row} 行、{self.max_column} 列），"
                    f"文件可能是恶意构造的，未读取：{resave}")
        if self.cells > max_cells:
            return (f"工作表“{self.sheet}”有 {self.cells:,} 个单元格，超过上限 {max_cells:,}，未读取："
                    "请删除无关的数据，或分成几个文件报送")
        cells = self.max_row * self.max_column
        if cells > max_cells:
            return (f"工作表“{self.sheet}”的数据区域从 A1 延伸到第 {self.max_row} 行、第 {self.max_column} 列"
                    f"（{cells:,} 个单元格，超过上限 {max_cells:,}），未读取：请删除表格右侧和下方的空白行列"
                    "（选中后“删除”，不是“清除内容”）后重新报送")
        return None
