"""Sheets as grids of cells, written out as a clerk's tools would: xlsxwriter (.xlsx, .xlsm),
xlwt (.xls, what old WPS and Excel 2003 save), openpyxl (.xlsx whose formulas carry no saved
result, as a program that never opened the file leaves them) and CSV (UTF-8 with or without BOM,
GBK). The messy corpus (tests/messy_corpus.py) is built from these."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlsxwriter
import xlwt


@dataclass(frozen=True)
class Formula:
    """A formula cell; `cached` is the result saved with it (None: saved without one)."""

    text: str
    cached: float | None = None


@dataclass
class Grid:
    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (0-based)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)  # 0-based rows the clerk hid
    hidden_columns: set[int] = field(default_factory=set)  # 0-based columns the clerk hid

    def add(self, *rows: list) -> int:
        """Append rows; returns the Excel row number of the first one."""
        first = len(self.rows) + 1
        self.rows.extend(list(r) for r in rows)
        return first


def write_grids(path: Path, grids: list[Grid], *, encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        (grid,) = grids
        return _write_csv(path, grid, encoding)
    if suffix == ".xls":
        return _write_xls(path, grids)
    if any(isinstance(v, Formula) and v.cached is None for g in grids for r in g.rows for v in r):
        return _write_openpyxl(path, grids)
    return _write_xlsxwriter(path, grids)


def _write_xlsxwriter(path: Path, grids: list[Grid]) -> Path:
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for grid in grids:
        ws = book.add_worksheet(grid.name)
        merged_away = _merged_away(grid)
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if (r, c) in merged_away or value is None or value == "":
                    continue
                if isinstance(value, Formula):
                    ws.write_formula(r, c, value.text, None, value.cached)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
        for r1, c1, r2, c2 in grid.merges:
            ws.merge_range(r1, c1, r2, c2, _text(grid.rows[r1][c1]))
        for r in grid.hidden_rows:
            ws.set_row(r, None, None, {"hidden": True})
        for c in grid.hidden_columns:
            ws.set_column(c, c, None, None, {"hidden": True})
        if grid.hidden:
            ws.hide()
    book.close()
    return path


def _merged_away(grid: Grid) -> set[tuple[int, int]]:
    return {(r, c) for r1, c1, r2, c2 in grid.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}


def _text(value) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def _write_xls(path: Path, grids: list[Grid]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for grid in grids:
        ws = book.add_sheet(grid.name)
        merged_away = _merged_away(grid)
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if (r, c) in merged_away or value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
        for r1, c1, r2, c2 in grid.merges:
            ws.write_merge(r1, r2, c1, c2, grid.rows[r1][c1])
        for r in grid.hidden_rows:
            ws.row(r).hidden = True
        for c in grid.hidden_columns:
            ws.col(c).hidden = True
        if grid.hidden:
            ws.visibility = 1
    book.save(str(path))
    return path


def _write_openpyxl(path: Path, grids: list[Grid]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for grid in grids:
        ws = book.create_sheet(grid.name)
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(r, c)
                if isinstance(value, Formula):
                    cell.value = "=" + value.text.lstrip("=")
                elif isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # never a formula, even when it starts with =
                else:
                    cell.value = value
                    if isinstance(value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
        for r1, c1, r2, c2 in grid.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for r in grid.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        for c in grid.hidden_columns:
            ws.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].hidden = True
        if grid.hidden:
            ws.sheet_state = "hidden"
    book.save(str(path))
    return path


def _write_csv(path: Path, grid: Grid, encoding: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in grid.rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
