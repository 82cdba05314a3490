"""Recognising a sheet and its header row by content. Clerks rename sheets, add title rows and
hint lines above the table, write 现金(元) instead of 现金（元）, break a header over two lines
or add a unit: so the sheet's kind comes from its title or, failing that, its headers, and the
header row is whichever of the first rows best matches a kind's headers (schema synonyms
included)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from domain.schema import Column, Sheet, sheets

HEADER_SCAN_ROWS = 30
MIN_MATCHED = 2
_UNIT_SUFFIX = re.compile(r"^(.+?)\(([^()]*)\)$")
_DROP = re.compile(r"[\s*※＊]+")
MONEY_SCALES = {"元": 1, "人民币元": 1, "千元": 1000, "万元": 10000, "人民币万元": 10000, "万": 10000}
# "单位：万元" on a line above the table (or "金额单位：元"): the unit of money columns whose
# header does not name one.
_SHEET_UNIT = re.compile(r"单位[:：]((?:人民币)?(?:万元|千元|元))")


def normalise_header(raw: object) -> str:
    """Full-width → half-width (NFKC), whitespace and line breaks and required marks (*) removed."""
    if not isinstance(raw, str):
        return ""
    return _DROP.sub("", unicodedata.normalize("NFKC", raw))


def split_unit(header: str) -> tuple[str, str | None]:
    """'现金(万元)' → ('现金', '万元'); a header without a bracketed tail has no unit."""
    found = _UNIT_SUFFIX.match(header)
    if not found:
        return header, None
    unit = found.group(2)
    return found.group(1), unit.split("单位:", 1)[1] if unit.startswith("单位:") else unit


def sheet_unit(rows_above: list[list]) -> tuple[int, int, str] | None:
    """(row, column, unit) of a "单位：万元" line above the header (0-based), if any."""
    for r, row in enumerate(rows_above):
        for c, cell in enumerate(row):
            found = _SHEET_UNIT.search(normalise_header(cell))
            if found:
                return r, c, found.group(1)
    return None


@dataclass(frozen=True)
class ColumnMatch:
    column: Column
    index: int  # 0-based column in the sheet
    header: str  # as written in the file
    scale: int = 1  # 10000 for a money column headed (万元)
    unit: str | None = None  # the unit its header names, e.g. 元 in 现金（元）


@dataclass
class HeaderMatch:
    sheet: Sheet
    row_index: int  # 0-based row of the header
    columns: list[ColumnMatch]
    unmapped: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)

    @property
    def missing(self) -> list[Column]:
        found = {m.column.name for m in self.columns}
        return [c for c in self.sheet.columns if c.name not in found]


@cache
def _lookup(sheet: Sheet) -> tuple[dict[str, Column], dict[str, Column]]:
    """Normalised full header → column, and header without its bracketed unit → column."""
    full: dict[str, Column] = {}
    base: dict[str, Column] = {}
    for column in sheet.columns:
        for header in column.headers:
            norm = normalise_header(header)
            full.setdefault(norm, column)
            base.setdefault(split_unit(norm)[0], column)
    return full, base


def match_header(sheet: Sheet, raw: object) -> tuple[Column | None, int]:
    """(column, money scale) for one header cell, or (None, 1)."""
    column, scale, _unit = match_header_unit(sheet, raw)
    return column, scale


def match_header_unit(sheet: Sheet, raw: object) -> tuple[Column | None, int, str | None]:
    """(column, money scale, unit named in the header) for one header cell."""
    norm = normalise_header(raw)
    if not norm:
        return None, 1, None
    full, base = _lookup(sheet)
    column = full.get(norm)
    stem, unit = split_unit(norm)
    if column is None:
        column = base.get(stem)
    if column is None:
        return None, 1, None
    scale = MONEY_SCALES.get(unit, 1) if column.type == "money" and unit else 1
    return column, scale, unit


def match_row(sheet: Sheet, row: list, row_index: int) -> HeaderMatch:
    matches: list[ColumnMatch] = []
    unmapped: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str]] = []
    taken: set[str] = set()
    for index, cell in enumerate(row):
        if not isinstance(cell, str) or not cell.strip():
            continue
        column, scale, unit = match_header_unit(sheet, cell)
        if column is None:
            unmapped.append((index, cell))
        elif column.name in taken:
            duplicates.append((index, cell))
        else:
            taken.add(column.name)
            matches.append(ColumnMatch(column, index, cell, scale, unit))
    return HeaderMatch(sheet, row_index, matches, unmapped, duplicates)


def _score(found: HeaderMatch) -> tuple[int, float, int]:
    return (len(found.columns), len(found.columns) / len(found.sheet.columns), -len(found.unmapped))


def _good_enough(found: HeaderMatch) -> bool:
    needed = min(MIN_MATCHED, len(found.sheet.columns))
    return len(found.columns) >= needed and len(found.columns) * 2 >= len(found.sheet.columns)


def locate_header(rows: list[list], sheet: Sheet) -> HeaderMatch | None:
    """The best header row of a sheet whose kind is known, within the first rows."""
    best: HeaderMatch | None = None
    for row_index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = match_row(sheet, row, row_index)
        if _good_enough(found) and (best is None or _score(found) > _score(best)):
            best = found
    return best


def recognise_by_headers(rows: list[list]) -> HeaderMatch | None:
    """The kind whose headers a row matches best; None if nothing matches or two kinds tie."""
    ranked = sorted(
        (found for sheet in sheets() if (found := locate_header(rows, sheet)) is not None),
        key=_score,
        reverse=True,
    )
    if not ranked or (len(ranked) > 1 and _score(ranked[0]) == _score(ranked[1])):
        return None
    return ranked[0]


def kind_by_title(sheet_name: str) -> Sheet | None:
    """The return sheet a sheet's name names (会员名册, ' 会员名册 ', or the canonical 'members')."""
    norm = normalise_header(sheet_name)
    for candidate in sheets():
        if norm in (normalise_header(candidate.title), candidate.name):
            return candidate
    return None


def recognise(sheet_name: str, rows: list[list]) -> HeaderMatch | None:
    """Title first (checked against its headers); otherwise by the headers alone."""
    titled = kind_by_title(sheet_name)
    if titled is not None:
        found = locate_header(rows, titled)
        if found is not None:
            return found
    return recognise_by_headers(rows)
