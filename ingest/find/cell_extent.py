"""How far a sheet's cells reach, found in its XML with byte searches before python-calamine
opens it: calamine allocates the whole rectangle from A1 to the farthest cell, so one cell at
XFD1048576 asks for 17 billion cells and the Rust allocator aborts the process. The common case
(no column past Z, no row from 700 000, every cell and row with its reference) costs no
per-cell Python work. Used by file_guard.

Cells and rows without a reference (`<c>`, `<row>` with no r attribute) are legal, and calamine
places them one after another (measured, python-calamine 0.9): a row without r is the row after
the previous row element (the first is row 1), a cell without r is the column after the previous
cell of its row (the first is column A) in the row of its row element; a cell with r is placed
by its reference and the next cell without r follows it. So 16 384 bare <c/> in a row numbered
1048576 make a 17-billion-cell rectangle although no reference reaches past A1. Such sheets are
measured by placing every cell as calamine will (SheetScan.exact), which stops as soon as a
limit is passed."""

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
# A cell or row element (any namespace prefix), its attributes, and whether it closes itself; and
# row ends. What SheetScan.exact walks through, for sheets that have elements without reference.
_PLACED = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(c|row)(?=[\s/>])([^>]*)>")
_OWN_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)(\d*)""")
# A cell element without a reference attribute (any prefix). Searched only in a block whose counts
# say it may hold one (_may_lack_references).
_UNADDRESSED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])(?![^>]*\sr\s*=)")


_SPACE = (b" ", b"\t", b"\n", b"\r")


def _refs(pattern: re.Pattern, data: bytes):
    """The groups of each match that is a whole attribute named r."""
    for match in pattern.finditer(data):
        if data[match.start() - 1 : match.start()] in _SPACE:
            yield match.groups() if pattern.groups > 1 else match.group(1)


def _suspect(data: bytes) -> bool:
    """Whether a whole attribute named r matches _SUSPECT (the others, xmlns:r="http… and
    operator="greaterThan" at the top of every sheet, would send the block to the decoding for
    nothing: _refs drops them all)."""
    match = _SUSPECT.search(data)
    while match:
        if data[match.start() - 1 : match.start()] in _SPACE:
            return True
        match = _SUSPECT.search(data, match.start() + 1)
    return False


def _column_number(letters: bytes) -> int:
    """AB → 28; anything past Excel's last column (XFD) as one more than it, however long."""
    if len(letters) > 3:
        return EXCEL_MAX_COLUMNS + 1
    number = 0
    for code in letters.upper():
        number = number * 26 + code - 64
    return number


def _row_number(digits: bytes) -> int:
    """A row reference; anything past Excel's last row as one more than it (int() of a
    5 000-digit reference would raise, of a longer one take long)."""
    return int(digits) if len(digits) <= 8 else EXCEL_MAX_ROWS + 1


