"""Rows and columns a clerk hid in a sheet. Excel keeps them in the sheet XML
(`<row r="5" hidden="1">`, `<col min="3" max="4" hidden="1"/>`); python-calamine gives their cells
like any other, so a sheet's hidden rows would be counted although nobody reviewing it saw them.

The file guard (ingest/find/file_guard.py) unpacks each sheet part once, as a stream: it feeds the
blocks (cut at a tag's end, so no tag is split) to a HiddenScan. The common case costs one byte
search per block: only a block holding the word "hidden" is looked at further, and then only
the tags around each occurrence.

Rows a filter hides are hidden rows and are found. Not found here: rows hidden by a sheet-wide
default (`<sheetFormatPr zeroHeight="1">`, where only rows with a height of their own show). An
.xls (BIFF) is not scanned: see ingest/read/reader.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HIDDEN = b"hidden"
_TAG_NAME = re.compile(rb"<(?:\w+:)?(row|col)\s")
_ATTRIBUTE = re.compile(rb"""\s(\w+)\s*=\s*["']([^"']*)["']""")
_TRUE = (b"1", b"true")


@dataclass
class HiddenCells:
    """0-based rows and columns hidden in one sheet."""

    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.rows or self.columns)


class HiddenScan:
    """One sheet part's hidden rows and columns, fed whole tags as the part is unpacked."""

    def __init__(self):
        self.found = HiddenCells()

    def feed(self, data: bytes) -> None:
        at = data.find(_HIDDEN)
        while at >= 0:
            start = data.rfind(b"<", 0, at)
            end = data.find(b">", at)
            if start >= 0 and end >= 0:
                self._tag(data[start : end + 1])
                at = data.find(_HIDDEN, end)
            else:
                at = data.find(_HIDDEN, at + len(_HIDDEN))

    def _tag(self, tag: bytes) -> None:
        name = _TAG_NAME.match(tag)
        if name is None:
            return  # the word in a cell's inline text, or another element's attribute
        attributes = {key: value for key, value in _ATTRIBUTE.findall(tag)}
        if attributes.get(b"hidden", b"").lower() not in _TRUE:
            return
        try:
            if name.group(1) == b"row":
                self.found.rows.add(int(attributes[b"r"]) - 1)
            else:
                first, last = int(attributes[b"min"]), int(attributes[b"max"])
                self.found.columns.update(range(first - 1, min(last, first + 16_384)))
        except (KeyError, ValueError):
            return  # a row without its number cannot be placed: calamine places it, we cannot

    def finish(self) -> HiddenCells:
        return self.found


def runs(indexes: set[int] | list[int]) -> list[tuple[int, int]]:
    """Sorted 0-based indexes → (first, last) runs: {4, 5, 6, 9} → [(4, 6), (9, 9)]."""
    out: list[tuple[int, int]] = []
    for index in sorted(indexes):
        if out and index == out[-1][1] + 1:
            out[-1] = (out[-1][0], index)
        else:
            out.append((index, index))
    return out


ROWS_LISTED = 10  # a sheet with hundreds of hidden rows names the first runs, then “等”
WHAT_TO_DO = "请取消隐藏并核对后重新报送；如这些数据不应报送，请删除后重新报送"


def hidden_rows_reason(rows: list[int]) -> str:
    """One sheet's hidden rows that hold data (0-based) → what the clerk reads."""
    spans = runs(rows)
    listed = "、".join(f"第 {a + 1} 行" if a == b else f"第 {a + 1}–{b + 1} 行" for a, b in spans[:ROWS_LISTED])
    more = "等" if len(spans) > ROWS_LISTED else ""
    return f"{listed}{more}被隐藏（共 {len(rows)} 行有内容），这些行未计入：{WHAT_TO_DO}"


def hidden_columns_reason(columns: list[tuple[str, object]]) -> str:
    """One sheet's hidden columns that hold something ((letter, header cell)) → the clerk's text."""
    listed = "、".join(
        f"{letter} 列" + (f"（“{header.strip()}”）" if isinstance(header, str) and header.strip() else "")
        for letter, header in columns
    )
    return f"{listed}被隐藏，其中的内容未读取：{WHAT_TO_DO}"


def hidden_column_reason(column, letter: str) -> str:
    """A column of the schema (domain.schema.Column) that is hidden: not read, so the sheet lacks it."""
    if column.required:
        return f"必填列“{column.header}”（{letter} 列）被隐藏，未读取，本表各行均未入库：请取消隐藏并核对该列后重新报送"
    return f"列“{column.header}”（{letter} 列）被隐藏，未读取，该列按空值处理：请取消隐藏并核对该列后重新报送"
