"""The demo's returns rewritten the way clerks send them, row for row: each unit's file in another
format (.xls, .xlsm, .xlsx), each sheet in another layout (title rows, unit lines, synonyms,
reordered and extra columns, values typed as text, merged cells, blank/合计/小计/note rows), plus
rows that must be rejected. The loadable rows are exactly the clean file's, so every figure of
the pipeline must come out the same as from the clean files (tests/test_messy_pipeline.py).
The previous period's files (for 同比) are copied as they are."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import python_calamine as calamine
from messy_corpus import Bad, Style, cover_grid, messy_sheet
from messy_grids import write_grids

from domain.schema import Sheet, cover_title
from ingest.read.headers import kind_by_title, recognise
from ingest.workbooks import layout

FORMATS = (".xls", ".xlsm", ".xlsx")
MERGE_CANDIDATES = ("grassroots_union", "category", "programme", "status", "service_item", "plan", "form")
STYLES = (
    dict(order="rotated", synonyms=True, extra_columns=True, blank_every=7, total="right", notes=True, title_rows=3),
    dict(header_noise=True, wan_yuan="line", total="right", subtotal_every=5, repeat_header_at=3),
    dict(order="reversed", wan_yuan="header", notes=True, title_rows=0, blank_every=11),
    dict(synonyms=True, header_noise=True, extra_columns=True, total="right"),
)


def _logical(sheet: Sheet, row: list) -> tuple:
    """A clean template row as calamine gives it → the schema's Python values."""
    out = []
    for column, value in zip(sheet.columns, row, strict=True):
        if value == "" or value is None:
            out.append(None)
        elif column.type == "int":
            out.append(int(value))
        elif column.type == "money":
            out.append(Decimal(repr(value)))
        elif column.type == "bool":
            out.append(value == "是")
        elif column.type == "date" and isinstance(value, dt.datetime):
            out.append(value.date())
        else:
            out.append(value)
    return tuple(out)


def _bad_row(sheet: Sheet, good: tuple) -> Bad | None:
    """A copy of a good row with one required cell spoiled: a date that does not exist, or an
    ID typed as a number; it must be rejected and so must not change any figure."""
    for position, column in enumerate(sheet.columns):
        if column.required and column.type in ("date", "resident_id"):
            spoiled = list(good)
            spoiled[position] = "2018-02-30" if column.type == "date" else 110102198001010011.0
            if sheet.columns[0].type == "person_name":
                spoiled[0] = "错行"
            return Bad(tuple(spoiled), (column.name,))
    return None


def mess_up_returns(clean_dir: Path, out_dir: Path, period_label: str = "2018年度") -> dict[str, int]:
    """Write the messy twin of every return of the period into `out_dir`; copy the others.
    Returns source_file → number of rows that must be rejected in it."""
    rejected: dict[str, int] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    for n, path in enumerate(sorted(clean_dir.glob("*.xlsx"))):
        if period_label not in path.stem:
            shutil.copy2(path, out_dir / path.name)
            continue
        book = calamine.CalamineWorkbook.from_path(str(path))
        cover = book.get_sheet_by_name(cover_title()).to_python(skip_empty_area=False)
        first = layout.COVER_FIRST_FIELD_ROW - 1
        unit, start, end, _by, _phone, filled_on = (cover[first + i][1] for i in range(6))
        grids, bad_rows = [cover_grid(unit, (start, end), filled_on, one_cell=n % 2 == 1)], 0
        for k, name in enumerate(book.sheet_names):
            sheet = kind_by_title(name)
            if sheet is None:
                continue
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)[layout.FIRST_DATA_ROW - 1 :]
            logical = [_logical(sheet, r) for r in rows if any(v != "" for v in r)]
            if not logical and k % 2:
                continue  # a sheet with nothing to report may be left out
            options = dict(STYLES[(n + k) % len(STYLES)])
            options["merge_column"] = next((c.name for c in sheet.columns if c.name in MERGE_CANDIDATES), None)
            bad = _bad_row(sheet, logical[0]) if logical and (n + k) % 3 == 0 else None
            style = Style(variant=n + k, bad=[bad] if bad else [], bad_at=min(2, len(logical)), **options)
            if options.get("wan_yuan") and not any(c.type == "money" for c in sheet.columns):
                style.wan_yuan = None
            grid, _ = messy_sheet(sheet, logical, style, f"Sheet{k}" if (n + k) % 4 == 0 else name)
            if grid.name != name and getattr(recognise(grid.name, grid.rows), "sheet", None) != sheet:
                grid.name = name  # headers shared with another sheet (劳模服务/女职工关爱): keep its title
            grids.append(grid)
            bad_rows += len(style.bad)
        book.close()
        target = out_dir / (path.stem + FORMATS[n % len(FORMATS)])
        write_grids(target, grids)
        rejected[target.name] = bad_rows
    return rejected
