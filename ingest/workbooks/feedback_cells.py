"""What a feedback workbook may show of a clerk's own cells. It goes back to the unit that sent
them, but files travel: resident IDs are masked (110101********123X), card numbers and any other
long run of digits too, and names keep only the surname (张**); public codes (统一社会信用代码, in
the national register) are shown as written. On the cover (or a CSV's first
lines) the 填报人 keeps only the surname and the 联系电话 its last 4 digits (****5290)."""

from __future__ import annotations

import re
from collections.abc import Callable

import python_calamine as calamine

from ingest.clean.validators import mask_digit_runs, mask_personal, mask_resident_id
from ingest.read.cover import field_cells
from ingest.read.csv_return import read_csv_rows
from ingest.read.headers import recognise

_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_NOT_DIGITS = re.compile(r"\D")
PHONE_DIGITS_SHOWN = 4
PUBLIC_TYPES = frozenset({"credit_code"})  # public registers (统一社会信用代码): shown as written, never masked
CELL_SHOWN_MAX = 1000  # a copied cell longer than this is cut (a cell may hold megabytes; Excel's own limit is 32 767)


def mask_name(value: str) -> str:
    text = value.strip()
    return text[:1] + "*" * max(len(text) - 1, 1) if text else text


def mask_phone(value: object) -> str:
    """A phone number with only its last 4 digits (****5290), whatever its punctuation."""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    digits = _NOT_DIGITS.sub("", text)
    return (
        "****" + digits[-PHONE_DIGITS_SHOWN:] if len(digits) > PHONE_DIGITS_SHOWN else "****" if text.strip() else text
    )


COVER_MASKERS = {"filled_by": lambda v: mask_name(v) if isinstance(v, str) else safe_cell(v), "phone": mask_phone}


def masked_cover(rows: list[list], merged: list | None = None) -> list[list]:
    """The cover's rows with the 填报人 and 联系电话 values masked where ingest/read/cover.py finds them
    (beside the header, after a merged header, or after the colon in "填报人：张三")."""
    out = [list(row) for row in rows]
    for name, cell in field_cells(rows, merged).items():
        masker = COVER_MASKERS.get(name)
        if masker is None or cell.column > len(out[cell.row - 1]):
            continue
        original = out[cell.row - 1][cell.column - 1]
        if cell.inline:
            head, colon, value = original.partition(":" if ":" in original else "：")  # as cover.py splits
            out[cell.row - 1][cell.column - 1] = f"{head}{colon}{masker(value.strip())}"
        elif original not in ("", None):
            out[cell.row - 1][cell.column - 1] = masker(original)
    return out


def mask_id(value: object) -> str:
    text = (
        value.strip()
        if isinstance(value, str)
        else str(int(value))
        if isinstance(value, float) and value.is_integer()
        else str(value)
    )
    return mask_resident_id(text.upper()) if _ID_LIKE.match(text) else mask_personal(value)


def safe_cell(value: object) -> object:
    """Any cell: long digit runs (an ID or card number in an unexpected column) masked."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e13:
        return mask_personal(value)
    if isinstance(value, str):
        if len(value) > CELL_SHOWN_MAX:  # cut before masking, a digit run across the cut masked whole
            return (
                mask_digit_runs(value[: CELL_SHOWN_MAX + 18])[:CELL_SHOWN_MAX]
                + f"…（共 {len(value):,} 个字，以下从略）"
            )
        return mask_digit_runs(value)  # the masking every ingest problem gets (ingest/report.py)
    return value


Masker = Callable[[object], object]


def column_maskers(sheet_name: str, rows: list[list]) -> dict[int, Masker]:
    """Column index → masking function for the personal columns the sheet's headers name."""
    match = recognise(sheet_name, rows)
    if match is None:
        return {}
    out: dict[int, Masker] = {}
    for cm in match.columns:
        if cm.column.type == "resident_id":
            out[cm.index] = mask_id
        elif cm.column.type == "card_number":
            out[cm.index] = mask_personal
        elif cm.column.type == "person_name":
            out[cm.index] = lambda v: mask_name(v) if isinstance(v, str) else safe_cell(v)
        elif cm.column.type in PUBLIC_TYPES:
            out[cm.index] = public_code
    return out


def public_code(value: object) -> object:
    """A public code as written (a code typed as a number shown as its digits); only a cell too
    long to be a code is cut, as any other."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return safe_cell(value) if isinstance(value, str) and len(value) > CELL_SHOWN_MAX else value


def masked_rows(sheet_name: str, rows: list[list]) -> list[list]:
    maskers = column_maskers(sheet_name, rows)
    header = recognise(sheet_name, rows)
    first_data = header.row_index + 1 if header else len(rows)
    out = []
    for r, row in enumerate(rows):
        masked: list[object] = []
        for c, value in enumerate(row):
            if value == "" or value is None:
                masked.append("")
            elif r >= first_data and c in maskers:
                masked.append(maskers[c](value))
            else:
                masked.append(safe_cell(value))
        out.append(masked)
    return out


def read_sheet_rows(path, sheet: str) -> tuple[list[list], list] | None:
    """A sheet's rows as the reader saw them and its merged ranges (None if the file or sheet
    cannot be read again)."""
    try:
        if path.suffix.lower() == ".csv":
            return read_csv_rows(path.read_bytes()), []
        book = calamine.CalamineWorkbook.from_path(str(path))
        try:
            found = book.get_sheet_by_name(sheet)
            return found.to_python(skip_empty_area=False), found.merged_cell_ranges or []
        finally:
            book.close()
    except Exception:  # the feedback must still be written; the summary lists every problem
        return None
