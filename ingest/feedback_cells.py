"""What a feedback workbook may show of a clerk's own cells. It goes back to the unit that sent
them, but files travel: resident IDs are masked (110101********123X), card numbers and any other
long run of digits too, and names keep only the surname (张**)."""

from __future__ import annotations

import re

import python_calamine as calamine

from ingest.csv_return import read_csv_rows
from ingest.headers import recognise
from ingest.validators import mask_personal, mask_resident_id

_LONG_DIGITS = re.compile(r"\d{14,}[\dXx]?")
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")


def mask_name(value: str) -> str:
    text = value.strip()
    return text[:1] + "*" * max(len(text) - 1, 1) if text else text


def mask_id(value: object) -> str:
    text = value.strip() if isinstance(value, str) else str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return mask_resident_id(text.upper()) if _ID_LIKE.match(text) else mask_personal(value)


def safe_cell(value: object) -> object:
    """Any cell: long digit runs (an ID or card number in an unexpected column) masked."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e13:
        return mask_personal(value)
    if isinstance(value, str) and _LONG_DIGITS.search(value):
        return _LONG_DIGITS.sub(lambda m: mask_id(m.group(0)), value)
    return value


def column_maskers(sheet_name: str, rows: list[list]) -> dict[int, callable]:
    """Column index → masking function for the personal columns the sheet's headers name."""
    match = recognise(sheet_name, rows)
    if match is None:
        return {}
    out = {}
    for cm in match.columns:
        if cm.column.type == "resident_id":
            out[cm.index] = mask_id
        elif cm.column.type == "card_number":
            out[cm.index] = mask_personal
        elif cm.column.type == "person_name":
            out[cm.index] = lambda v: mask_name(v) if isinstance(v, str) else safe_cell(v)
    return out


def masked_rows(sheet_name: str, rows: list[list]) -> list[list]:
    maskers = column_maskers(sheet_name, rows)
    header = recognise(sheet_name, rows)
    first_data = header.row_index + 1 if header else len(rows)
    out = []
    for r, row in enumerate(rows):
        masked = []
        for c, value in enumerate(row):
            if value == "" or value is None:
                masked.append("")
            elif r >= first_data and c in maskers:
                masked.append(maskers[c](value))
            else:
                masked.append(safe_cell(value))
        out.append(masked)
    return out


def read_sheet_rows(path, sheet: str) -> list[list] | None:
    """A sheet's rows as the reader saw them (None if the file or sheet cannot be read again)."""
    try:
        if path.suffix.lower() == ".csv":
            return read_csv_rows(path.read_bytes())
        book = calamine.CalamineWorkbook.from_path(str(path))
        try:
            return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Exception:  # the feedback must still be written; the summary lists every problem
        return None
