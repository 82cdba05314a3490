"""How every workbook the project writes for people looks on screen and on paper: 提交情况.xlsx,
each 整改清单, 重复填报.xlsx, figures.xlsx and revision.xlsx all come through here, so that their
conventions are one fact, not one copy per workbook.

- Paper: A4, fit to one page wide (as many pages long as it takes), landscape when the columns are
  wider than a portrait page, the title and header rows repeated on every page, and a footer
  第 x 页 / 共 y 页 with the workbook's title.
- Numbers: thousands separators (1,234,567.89), a rate held as a percentage number (12.345678)
  shown as 12.35%, a share held as a ratio shown as 7.52%, dates as 2018-03-05. A format changes
  what a cell shows, never its value: the formula bar keeps the exact figure.
- Column widths that show whole values: a CJK character counts double; text longer than a
  column's most is wrapped rather than cut.
- Frozen headers, and text from clerks written as text (never a formula, never a link) — only
  the project's own links are links.

The return workbooks themselves (templates and demo data) are laid out by ingest/workbooks/layout.py."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import xlsxwriter

from ingest.workbooks.layout import DATE_FORMAT

PAPER_A4 = 9
COUNT_FORMAT = "#,##0"
MONEY_FORMAT = "#,##0.00"
DECIMAL_FORMAT = "#,##0.00####"
PERCENT_NUMBER_FORMAT = '0.00"%"'  # a percentage held as a number of per cent: 12.345678 → 12.35%
RATIO_FORMAT = "0.00%"  # a ratio: 0.0752 → 7.52%
SAFE_TEXT = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
AUTHOR = "数说工会"

HEADER_FILL = "#DDEBF7"
# A return's header cells, as the template colours them (and a 整改清单 shows them again).
REQUIRED_HEADER = {"bold": True, "bg_color": "#FCE4D6", "font_color": "#C00000", "border": 1, "align": "center"}
OPTIONAL_HEADER = {"bold": True, "bg_color": HEADER_FILL, "border": 1, "align": "center"}
# A return's column widths by the column's type (the template's, and a 整改清单's copy of the rows).
TYPE_WIDTHS = {"resident_id": 22, "card_number": 24, "credit_code": 22, "date": 12, "money": 14, "bool": 10}
TITLE_SIZE = 14
# A4 at the project's margins holds about this many character widths (Calibri 11) across at 100%.
PORTRAIT_CHARS = 92
LANDSCAPE_CHARS = 138
MIN_WIDTH, MAX_WIDTH, PADDING = 4, 60, 2
BREAK_SLACK = 1.08
LINE_HEIGHT = 14  # points, one line of 11-point text (CJK glyphs included)


def new_workbook(path: Path | str, title: str, created: dt.datetime, **options) -> xlsxwriter.Workbook:
    """A workbook whose text stays text, with its title and author (the footer prints the title)."""
    book = xlsxwriter.Workbook(str(path), {**SAFE_TEXT, **options})
    book.set_properties({"title": title, "author": AUTHOR, "created": created})
    book.set_size(1600, 1000)
    return book


class Formats:
    """The cell formats the project's workbooks share, created once per workbook."""

    def __init__(self, book: xlsxwriter.Workbook):
        add = book.add_format
        self.title = add({"bold": True, "font_size": TITLE_SIZE})
        self.header = add({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True, "valign": "vcenter"})
        self.cell = add({"border": 1, "valign": "top"})
        self.wrap = add({"border": 1, "text_wrap": True, "valign": "top"})
        self.count = add({"border": 1, "valign": "top", "num_format": COUNT_FORMAT})
        self.money = add({"border": 1, "valign": "top", "num_format": MONEY_FORMAT})
        self.decimal = add({"border": 1, "valign": "top", "num_format": DECIMAL_FORMAT})
        self.percent_number = add({"border": 1, "valign": "top", "num_format": PERCENT_NUMBER_FORMAT})
        self.ratio = add({"border": 1, "valign": "top", "num_format": RATIO_FORMAT})
        self.date = add({"border": 1, "valign": "top", "num_format": DATE_FORMAT, "align": "left"})
        self.link = add({"border": 1, "valign": "top", "font_color": "#0563C1", "underline": 1, "text_wrap": True})
        self.note = add({"text_wrap": True, "valign": "top"})
        self._book = book
        self._fills: dict[tuple, object] = {}

    def fill(self, color: str, **more):
        """A bordered cell in a colour (a status, a problem), made once per colour and options."""
        key = (color, *sorted(more.items()))
        if key not in self._fills:
            self._fills[key] = self._book.add_format({"border": 1, "valign": "top", "bg_color": color, **more})
        return self._fills[key]

    def number(self, value: float | int, unit: str = ""):
        """The format a figure's number shows in: a rate as 12.35%, 元 with two decimals, a count
        with thousands separators."""
        if unit == "%":
            return self.percent_number
        if unit == "元":
            return self.money
        return self.count if float(value).is_integer() else self.decimal


