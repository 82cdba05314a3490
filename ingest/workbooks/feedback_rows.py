"""有问题的行, the 整改清单's second sheet: only the rows with a problem at a cell, sheet by sheet:
the sheet's header row in the template's colours, then each problem row under its row number in the
unit's own workbook, every problem cell filled (red: the row was not loaded until it is corrected;
yellow: read, but please check) with the reason as a cell comment. The rows around them are other
people's data and are not shown; what is shown is masked (ingest/workbooks/feedback_cells.py)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ingest.read.headers import recognise
from ingest.read.sheet_reader import column_letter
from ingest.report import FileReport, Problem
from ingest.workbooks.feedback_cells import PUBLIC_TYPES, masked_cover, masked_rows, read_sheet_rows
from ingest.workbooks.feedback_style import SEVERITY_WORDS, FeedbackStyles
from ingest.workbooks.style import (
    AUTHOR,
    fit_row_height,
    fitted_width,
    print_setup,
    return_column_width,
    set_widths,
    text_width,
)

PROBLEM_ROWS_SHEET = "有问题的行"
ROW_NUMBER_HEADER = "原表行号"


@dataclass(frozen=True)
class AtCell:
    """A problem at one cell of one of the unit's sheets: the problems 有问题的行 shows."""

    sheet: str
    row: int  # 1-based, as in the unit's own workbook
    column: int  # 1-based
    severity: str
    reason: str

    @classmethod
    def of(cls, problem: Problem) -> AtCell | None:
        """The problem's cell; None when it is about a whole file, sheet or row."""
        if problem.sheet and problem.source_row and problem.source_column:
            return cls(problem.sheet, problem.source_row, problem.source_column, problem.severity, problem.reason)
        return None

    @property
    def place(self) -> tuple[str, int, int]:
        return (self.sheet, self.row, self.column)


@dataclass
class ProblemBlock:
    """What a 整改清单 shows of one of the unit's sheets: its header row and its problem rows
    (masked), by their row numbers in the unit's own workbook."""

    sheet: str
    header_row: int | None  # 1-based row of the recognised header, None when not recognised
    header: list
    header_required: dict[int, bool]  # 0-based column → required, for the columns the schema names
    public: set[int]  # 0-based columns of public codes (统一社会信用代码), shown as written
    widths: dict[int, float]
    rows: dict[int, list]  # 1-based row number → the masked row
    problems: list[AtCell]


def problem_block(file: FileReport, source: Path, name: str, problems: list[AtCell]) -> ProblemBlock | None:
    """The sheet's header and its problem rows as they may be shown (masked); None if it cannot be
    read again. Only the rows with a problem are shown: the rows around them are other people's
    data, which the clerk does not need in order to correct anything."""
    found = read_sheet_rows(source, name)
    if found is None:
        return None
    rows, merged = found
    if name not in {s.sheet for s in file.sheets} or is_csv(file):  # the cover; a CSV's first lines are its cover
        rows = masked_cover(rows, merged)
    match = recognise(name, rows)
    rows = masked_rows(name, rows)
    wanted = sorted({p.row for p in problems})
    header_index = match.row_index if match else None
    width = max(
        [_last_filled(rows[i]) for i in (*[n - 1 for n in wanted], header_index) if i is not None and i < len(rows)]
        + [p.column for p in problems],
        default=0,
    )  # as wide as what is shown, not as the sheet's farthest cell
    shown = {n: _padded(rows[n - 1] if n <= len(rows) else [], width) for n in wanted}
    header_row = match.row_index + 1 if match else None
    header = _padded(rows[match.row_index], width) if match else [column_letter(c) for c in range(width)]
    types = {cm.index: cm.column for cm in match.columns} if match else {}
    widths: dict[int, float] = {
        c: max(
            return_column_width(types[c].type, types[c].header) if c in types else MIN_COPY_WIDTH,
            fitted_width([header[c], *(row[c] for row in shown.values())], most=MAX_COPY_WIDTH),
        )
        for c in range(width)
    }
    required = {c: col.required for c, col in types.items()}
    public = {c for c, col in types.items() if col.type in PUBLIC_TYPES}
    return ProblemBlock(name, header_row, header, required, public, widths, shown, problems)


