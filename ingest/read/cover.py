"""The cover sheet (填报说明): who submitted and for which period. Fields are found by their
header in any column of the first rows, so a moved cover still reads; a field's value is the
cell right beside its header (beside the header's merged span when a clerk merged the header
across A:B, as clerks often do; or the text after the colon when header and value share a cell,
"填报单位：月坛街道工会服务站"), never a cell further along the row: the template has a list of
sheets to the right of the fields, and an empty value must be reported as empty, not replaced by
a neighbouring heading. Without a known unit and a valid period a workbook's rows cannot be
attributed, so the cover's problems reject the whole workbook; each says which cell to fix."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from domain.schema import cover_fields, cover_title, units
from ingest.clean import cells
from ingest.clean.validators import InvalidValue
from ingest.read.headers import normalise_header
from ingest.read.sheet_reader import column_letter
from ingest.report import Problem

COVER_SCAN_ROWS = 40
DATE_ADVICE = "请按“2018-01-01”的样式填写"


class CoverError(NamedTuple):
    """One problem of the cover; row and column (1-based, Excel) of the cell to fix, None when
    the field is not on the cover at all (or came from a CSV's file name)."""

    header: str | None
    reason: str
    row: int | None = None
    column: int | None = None


@dataclass
class Cover:
    unit_code: str | None = None
    unit_name: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    filled_by: str | None = None
    filled_on: dt.date | None = None
    fields: dict[str, object] = field(default_factory=dict)
    errors: list[CoverError] = field(default_factory=list)
    sheet: str | None = None  # the cover's sheet (None: a CSV's first lines)
    unit_cell: tuple[int, int] | None = None  # (row, column), 1-based, of 填报单位's value; None: not in a cell

    @property
    def usable(self) -> bool:
        return not self.errors


def unit_names() -> dict[str, tuple[str, str]]:
    """Normalised name, short name or alias → (code, official name)."""
    out: dict[str, tuple[str, str]] = {}
    for unit in units():
        for name in (unit.name, unit.short, *unit.aliases):
            out.setdefault(normalise_header(name), (unit.code, unit.name))
    return out


def is_cover(sheet_name: str, rows: list[list]) -> bool:
    if normalise_header(sheet_name) == normalise_header(cover_title()):
        return True
    unit_header = normalise_header(cover_fields()[0].header)
    return any(normalise_header(c).rstrip(":：") == unit_header for r in rows[:COVER_SCAN_ROWS] for c in r[:3])


class FieldCell(NamedTuple):
    """Where a cover field's value was found: the value, its cell (1-based, Excel) and whether it
    is the text after the colon in the header's own cell ("填报人：张三")."""

    value: object
    row: int
    column: int
    inline: bool = False


def field_cells(rows: list[list], merged: list | None = None) -> dict[str, FieldCell]:
    """Field name → its value's cell: the first cell after the header's merged span (calamine's
    merged ranges, ((row, col), (row, col)) 0-based), else the cell right beside the header, or
    the header's own cell when it reads "填报单位：月坛街道工会服务站"."""
    span_end = {(start[0], start[1]): end[1] for start, end in merged or ()}
    by_header = {normalise_header(f.header): f.name for f in cover_fields()}
    found: dict[str, FieldCell] = {}
    for r, row in enumerate(rows[:COVER_SCAN_ROWS], start=1):
        for i, cell in enumerate(row):
            text = normalise_header(cell)
            name = by_header.get(text.rstrip(":："))
            if name and name not in found:
                at = max(span_end.get((r - 1, i), i), i) + 1
                found[name] = FieldCell(row[at] if at < len(row) else "", r, at + 1)
                continue
            head, colon, value = text.partition(":")
            name = by_header.get(head) if colon and value else None
            if name and name not in found:
                found[name] = FieldCell(cell.split(":" if ":" in cell else "：", 1)[1].strip(), r, i + 1, True)
    return found


def has_cover_fields(rows: list[list]) -> bool:
    """Whether the first rows hold the cover's unit field (as a header cell or "填报单位：…")."""
    return "unit_name" in field_cells(rows)


def read_cover(
    rows: list[list], defaults: dict[str, object] | None = None, *, where: str = "封面", merged: list | None = None
) -> Cover:
    """`defaults`: field values to use where the rows have none (a CSV's file name); `where`:
    what the clerk calls the place the fields are in (封面; a CSV's 文件开头); `merged`: the
    sheet's merged ranges (calamine's), so a header merged across A:B has its value in C."""
    found = field_cells(rows, merged)
    fields = {name: cell.value for name, cell in found.items()}
    places: dict[str, tuple[int, int] | None] = {name: (cell.row, cell.column) for name, cell in found.items()}
    for name, value in (defaults or {}).items():
        if cells.is_empty(fields.get(name, "")):
            fields[name], places[name] = value, None
    cover = Cover(fields=fields)
    headers = {f.name: f.header for f in cover_fields()}

    def error(name: str, problem: str) -> None:
        place = places.get(name)
        at = f"{where} {column_letter(place[1] - 1)}{place[0]}" if place else where
        cover.errors.append(CoverError(headers[name], f"{at}「{headers[name]}」{problem}", *(place or (None, None))))

    def absent(name: str, what: str) -> None:
        cover.errors.append(
            CoverError(
                headers[name],
                f"{where}找不到「{headers[name]}」：请按模板在{where}写“{headers[name]}”，并在它右边一格{what}",
            )
        )

    example = units()[0].name
    unit_text = cells.to_text(fields.get("unit_name", ""))
    if "unit_name" not in fields:
        absent("unit_name", f"填写本单位全称（如“{example}”）")
    elif not unit_text:
        error("unit_name", f"为空：请填写本单位全称（如“{example}”）")
    elif (known := unit_names().get(normalise_header(unit_text))) is None:
        error("unit_name", f"填的“{unit_text}”不在单位名单中：请填写规范的单位全称（如“{example}”）")
    else:
        cover.unit_code, cover.unit_name = known
        cover.unit_cell = places.get("unit_name")
    for name in ("period_start", "period_end", "filled_on"):
        raw = fields.get(name, "")
        if cells.is_empty(raw):
            if name == "filled_on":
                continue
            if name in fields:
                error(name, f"为空：{DATE_ADVICE}")
            else:
                absent(name, "按“2018-01-01”的样式填写日期")
            continue
        try:
            setattr(cover, name, cells.to_date(raw))
        except InvalidValue as problem:
            error(name, f"：{problem.reason}")
    if cover.period_start and cover.period_end and cover.period_start > cover.period_end:
        error("period_end", "早于统计期起：请核对统计期")
    filled_by = fields.get("filled_by")
    cover.filled_by = cells.to_text(filled_by) or None if filled_by is not None else None
    return cover


def cover_problems(cover: Cover, source_file: str, sheet: str | None) -> list[Problem]:
    """The cover's errors as ingest problems, at the cell to fix where there is one."""
    return [
        Problem(source_file, sheet, row, header, None, "rejected", reason, column)
        for header, reason, row, column in cover.errors
    ]


def about_whole_file(problem: Problem, sheets_read: set[str]) -> bool:
    """Whether a problem is with the file itself or its cover rather than with one of the sheets
    read: the cover is not among a file's sheet reports, and a file-level problem has no sheet.
    Such problems come first wherever a clerk reads them: they explain everything after them."""
    return problem.sheet is None or problem.sheet not in sheets_read
