"""The cover sheet (填报说明): who submitted and for which period. Fields are found by their
header in any column of the first rows (value in the next non-empty cell to the right), so a
moved or reformatted cover still reads. Without a known unit and a valid period a workbook's
rows cannot be attributed, so the cover's problems reject the whole workbook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ingest import cells
from ingest.headers import normalise_header
from ingest.schema import cover_fields, cover_title, units
from ingest.validators import InvalidValue

COVER_SCAN_ROWS = 40


@dataclass
class Cover:
    unit_code: str | None = None
    unit_name: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    filled_by: str | None = None
    filled_on: dt.date | None = None
    fields: dict[str, object] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (header, reason)

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


def _field_values(rows: list[list]) -> dict[str, object]:
    """Field name → value: the next filled cell right of the field's header, or the text after
    the colon when header and value share a cell ("填报单位：月坛街道工会服务站")."""
    by_header = {normalise_header(f.header): f.name for f in cover_fields()}
    found: dict[str, object] = {}
    for row in rows[:COVER_SCAN_ROWS]:
        for i, cell in enumerate(row):
            text = normalise_header(cell)
            name = by_header.get(text.rstrip(":："))
            if name and name not in found:
                found[name] = next((v for v in row[i + 1:] if not cells.is_empty(v)), "")
                continue
            head, colon, value = text.partition(":")
            name = by_header.get(head) if colon and value else None
            if name and name not in found:
                found[name] = cell.split(":" if ":" in cell else "：", 1)[1].strip()
    return found


def has_cover_fields(rows: list[list]) -> bool:
    """Whether the first rows hold the cover's unit field (as a header cell or "填报单位：…")."""
    return "unit_name" in _field_values(rows)


def read_cover(rows: list[list], defaults: dict[str, object] | None = None) -> Cover:
    """`defaults`: field values to use where the rows have none (a CSV's file name)."""
    fields = _field_values(rows)
    for name, value in (defaults or {}).items():
        if cells.is_empty(fields.get(name, "")):
            fields[name] = value
    cover = Cover(fields=fields)
    headers = {f.name: f.header for f in cover_fields()}
    unit_text = cells.to_text(cover.fields.get("unit_name", ""))
    if not unit_text:
        cover.errors.append((headers["unit_name"], "封面未填写填报单位：请填写本单位全称"))
    else:
        known = unit_names().get(normalise_header(unit_text))
        if known is None:
            cover.errors.append((headers["unit_name"],
                                 f"填报单位“{unit_text}”不在单位名单中：请填写规范的单位全称（如“{units()[0].name}”）"))
        else:
            cover.unit_code, cover.unit_name = known
    for name in ("period_start", "period_end", "filled_on"):
        raw = cover.fields.get(name, "")
        if cells.is_empty(raw):
            if name != "filled_on":
                cover.errors.append((headers[name], f"封面未填写{headers[name]}：请按“2018-01-01”的样式填写"))
            continue
        try:
            setattr(cover, name, cells.to_date(raw))
        except InvalidValue as problem:
            cover.errors.append((headers[name], f"封面{headers[name]}：{problem.reason}"))
    if cover.period_start and cover.period_end and cover.period_start > cover.period_end:
        cover.errors.append((headers["period_end"], "封面统计期止早于统计期起：请核对统计期"))
    filled_by = cover.fields.get("filled_by")
    cover.filled_by = cells.to_text(filled_by) or None if filled_by is not None else None
    return cover
