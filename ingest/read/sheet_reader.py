"""One return sheet: rows (as python-calamine gives them) → an Arrow table of accepted rows, the
counts, and the problems. Merged cells are filled down, rows are classified (ingest/row_kinds:
data, blank, title, total, note, hidden), then each mapped column is normalised at once; a row
with any invalid cell is rejected whole and every problem is kept; total rows are checked against
the loaded rows (ingest/totals). Hidden rows and columns (ingest/hidden_cells) are reported and
not read: nobody reviewing the sheet saw them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pyarrow as pa

from domain.schema import Column
from ingest.clean import cells
from ingest.clean.id_batches import valid_card_numbers, valid_resident_ids
from ingest.clean.identifier_cells import identifiers
from ingest.clean.pseudonymise import PersonPseudonymiser, Pseudonymiser
from ingest.clean.row_checks import contradicting_rows
from ingest.clean.tables import build_table
from ingest.clean.validators import card_number, credit_code, mask_personal, mask_resident_ids_in, resident_id
from ingest.find.hidden_cells import HiddenCells, hidden_column_reason, hidden_columns_reason, hidden_rows_reason
from ingest.read.headers import MONEY_SCALES, HeaderMatch, normalise_header, recognise, sheet_unit
from ingest.read.row_kinds import classify, fill_merged_down
from ingest.read.totals import compare_totals
from ingest.report import Problem, SheetReport

FORMULA_REASON = (
    "这里是公式，但文件中没有保存计算结果（可能由程序生成、未在 Excel 中打开保存过）：请用 Excel 或 WPS "
    "打开、重新计算并保存后报送，或把公式改为数值"
)
VALUE_SHOWN_MAX = 60
QUIET_HEADERS = frozenset({"序号", "编号", "No.", "NO."})  # clerks add a row number column; not worth a warning


@dataclass
class SheetOutcome:
    report: SheetReport
    problems: list[Problem]
    table: pa.Table | None = None


def normalise_column(
    column: Column, raw: Sequence, scale: int, period_end: dt.date | None = None
) -> tuple[list, dict[int, str]]:
    """The column's values and {position: reason}; a cell longer than the column's max_length
    (the schema's) is rejected as too long whatever its type, before it is parsed."""
    too_long = cells.too_long(raw, column.max_length)
    if not too_long:
        return _normalise_cells(column, raw, scale, period_end)
    out, errors = _normalise_cells(column, [("" if i in too_long else v) for i, v in enumerate(raw)], scale, period_end)
    errors.update(too_long)
    for position in too_long:
        out[position] = None
    return out, errors


def _normalise_cells(
    column: Column, raw: Sequence, scale: int, period_end: dt.date | None
) -> tuple[list, dict[int, str]]:
    kind, required = column.type, column.required
    if kind == "person_name":  # never loaded: only whether it is filled in matters
        return list(raw), (dict.fromkeys(cells.blanks(raw), cells.REQUIRED_REASON) if required else {})
    if kind in ("text", "code"):
        return cells.text(raw, required)
    if kind == "int":
        return cells.integer(raw, required, column.min)
    if kind == "money":
        return cells.money(raw, required, scale)
    if kind == "date":
        return cells.date(raw, required, column.date_window(period_end))
    if kind == "bool":
        return cells.boolean(raw, required)
    if kind == "enum":
        return cells.enum(raw, column.values, required)
    validators = {"resident_id": resident_id, "card_number": card_number, "credit_code": credit_code}
    batches = {"resident_id": valid_resident_ids, "card_number": valid_card_numbers}
    return identifiers(raw, validators[kind], required, batches.get(kind))


def value_shown(column: Column, raw: object) -> str | None:
    """What a problem shows of the cell: at most VALUE_SHOWN_MAX characters (a cell may hold
    megabytes), personal values masked."""
    if isinstance(raw, str) and len(raw) > VALUE_SHOWN_MAX:
        if column.is_personal:
            return f"（{len(raw):,} 个字，不显示）"
        # an ID across the cut is masked whole before the cut (18 characters after it suffice)
        return mask_resident_ids_in(cells.to_text(raw[: VALUE_SHOWN_MAX + 18]))[:VALUE_SHOWN_MAX] + "…"
    if cells.is_empty(raw):
        return None
    if column.type == "person_name":
        return "（姓名不显示）"
    if column.is_personal:
        return mask_personal(raw)
    return mask_resident_ids_in(cells.to_text(raw))[:VALUE_SHOWN_MAX]


def _is_blank(row: list | tuple) -> bool:
    return all(cells.is_empty(v) for v in row)


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(
    sheet_title: str,
    rows: list[list],
    source_file: str,
    persons: PersonPseudonymiser,
    cards: Pseudonymiser,
    refuse_reason: str | None = None,
    *,
    merged: list | None = None,
    formulas: set[tuple[int, int]] | None = None,
    hidden: HiddenCells | None = None,
    period_end: dt.date | None = None,
) -> SheetOutcome:
    """`refuse_reason`: set when the workbook's cover is unusable; rows are counted and rejected.
    `merged`: the sheet's merged ranges ((row, col), (row, col)), 0-based; `formulas`: cells
    (row, col), 0-based, holding a formula saved without its result; `hidden`: the rows and
    columns the clerk hid; `period_end`: the cover's, for the latest plausible date."""
    report = SheetReport(source_file, sheet_title, None, rows_read=len(rows))
    problems: list[Problem] = []

    def problem(
        row: int | None, header: str | None, shown: str | None, severity: str, reason: str, column: int | None = None
    ) -> None:
        problems.append(
            Problem(
                source_file, sheet_title, row, header, shown, severity, reason, None if column is None else column + 1
            )
        )

    if all(_is_blank(r) for r in rows):
        report.status, report.rows_blank, report.rows_skipped = "empty", len(rows), len(rows)
        return SheetOutcome(report, problems)
    match = recognise(sheet_title, rows)
    if match is None:
        report.status, report.rows_read = "unrecognised", 0
        problem(
            None,
            None,
            None,
            "warning",
            f"无法识别工作表“{sheet_title}”：表名和表头都对不上报表模板，本表未读取。"
            "如是报表内容，请按模板恢复表名和表头后重新报送",
        )
        return SheetOutcome(report, problems)
    report.sheet_name = match.sheet.name
    header_row = match.row_index + 1
    above = rows[:header_row]
    above_blank = sum(1 for r in above if _is_blank(r))
    report.rows_blank, report.rows_title = above_blank, len(above) - above_blank
    for index, header in match.unmapped:
        if normalise_header(header) not in QUIET_HEADERS:
            problem(
                header_row,
                header,
                None,
                "warning",
                f"表头“{header}”不在报表模板中，该列未读取；如是模板中的列，请改回模板表头",
                index,
            )
    for index, header in match.duplicates:
        problem(
            header_row, header, None, "warning", f"表头“{header}”与前面的列重复，只读取了第一列：请删除重复列", index
        )
    _apply_sheet_unit(match, rows[: match.row_index], problem)
    hidden_mapped = _drop_hidden_columns(match, rows, hidden, problem)
    mapped = [cm.index for cm in match.columns]
    _report_merged(fill_merged_down(rows, merged, header_row, set(mapped)), match, problem)

    data = rows[header_row:]
    # Column-wise from here: transposing in C is far cheaper than indexing cell by cell.
    columns = list(zip(*data, strict=True))
    hidden_rows = {r - header_row for r in hidden.rows if r >= header_row} if hidden else set()
    kinds = classify(
        data, columns, mapped, {cm.index: cm.header for cm in match.columns}, hidden_rows, above, match.sheet.title
    )
    kept = kinds.data
    report.rows_blank += kinds.blank
    report.rows_title += kinds.title
    report.rows_total, report.rows_note, report.rows_hidden = len(kinds.totals), kinds.note, len(kinds.hidden)
    report.rows_skipped = (
        report.rows_blank + report.rows_title + report.rows_total + report.rows_note + report.rows_hidden
    )
    if kinds.hidden:
        problem(
            header_row + 1 + kinds.hidden[0],
            None,
            None,
            "warning",
            hidden_rows_reason([header_row + i for i in kinds.hidden]),
        )
    missing_required = [c for c in match.missing if c.required]
    for column in match.missing:
        severity = "rejected" if column.required else "warning"
        if column.name in hidden_mapped:
            index = hidden_mapped[column.name]
            problem(
                header_row,
                rows[match.row_index][index],
                None,
                severity,
                hidden_column_reason(column, column_letter(index)),
                index,
            )
            continue
        what = "必填列" if column.required else "列"
        tail = "本表各行均未入库，请按模板补上该列后重新报送" if column.required else "该列按空值处理"
        problem(header_row, column.header, None, severity, f"缺少{what}“{column.header}”：{tail}")
    if missing_required or refuse_reason:
        if refuse_reason:
            problem(None, None, None, "rejected", refuse_reason)
        report.rows_rejected = len(kept)
        report.status = "rejected"
        report.check_identity()
        return SheetOutcome(report, problems)
    by_column = columns if len(kept) == len(data) else list(zip(*[data[i] for i in kept], strict=True))
    source_rows = [header_row + 1 + i for i in kept]  # Excel row numbers of the data rows
    formula_at = _formula_positions(formulas, kept, header_row)
    table, values, rejected = _normalise(
        match, by_column, source_rows, formula_at, report, problem, persons, cards, period_end
    )
    raw_headers = {raw: (cm.header, cm.index) for cm in match.columns for raw, _ in cm.column.raw_columns}
    problems.extend(contradicting_rows(match.sheet, table, source_file, sheet_title, raw_headers))
    for index, cm, reason in compare_totals(kinds.totals, data, match.columns, kept, values, rejected):
        problem(header_row + 1 + index, cm.header, None, "warning", reason, cm.index)
    problems.sort(key=lambda p: (p.source_row or 0, p.source_column or 0))
    return SheetOutcome(report, problems, table)


def _report_merged(filled: list[tuple[int, int, int]], match: HeaderMatch, problem) -> None:
    """One warning per column (at its first merged range), however many ranges it has."""
    by_column: dict[int, list[tuple[int, int]]] = {}
    for column, first, last in filled:
        by_column.setdefault(column, []).append((first + 1, last + 1))
    for column, ranges in by_column.items():
        header = next(cm.header for cm in match.columns if cm.index == column)
        listed = "、".join(f"第 {a}–{b} 行" for a, b in ranges[:3]) + ("等" if len(ranges) > 3 else "")
        problem(
            ranges[0][0],
            header,
            None,
            "warning",
            f"“{header}”有 {len(ranges)} 处合并单元格（{listed}），已按合并区域内每行都是同一值读取："
            "如不是此意，请取消合并、逐行填写后重新报送",
            column,
        )


def _drop_hidden_columns(match: HeaderMatch, rows: list[list], hidden: HiddenCells | None, problem) -> dict[str, int]:
    """Hidden columns holding anything are reported in one warning; the schema's columns among
    them are not read (they become missing columns). Returns column name → index of those."""
    if not hidden or not hidden.columns:
        return {}
    header = rows[match.row_index]
    width = len(header)  # calamine's rows all span the used range: a column past it holds nothing
    filled = sorted(c for c in hidden.columns if c < width and any(not cells.is_empty(row[c]) for row in rows))
    if filled:
        named = [(column_letter(c), header[c] if c < len(header) else "") for c in filled]
        problem(match.row_index + 1, None, None, "warning", hidden_columns_reason(named), filled[0])
    dropped = {cm.column.name: cm.index for cm in match.columns if cm.index in hidden.columns}
    match.columns = [cm for cm in match.columns if cm.index not in hidden.columns]
    return dropped


def _apply_sheet_unit(match: HeaderMatch, above: list[list], problem) -> None:
    """A "单位：万元" line above the table scales money columns whose header names no unit; a
    header that names another unit keeps its own, and the clash is pointed out."""
    found = sheet_unit(above)
    money = [cm for cm in match.columns if cm.column.type == "money"]
    if found is None or not money:
        return
    row, col, unit = found
    scale = MONEY_SCALES[unit]
    for position, cm in enumerate(match.columns):
        if cm.column.type != "money":
            continue
        if cm.unit is None:
            match.columns[position] = replace(cm, scale=scale, unit=unit)
        elif MONEY_SCALES.get(cm.unit, 1) != scale:
            problem(
                row + 1,
                cm.header,
                None,
                "warning",
                f"表上方写明“单位：{unit}”，但表头“{cm.header}”写的是{cm.unit}：已按表头的{cm.unit}读取，"
                "如不对请统一单位后重新报送",
                col,
            )


def _formula_positions(formulas: set[tuple[int, int]] | None, kept: list[int], header_row: int) -> dict[int, list[int]]:
    """Column → positions (in `kept` order) of data cells that are formulas without a result."""
    if not formulas:
        return {}
    at_row = {header_row + i: p for p, i in enumerate(kept)}
    out: dict[int, list[int]] = {}
    for r, c in sorted(formulas):
        if r in at_row:
            out.setdefault(c, []).append(at_row[r])
    return out


def _normalise(
    match: HeaderMatch,
    by_column: list[tuple],
    source_rows: list[int],
    formula_at: dict[int, list[int]],
    report: SheetReport,
    problem,
    persons: PersonPseudonymiser,
    cards: Pseudonymiser,
    period_end: dt.date | None,
) -> tuple[pa.Table, dict[str, list], set[int]]:
    """Every mapped column normalised at once; a row with any invalid cell is dropped whole and
    each of its problems recorded; the accepted rows become the Arrow table. Also returns the
    normalised values of every kept row and the positions rejected (for the total check)."""
    values: dict[str, list] = {}
    rejected: set[int] = set()
    for cm in match.columns:
        raw = by_column[cm.index] if by_column else ()
        out, errors = normalise_column(cm.column, raw, cm.scale, period_end)
        for position in formula_at.get(cm.index, ()):
            errors[position] = FORMULA_REASON  # read as empty by calamine: never as 0 or blank
        values[cm.column.name] = out
        for position, reason in errors.items():
            rejected.add(position)
            problem(
                source_rows[position], cm.header, value_shown(cm.column, raw[position]), "rejected", reason, cm.index
            )
    kept_values = values
    if rejected:
        accepted = [p for p in range(len(source_rows)) if p not in rejected]
        values = {name: [col[p] for p in accepted] for name, col in values.items()}
        source_rows = [source_rows[p] for p in accepted]
    report.rows_loaded, report.rows_rejected = len(source_rows), len(rejected)
    report.check_identity()
    return build_table(match.sheet, values, source_rows, persons, cards), kept_values, rejected