MIN_COPY_WIDTH, MAX_COPY_WIDTH = 8, 30


def _last_filled(row: list) -> int:
    """How many columns of a row reach its last non-empty cell."""
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i] not in ("", None)), 0)


def _padded(row: list, width: int) -> list:
    return list(row[:width]) + [""] * (width - len(row))


def is_csv(file: FileReport) -> bool:
    """A CSV return has no cover and no sheets: its 封面 is its first lines and its file name."""
    return file.source_file.lower().endswith(".csv")


def write_problem_rows(
    ws, styles: FeedbackStyles, blocks: list[ProblemBlock]
) -> dict[tuple[str, int, int], tuple[int, int]]:
    """The unit's problem rows, sheet by sheet: a line naming the sheet, its header row (in the
    template's colours), then each problem row with its row number in the unit's own workbook in
    the first column, problem cells filled (red: the row was not loaded until it is corrected;
    yellow: read, but please check) and commented with every reason. Returns where each problem
    cell landed: (sheet, source row, source column) → (row, column), 0-based."""
    width = max(len(b.header) for b in blocks)
    widths = [text_width(ROW_NUMBER_HEADER) + 2] + [
        max((b.widths.get(c, 0) for b in blocks), default=MIN_COPY_WIDTH) or MIN_COPY_WIDTH for c in range(width)
    ]
    set_widths(ws, widths)
    places: dict[tuple[str, int, int], tuple[int, int]] = {}
    r = 0
    header_rows = []
    for block in blocks:
        where = f"原表第 {block.header_row} 行是表头" if block.header_row else "未能识别表头，上方为列号"
        ws.write_string(r, 0, f"工作表“{block.sheet}”（{where}；下列只是有问题的行）", styles.block)
        r += 1
        header_rows.append(r)
        ws.write_string(r, 0, ROW_NUMBER_HEADER, styles.header)
        for c, value in enumerate(block.header):
            fmt = styles.required if block.header_required.get(c) else styles.optional
            ws.write_string(r, c + 1, "" if value is None else str(value), fmt)
        fit_row_height(ws, r, ["", *block.header], widths, range(1, len(block.header) + 1))
        at: dict[tuple[int, int], list[AtCell]] = defaultdict(list)
        for p in block.problems:
            at[(p.row, p.column - 1)].append(p)
        for number, row in block.rows.items():
            r += 1
            ws.write_number(r, 0, number, styles.row_number)
            for c, value in enumerate(row):
                found = at.get((number, c))
                red = found and any(p.severity == "rejected" for p in found)
                fill, date_fill = (
                    (styles.red, styles.red_date)
                    if red
                    else (styles.yellow, styles.yellow_date)
                    if found
                    else (styles.wrap, styles.date)
                )
                _write(ws, r, c + 1, value, fill, date_fill)
                if found:
                    text = "\n".join(f"【{SEVERITY_WORDS[p.severity]}】{p.reason}" for p in found)
                    ws.write_comment(r, c + 1, text, {"author": AUTHOR, "x_scale": 3, "y_scale": 2.5})
                    places[(block.sheet, number, c + 1)] = (r, c + 1)
            fit_row_height(ws, r, ["", *row], widths, range(1, len(row) + 1))
        r += 2
    single = len(blocks) == 1
    print_setup(
        ws,
        PROBLEM_ROWS_SHEET,
        widths,
        repeat_rows=(header_rows[0] - 1, header_rows[0]) if single else None,
        freeze=(header_rows[0] + 1, 1) if single else (0, 1),  # the header in view; the row number always
    )
    return places


def _write(ws, r: int, c: int, value, fill, date_fill) -> None:
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        ws.write_datetime(r, c, moment, date_fill)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fill)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(r, c, value, fill)
    elif isinstance(value, float):  # NaN or infinity in the file: Excel has no such number, so as text
        ws.write_string(r, c, str(value), fill)
    elif value == "" or value is None:
        if fill is not None:
            ws.write_blank(r, c, None, fill)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fill)
    else:  # a time or duration: as text
        ws.write_string(r, c, str(value), fill)
