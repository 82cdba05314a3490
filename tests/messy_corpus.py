"""Messy returns, as sub-union clerks send them, built by code from logical rows (the schema's
column order, Python values), with what ingest must make of them: which Excel rows load (and with
which values), which cells are rejected, and how many rows of each skipped kind there are.

`messy_sheet` lays one sheet out in a clerk's way (title rows, a unit line, renamed and reordered
headers, extra columns, values typed as text, merged cells, blank/total/note rows, bad rows);
`build_corpus` writes the small corpus the messy tests read; `mess_up_returns` rewrites a folder
of clean returns (the demo) messily, row for row, for the pipeline comparison."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from messy_grids import Formula, Grid, write_grids

from domain.schema import Column, Sheet, cover_title
from domain.schema import sheet as schema_sheet

EXCEL_EPOCH = dt.date(1899, 12, 30)
_FULL = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@dataclass
class Bad:
    """A row that must be rejected: the logical row and the columns (names) at fault."""

    row: tuple
    columns: tuple[str, ...]


@dataclass
class Style:
    """How a clerk lays a sheet out. Every option keeps the meaning of the rows."""

    text_only: bool = False  # CSV: every value typed as text
    order: str = "template"  # template | reversed | rotated
    synonyms: bool = False
    header_noise: bool = False  # half-width brackets, spaces and line breaks in headers
    extra_columns: bool = False  # 序号 in front, 备注 behind
    wan_yuan: str | None = None  # None | "line" (单位：万元 above, bare headers) | "header" (金额(万元))
    merge_column: str | None = None
    blank_every: int = 0
    total: str | None = None  # None | "right" | "wrong"
    subtotal_every: int = 0
    notes: bool = False
    repeat_header_at: int = 0  # data row before which the header is repeated (0: never)
    title_rows: int = 2  # 0, or 2-3 rows above the header (merged title, hint, blank)
    variant: int = 0  # shifts which rendering each value gets
    bad: list[Bad] = field(default_factory=list)
    bad_at: int = 1  # data position the bad rows go in front of


@dataclass
class Expected:
    sheet_name: str
    loaded: dict[int, tuple] = field(default_factory=dict)  # Excel row -> logical row
    rejected: set[tuple[int, str]] = field(default_factory=set)  # (Excel row, header as written)
    blank: int = 0
    title: int = 0
    total: int = 0
    note: int = 0
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, header) expected warnings

    @property
    def rejected_rows(self) -> int:
        return len({r for r, _ in self.rejected})

    @property
    def rows_read(self) -> int:
        return len(self.loaded) + self.rejected_rows + self.blank + self.title + self.total + self.note


def _ordered(columns: tuple[Column, ...], order: str) -> list[Column]:
    cols = list(columns)
    if order == "reversed":
        return cols[::-1]
    if order == "rotated":
        return cols[1:] + cols[:1]
    return cols


def header_for(column: Column, style: Style) -> str:
    text = column.synonyms[0] if style.synonyms and column.synonyms else column.header
    if column.type == "money":
        stem = text.split("（")[0].split("(")[0]
        if style.wan_yuan == "line":
            text = stem
        elif style.wan_yuan == "header":
            text = f"{stem}(万元)"
    if style.header_noise:
        text = text.replace("（", "(").replace("）", ")")
        text = f" {text[:1]}\n{text[1:]} " if len(text) > 2 else f"{text} "
    return text


def _full_width(text: str) -> str:
    return text.translate(_FULL)


def render(column: Column, value, style: Style, v: int):
    """One value as a clerk may type it; the reader must recover `value`."""
    if value is None:
        return ""
    kind = column.type
    if kind == "date":
        d = value
        forms = [
            f"{d.year}年{d.month}月{d.day}日",
            f"{d.year}.{d.month}.{d.day}",
            f"{d.year}/{d.month:02d}/{d.day:02d}",
            f" {d.isoformat()} ",
            _full_width(d.isoformat()),
        ]
        if not style.text_only:
            forms += [d, float((d - EXCEL_EPOCH).days)]
        return forms[v % len(forms)]
    if kind == "int":
        forms = [f"{value:,}", _full_width(str(value)), f" {value} ", str(value)]
        if not style.text_only:
            forms += [value, float(value)]
        return forms[v % len(forms)]
    if kind == "money":
        amount = Decimal(str(value))
        if style.wan_yuan:
            return format((amount / 10000).normalize(), "f")
        forms = [f"{amount:,.2f}", _full_width(f"{amount:.2f}"), f"{amount:.2f}元"]
        if not style.text_only:
            forms += [float(amount)]
        return forms[v % len(forms)]
    if kind == "bool":
        return [("是" if value else "否"), ("√" if value else "×"), (" 是 " if value else " 否 ")][v % 3]
    text = str(value)
    if kind in ("resident_id", "credit_code"):
        return [text, text + " ", text.lower()][v % 3]
    if kind == "card_number":
        return [text, text + " "][v % 2]
    return [text, text + " ", "\u3000" + text][v % 3]


def _sum_cell(column: Column, rows: list[tuple], position: int, style: Style, wrong: bool):
    values = [r[position] for r in rows if r[position] is not None]
    total = sum((Decimal(str(v)) for v in values), Decimal(0)) if column.type == "money" else sum(values)
    if wrong:
        total += 1
    if column.type == "money" and style.wan_yuan:
        return format((total / 10000).normalize(), "f")
    return f"{total:,.2f}" if column.type == "money" else str(total)


def messy_sheet(sheet: Sheet, rows: list[tuple], style: Style, name: str | None = None) -> tuple[Grid, Expected]:
    """One sheet laid out as `style` says, and what reading it must give."""
    grid, exp = Grid(name or sheet.title), Expected(sheet.name)
    layout = _Layout.of(sheet, style)
    _write_head(grid, exp, layout)
    runs = _write_rows(grid, exp, layout, rows)
    _write_foot(grid, exp, layout, rows, runs)
    return grid, exp


@dataclass
class _Layout:
    """Where a sheet's columns go in the clerk's layout: the schema's columns in the style's
    order, their headers, and the extra columns (序号, 备注) around them."""

    sheet: Sheet
    style: Style
    columns: list[Column]
    positions: list[int]  # of each laid-out column in the schema's rows
    headers: list[str]
    lead: list[str]
    tail: list[str]

    @classmethod
    def of(cls, sheet: Sheet, style: Style) -> _Layout:
        columns = _ordered(sheet.columns, style.order)
        return cls(
            sheet,
            style,
            columns,
            [sheet.columns.index(c) for c in columns],
            [header_for(c, style) for c in columns],
            ["序号"] if style.extra_columns else [],
            ["备注"] if style.extra_columns else [],
        )

    @property
    def width(self) -> int:
        return len(self.lead) + len(self.headers) + len(self.tail)

    @property
    def offset(self) -> int:
        return len(self.lead)

    @property
    def merge_at(self) -> int | None:
        return next((k for k, c in enumerate(self.columns) if c.name == self.style.merge_column), None)

    def line(self, *cells) -> list:
        return list(cells) + [""] * (self.width - len(cells))

    def header_line(self) -> list:
        return self.lead + self.headers + self.tail

    def data_line(self, row: tuple, n: int, v: int | None) -> list:
        """`v` None: the values exactly as given (a bad row's float ID stays a number)."""
        cells = [
            render(c, row[p], self.style, v + k) if v is not None else ("" if row[p] is None else row[p])
            for k, (c, p) in enumerate(zip(self.columns, self.positions, strict=True))
        ]
        return [str(n)] * len(self.lead) + cells + [""] * len(self.tail)

    def total_line(self, label: str, rows: list[tuple], wrong: bool) -> list:
        return _total_line(label, self.columns, self.positions, rows, self.style, self.width, self.offset, wrong)


def _write_head(grid: Grid, exp: Expected, layout: _Layout) -> None:
    """Title rows, the unit line and the header row."""
    style, sheet, line = layout.style, layout.sheet, layout.line
    if style.title_rows:
        grid.add(line(f"{sheet.title}（2018年度）"))
        if not style.text_only and layout.width > 1:
            grid.merges.append((0, 0, 0, layout.width - 1))
        grid.add(line(f"填报说明：{sheet.description}"))
        exp.title += 2
        if style.title_rows > 2:
            grid.add(line())
            exp.blank += 1
    if style.wan_yuan == "line":
        grid.add(line("", "单位：万元"))
        exp.title += 1
    header_row = grid.add(layout.header_line())
    exp.title += 1
    if style.extra_columns:
        exp.warnings.append((header_row, "备注"))


def _write_rows(grid: Grid, exp: Expected, layout: _Layout, rows: list[tuple]) -> list[tuple[int, int]]:
    """The data rows with what a clerk puts between them (bad rows, a repeated header, blank
    rows, subtotals); returns the runs of Excel rows whose merge column is merged."""
    style, columns, positions, merge_at = layout.style, layout.columns, layout.positions, layout.merge_at
    group: list[tuple] = []
    runs: list[tuple[int, int]] = []
    for n, row in enumerate(rows, start=1):
        if n == style.bad_at:
            for bad in style.bad:
                r = grid.add(layout.data_line(bad.row, n, None))
                for name_ in bad.columns:
                    exp.rejected.add((r, layout.headers[next(k for k, c in enumerate(columns) if c.name == name_)]))
        if style.repeat_header_at and n == style.repeat_header_at:
            grid.add(layout.header_line())
            exp.title += 1
        if style.blank_every and n % style.blank_every == 0:
            grid.add(layout.line())
            exp.blank += 1
        r = grid.add(layout.data_line(row, n, style.variant + n))
        exp.loaded[r] = row
        group.append(row)
        if merge_at is not None and not style.text_only:
            # runs of one value on consecutive loaded rows are merged into one cell
            value = row[positions[merge_at]]
            if runs and runs[-1][1] == r - 1 and exp.loaded[r - 1][positions[merge_at]] == value:
                runs[-1] = (runs[-1][0], r)
            else:
                runs.append((r, r))
        if style.subtotal_every and n % style.subtotal_every == 0 and n < len(rows):
            grid.add(layout.total_line("小计", group, False))
            exp.total += 1
            group = []
    if style.subtotal_every and group:
        grid.add(layout.total_line("小计", group, False))
        exp.total += 1
    return runs


def _write_foot(grid: Grid, exp: Expected, layout: _Layout, rows: list[tuple], runs: list[tuple[int, int]]) -> None:
    """The total row, the notes under the table and the merged cells of the merge column."""
    style, line = layout.style, layout.line
    if style.total:
        r = grid.add(layout.total_line("合 计", rows, style.total == "wrong"))
        exp.total += 1
        if style.total == "wrong":
            first_sum = next(k for k, c in enumerate(layout.columns) if c.type in ("int", "money"))
            exp.warnings.append((r, layout.headers[first_sum]))
    if style.notes:
        grid.add(line("注：本表数据截至统计期末。"), line("填表人：王五", "", "审核人：赵六"))
        exp.note += 2
    merged = [(first, last) for first, last in runs if last > first]
    merge_at = layout.merge_at
    for first, last in merged:
        assert merge_at is not None
        c = layout.offset + merge_at
        grid.merges.append((first - 1, c, last - 1, c))
    if merged:
        assert merge_at is not None
        exp.warnings.append((merged[0][0], layout.headers[merge_at]))  # one warning per merged column


def _total_line(label: str, columns, positions, rows, style: Style, width: int, offset: int, wrong: bool) -> list:
    out = [""] * width
    summed = [offset + k for k, c in enumerate(columns) if c.type in ("int", "money")]
    out[next(k for k in range(width) if k not in summed)] = label
    wrong_left = wrong
    for k, (c, p) in enumerate(zip(columns, positions, strict=True)):
        if c.type in ("int", "money"):
            out[offset + k] = _sum_cell(c, rows, p, style, wrong_left)
            wrong_left = False
    return out


def cover_grid(
    unit: str, period=("2018-01-01", "2018-12-31"), filled_on="2019-01-05", *, one_cell: bool = False
) -> Grid:
    """The cover (填报说明): fields header | value, or "填报单位：…" in one cell."""
    grid = Grid(cover_title())
    grid.add(["工会统计报表（数说工会）", ""])
    grid.merges.append((0, 0, 0, 1))
    fields = [
        ("填报单位", unit),
        ("统计期起", period[0]),
        ("统计期止", period[1]),
        ("填报人", "李四"),
        ("联系电话", "010-12345678"),
        ("填报日期", filled_on),
    ]
    for header, value in fields:
        if one_cell and isinstance(value, str):
            grid.add([f"{header}：{value}", ""])
        else:
            grid.add([header, value])
    return grid


def sheet_of(name: str) -> Sheet:
    return schema_sheet(name)


def write_messy_return(
    path: Path,
    unit: str,
    sheets: list[tuple[str, list[tuple], Style, str | None]],
    *,
    cover: Grid | None = None,
    hidden: list[Grid] = (),
    filled_on="2019-01-05",
    encoding: str = "utf-8-sig",
) -> dict[str, Expected]:
    """Write a return; returns sheet name as in the file → Expected."""
    grids, expected = [], {}
    for kind, rows, style, name in sheets:
        grid, exp = messy_sheet(sheet_of(kind), rows, style, name)
        grids.append(grid)
        expected[grid.name] = exp
    if path.suffix.lower() != ".csv":
        grids.insert(0, cover or cover_grid(unit, filled_on=filled_on))
    write_grids(path, grids + list(hidden), encoding=encoding)
    return expected


__all__ = ["Bad", "Expected", "Formula", "Grid", "Style", "cover_grid", "messy_sheet", "render", "write_messy_return"]