def return_column_width(column_type: str, header: str) -> int:
    """A return column's width: wide enough for its header and for what its type holds."""
    return max(TYPE_WIDTHS.get(column_type, 12), text_width(header) + 4)


def text_width(value: object) -> int:
    """How many character widths a value takes: a CJK (wide) character counts double."""
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return len(f"{value:,.2f}" if isinstance(value, float) else f"{value:,}")
    if isinstance(value, (dt.date, dt.datetime)):
        return len(DATE_FORMAT)
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in str(value).split("\n")),
        default=0,
    )


def fitted_width(values: Iterable[object], least: int = MIN_WIDTH, most: int = MAX_WIDTH) -> int:
    """A column width that shows its longest value whole, between `least` and `most` (longer text
    wraps). Each distinct value is measured once: a column repeats its values (units, files, dates);
    distinct by type too (True and 1 are equal, but one is written 4 characters wide)."""
    distinct = {(type(value), value) for value in values}
    return max(least, min(most, max((text_width(value) for _, value in distinct), default=0) + PADDING))


def lines_needed(text: object, width: float) -> int:
    """How many lines a wrapped text takes in a cell `width` characters wide."""
    usable = max(width - 2, 1)  # the cell's padding
    # a line breaks at a word or before closing punctuation, not at the last character that fits
    return sum(max(1, math.ceil(text_width(line) * BREAK_SLACK / usable)) for line in str(text).split("\n"))


def fit_row_height(ws, row: int, values: Iterable[object], widths: Sequence[float], wrapped: Iterable[int]) -> None:
    """Make a row tall enough for its wrapped cells (columns `wrapped`): neither Excel nor
    LibreOffice sizes a written row by itself, and a cut-off line is a lost fact."""
    values = list(values)
    lines = max((lines_needed(values[c], widths[c]) for c in wrapped if c < len(values) and values[c]), default=1)
    if lines > 1:
        ws.set_row(row, lines * LINE_HEIGHT + 3)


def set_wrapped_height(ws, row: int, text: str, width: float) -> None:
    """A row holding a wrapped text in merged cells (which no client sizes by itself) made tall
    enough for it."""
    lines = lines_needed(text, width)
    if lines > 1:
        ws.set_row(row, lines * LINE_HEIGHT + 3)


def print_setup(
    ws,
    title: str,
    widths: Iterable[float],
    *,
    repeat_rows: tuple[int, int] | None = None,
    freeze: tuple[int, int] | None = None,
) -> None:
    """A4, one page wide, landscape when the columns are wider than portrait holds, the title and
    header rows (0-based, inclusive) repeated on every page, rows frozen above `freeze` (row,
    column), and a footer with the title and 第 x 页 / 共 y 页."""
    total = sum(widths)
    ws.set_paper(PAPER_A4)
    if total > PORTRAIT_CHARS:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.fit_to_pages(1, 0)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    if freeze is not None:
        ws.freeze_panes(*freeze)
    safe = title.replace("&", "&&")
    ws.set_footer(f"&L&8{safe}&R&8第 &P 页 / 共 &N 页", {"margin": 0.3})


def set_widths(ws, widths: Sequence[float], formats: dict[int, object] | None = None) -> list[float]:
    """Set each column's width (and a column's default format); returns the widths."""
    for col, width in enumerate(widths):
        ws.set_column(col, col, width, (formats or {}).get(col))
    return list(widths)


def write_value(ws, row: int, col: int, value, formats: Formats, unit: str = "", text_format=None) -> None:
    """One value with the right Excel type and format: numbers as numbers (by `unit`), dates as
    dates, everything else as text (never a formula); None as nothing."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", text_format or formats.cell)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(row, col, value, formats.number(value, unit))
    elif isinstance(value, (dt.date, dt.datetime)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        ws.write_datetime(row, col, moment, formats.date)
    else:
        ws.write_string(row, col, str(value), text_format or formats.cell)