def _may_lack_references(data: bytes, cells: int) -> bool:
    """Whether a block may hold a cell element without its reference. `cells`: the block's count
    of b"<c". Two counts and a search over the bytes; the regex only where they disagree (the
    block holding <cols>, <cfRule>… counts those too) or a prefix (x:c) is used. Rows without a
    reference need no search of their own: they move only cells without one (a cell with a
    reference is placed by it, measured), and those are what this finds."""
    if cells == data.count(b'<c r="') and b":c" not in data:
        return False
    return _UNADDRESSED.search(data) is not None


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
        self.unaddressed = False  # some cell element may lack its reference: exact() must place the cells
        self.at_least = ""  # "至少" when exact() stopped placing at the limit: the sheet reaches further
        self._count = count_cells

    def feed(self, data: bytes) -> None:
        cells = data.count(b"<c")  # also counts the few <col>: an overestimate by a handful
        if self._count:
            self.cells += cells
        if not self.unaddressed and _may_lack_references(data, cells):
            self.unaddressed = True
        if _suspect(data):  # usually not: then nothing is decoded
            self.max_column = max(self.max_column, *map(_column_number, _refs(_WIDE, data)), 0)
            self.max_row = max(self.max_row, *map(_row_number, _refs(_LONG, data)), 0)

    def bound(self) -> int:
        """rows × columns, reading 'nothing found' as the most the cheap pass lets through; when
        some cell may lack its reference, nothing is known (exact() must place the cells)."""
        if self.unaddressed:
            return EXCEL_MAX_ROWS * EXCEL_MAX_COLUMNS + 1
        return max(self.max_row, CHEAP_ROWS) * max(self.max_column, CHEAP_COLUMNS)

    def exact(self, archive, info, max_cells: int) -> None:
        """Second pass, only for sheets the bound does not clear: every cell placed where
        calamine will place it (see the module's docstring), the farthest row and column kept.
        Stops once the rectangle passes `max_cells` or Excel's range: that is enough to refuse."""
        placing = _Placing()
        carry = b""
        with archive.open(info) as stream:
            while block := stream.read(CHUNK):
                data, carry = whole_tags(carry + block)
                if placing.walk(data, max_cells):
                    self.at_least = "至少"
                    break
        self.max_row, self.max_column = placing.max_row, placing.max_column

    def refusal(self, max_cells: int, resave: str) -> str | None:
        """Why the sheet must not be opened (Chinese, for the clerk), or None."""
        if self.max_row > EXCEL_MAX_ROWS or self.max_column > EXCEL_MAX_COLUMNS:
            return (
                f"工作表“{self.sheet}”的单元格位置超出 Excel "
                f"的范围（{self.at_least}{self.max_row} 行、{self.max_column} 列），"
                f"文件可能是恶意构造的，未读取：{resave}"
            )
        if self.cells > max_cells:
            return (
                f"工作表“{self.sheet}”有 {self.cells:,} 个单元格，超过上限 {max_cells:,}，未读取："
                "请删除无关的数据，或分成几个文件报送"
            )
        cells = self.max_row * self.max_column
        if cells > max_cells:
            return (
                f"工作表“{self.sheet}”的数据区域从 A1 {self.at_least}延伸到第 "
                f"{self.max_row} 行、第 {self.max_column} 列"
                f"（{self.at_least and '至少 '}{cells:,} 个单元格，超过上限 "
                f"{max_cells:,}），未读取：请删除表格右侧和下方的空白行列"
                "（选中后“删除”，不是“清除内容”）后重新报送"
            )
        return None


class _Placing:
    """calamine's placement of cells, as measured (see the module's docstring): 1-based rows and
    columns of the farthest cell placed so far."""

    def __init__(self):
        self.row = 1  # the row a cell without reference goes to
        self.column = 1  # the column it goes to
        self.max_row = self.max_column = 0

    def walk(self, data: bytes, max_cells: int) -> bool:
        """Place the block's cells; True once the rectangle is past `max_cells` or Excel's range."""
        for closing, name, attributes in _PLACED.findall(data):
            if name == b"row":
                if closing:
                    self.row += 1
                    continue
                ref = _OWN_REF.search(attributes)
                if ref and ref.group(2):
                    self.row = _row_number(ref.group(2))
                self.column = 1
                if attributes.endswith(b"/"):  # <row r="5"/>: a row without cells still counts
                    self.row += 1
                continue
            if closing:
                continue
            ref = _OWN_REF.search(attributes)
            if ref and ref.group(2):
                row, self.column = (
                    _row_number(ref.group(2)),
                    _column_number(ref.group(1)) if ref.group(1) else self.column,
                )
            else:
                row = self.row
            self.max_row, self.max_column = max(self.max_row, row), max(self.max_column, self.column)
            self.column += 1
            if (
                self.max_row > EXCEL_MAX_ROWS
                or self.max_column > EXCEL_MAX_COLUMNS
                or self.max_row * self.max_column > max_cells
            ):
                return True
        return False
