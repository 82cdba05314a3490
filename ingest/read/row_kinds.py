"""What each row under a sheet's header is: data, or one of the rows a person skips when reading a
return (blank, a 合计/总计/小计 row, a note such as “注：…” or “填表人：…”, the title, hint and
header rows repeated where a clerk pasted a second block with its own top rows), or a row the
clerk hid, which nobody reviewing the sheet saw; and merged cells down a column read as the merged
value on every row, as a person reads them.

The tests run column-wise or with list.count where they can: a register has hundreds of
thousands of rows, and only the few rows that may be special are looked at cell by cell."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from functools import partial

from ingest.clean import cells

_TOTAL = re.compile(r"^(?:本页|本表|全年|全部|累计|共计)?(合计|总计|小计)(?:[:：]|[(（][^()（）]*[)）])?$")
_NOTE = re.compile(
    r"^(?:注\s*\d*|备注|说明|填表说明|填报说明|填表人|填报人|制表人|审核人|复核人|负责人|单位负责人|联系人|"
    r"联系电话|电话|填报日期|制表日期|填表日期|报送日期|日期)\s*[:：]|^注\s*\d*\s*[、.．]|^[(（]?以下空白[)）]?$"
)
NOTE_MAX_CELLS = 3
LABEL_COLUMNS = 3
TOTAL_WORDS = frozenset(
    f"{base[0]}{gap}{base[1]}{tail}"
    for base in ("合计", "总计", "小计")
    for gap in ("", " ", "\u3000")
    for tail in ("", ":", "：", " ")
)  # a note row holds a line or two of text, never a row of values


@dataclass
class RowKinds:
    """Indexes into the data rows (the rows under the header)."""

    data: list[int] = field(default_factory=list)
    blank: int = 0
    title: int = 0
    note: int = 0
    totals: list[tuple[int, str]] = field(default_factory=list)  # (index, 合计 | 总计 | 小计)
    hidden: list[int] = field(default_factory=list)  # hidden rows holding something


def _squeezed(value: object) -> str:
    return unicodedata.normalize("NFKC", value).replace(" ", "").replace("\u3000", "") if isinstance(value, str) else ""


def total_label(value: object) -> str | None:
    """'合计', '总计' or '小计' when a cell labels a total row (合 计, 合计：, 本页合计, 合计（元）)."""
    if not isinstance(value, str) or "计" not in value:
        return None
    found = _TOTAL.match(_squeezed(value))
    return found.group(1) if found else None


def is_note(value: object) -> bool:
    return isinstance(value, str) and bool(_NOTE.match(_squeezed(value)))


_NOT_BLANK = partial(operator.ne, "")


def _first_filled(row: list) -> object:
    """The row's first non-empty value; the '' cells are passed over in C (a crafted sheet 16 384
    columns wide took 45 s in a Python loop over its empty rows, measured)."""
    return next((v for v in filter(_NOT_BLANK, row) if not cells.is_empty(v)), "")


def classify(
    data: list[list],
    columns: list[tuple],
    mapped: list[int],
    headers: dict[int, str],
    hidden: Set[int] = frozenset(),
    above: Sequence[list] = (),
    title: str | None = None,
) -> RowKinds:
    """`columns`: the data rows column by column; `mapped`: indexes of the columns the schema
    knows; `headers`: index → header as written (a row repeating them is a title row); `hidden`:
    indexes of hidden rows; `above`: the rows above the header (a row repeating one of them, or
    a lone cell naming the sheet's `title`, is a title row too)."""
    kinds = RowKinds()
    width = len(data[0]) if data else 0
    sure = len(mapped) - 2
    top = _TopRows({line for row in above if (line := _line(row))}, _squeezed(title) if title else None)
    # Total rows: the plain labels (合计, 合 计, 合计：) looked up in every column at C speed; the
    # rarer spellings (本页合计, 合计（元）) in the first columns, where a label sits.
    total_at: dict[int, str] = {}
    for k, column in enumerate(columns):
        if TOTAL_WORDS.isdisjoint(column) and (k >= LABEL_COLUMNS or "计" not in _joined_text(column)):
            continue
        for i, v in enumerate(column):
            label = total_label(v)
            if label and i not in total_at:
                total_at[i] = label
    repeated: set[int] = set()
    for index, header in headers.items():
        if index < len(columns) and header in columns[index]:
            repeated.update(i for i, v in enumerate(columns[index]) if v == header)
    for i, row in enumerate(data):
        empties = row.count("")
        sparse = empties >= width - NOTE_MAX_CELLS
        if hidden and i in hidden and not all(cells.is_empty(v) for v in row):
            kinds.hidden.append(i)
        elif i in total_at:
            kinds.totals.append((i, total_at[i]))
        elif empties == len(row):  # all '': decided at C speed (a crafted sheet reaches row 1 048 576 with them)
            kinds.blank += 1
        elif sparse and top.repeated_by(row):
            kinds.title += 1  # a pasted block's title or hint row (a hint row reads as a note otherwise)
        elif sparse and is_note(_first_filled(row)):
            kinds.note += 1  # "注：…" may sit in any column, 序号 included
        elif empties >= sure and all(cells.is_empty(row[j]) for j in mapped):
            kinds.blank += 1  # blank in every mapped column: a pre-filled 序号 alone is not data
        elif i in repeated and _repeats_header(row, headers):
            kinds.title += 1
        else:
            kinds.data.append(i)
    return kinds


def _joined_text(column: tuple) -> str:
    """The column's text cells in one string: a join in C when every cell is text (a label
    column usually is: calamine gives '' for an empty cell), else the text cells picked out."""
    try:
        return "\x00".join(column)
    except TypeError:
        return "\x00".join(v for v in column if type(v) is str)


def _line(row: list) -> tuple[str, ...]:
    """A row's filled cells, squeezed (spaces and full-width forms ignored), as text."""
    return tuple(_squeezed(v) if isinstance(v, str) else str(v) for v in row if not cells.is_empty(v))


@dataclass
class _TopRows:
    """The rows above a sheet's header (as _line gives them) and its title, squeezed."""

    lines: set[tuple[str, ...]]
    title: str | None

    def __post_init__(self):
        self.first_cells = {line[0] for line in self.lines}

    def repeated_by(self, row: list) -> bool:
        """Whether a row repeats a title or hint row of the top, or is a lone cell holding the
        sheet's title, bare or with a bracketed tail (会员名册（续）, 会员名册（2018年度）). The first
        filled cell decides for most rows, without building the whole line."""
        first = _first_filled(row)
        if not isinstance(first, str):
            return False
        cell = _squeezed(first)
        if cell not in self.first_cells and not (self.title and cell.startswith(self.title)):
            return False
        line = _line(row)
        if line in self.lines:
            return True
        return len(line) == 1 and (cell == self.title or (cell.startswith(f"{self.title}(") and cell.endswith(")")))


def _repeats_header(row: list, headers: dict[int, str]) -> bool:
    same = sum(1 for index, header in headers.items() if index < len(row) and row[index] == header)
    return same >= min(2, len(headers))


def fill_merged_down(
    rows: list[list], merged: list | None, first_data: int, wanted: set[int]
) -> list[tuple[int, int, int]]:
    """A value merged over several rows means that value on each of them: written into the
    merged-away cells (calamine gives '' there) of the data area, in the merged range's first
    column when that column is one the schema reads. Returns (column, first row, last row) of
    each range filled (0-based) for the report."""
    filled = []
    for (r1, c1), (r2, _c2) in merged or ():
        if r2 <= r1 or r1 < first_data or c1 not in wanted or r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        if cells.is_empty(value):
            continue
        for r in range(max(r1 + 1, first_data), min(r2, len(rows) - 1) + 1):
            if c1 < len(rows[r]) and cells.is_empty(rows[r][c1]):
                rows[r][c1] = value
        filled.append((c1, r1, r2))
    return filled
