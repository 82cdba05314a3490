"""One return sheet: rows (as python-calamine gives them) → an Arrow table of accepted rows, the
counts, and the problems. Rows are classified (blank, total, data), then each mapped column is
normalised at once; a row with any invalid cell is rejected whole and every problem is kept."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ingest import cells
from ingest.headers import HeaderMatch, normalise_header, recognise
from ingest.id_batches import valid_card_numbers, valid_resident_ids
from ingest.pseudonymise import PersonPseudonymiser, Pseudonymiser
from ingest.report import Problem, SheetReport
from ingest.schema import Column
from ingest.tables import build_table
from ingest.validators import card_number, credit_code, mask_personal, resident_id

TOTAL_WORDS = frozenset(
    f"{word}{sep}{tail}"
    for base in ("合计", "总计", "小计")
    for word in (base, f"{base[0]} {base[1]}", f"{base[0]}\u3000{base[1]}")
    for sep in ("", " ", "\u3000")
    for tail in ("", ":", "：")
)
VALUE_SHOWN_MAX = 60
QUIET_HEADERS = frozenset({"序号", "编号", "No.", "NO."})  # clerks add a row number column; not worth a warning


@dataclass
class SheetOutcome:
    report: SheetReport
    problems: list[Problem]
    table: pa.Table | None = None


def normalise_column(column: Column, raw: list, scale: int) -> tuple[list, dict[int, str]]:
    kind, required = column.type, column.required
    if kind == "person_name":  # never loaded: only whether it is filled in matters
        return raw, (dict.fromkeys(cells.blanks(raw), cells.REQUIRED_REASON) if required else {})
    if kind in ("text", "code"):
        return cells.text(raw, required)
    if kind == "int":
        return cells.integer(raw, required, column.min)
    if kind == "money":
        return cells.money(raw, required, scale)
    if kind == "date":
        return cells.date(raw, required)
    if kind == "bool":
        return cells.boolean(raw, required)
    if kind == "enum":
        return cells.enum(raw, column.values, required)
    validators = {"resident_id": resident_id, "card_number": card_number, "credit_code": credit_code}
    batches = {"resident_id": valid_resident_ids, "card_number": valid_card_numbers}
    return cells.identifiers(raw, validators[kind], required, batches.get(kind))


def value_shown(column: Column, raw: object) -> str | None:
    if cells.is_empty(raw):
        return None
    if column.type == "person_name":
        return "（姓名不显示）"
    if column.is_personal:
        return mask_personal(raw)
    return cells.to_text(raw)[:VALUE_SHOWN_MAX]


def _is_blank(row: list | tuple) -> bool:
    return all(cells.is_empty(v) for v in row)


def classify(data: list[list], columns: list[tuple], mapped: list[int]) -> tuple[list[int], int]:
    """Indexes of data rows, and how many rows were skipped: blank in every mapped column (a
    pre-filled 序号 alone does not make a row), or a 合计/总计/小计 row. `columns`: the same cells
    column by column; `mapped`: the indexes of the columns the schema knows."""
    # Fast test first: a row with fewer than len(mapped) - 2 empty cells (calamine gives '')
    # has filled mapped cells beyond the odd stray space; only the others are looked at cell by cell.
    sure = len(mapped) - 2
    kept = [
        i for i, row in enumerate(data)
        if row.count("") < sure or not _is_blank([row[j] for j in mapped])
    ]
    # A total row has its label in some column: look column by column (a few C calls), and
    # row by row only in a column that holds one.
    totals: set[int] = set()
    for column in columns:
        if not TOTAL_WORDS.isdisjoint(column):
            totals.update(i for i, v in enumerate(column) if v in TOTAL_WORDS)
    if totals:
        kept = [i for i in kept if i not in totals]
    return kept, len(data) - len(kept)


def read_sheet(
    sheet_title: str,
    rows: list[list],
    source_file: str,
    persons: PersonPseudonymiser,
    cards: Pseudonymiser,
    refuse_reason: str | None = None,
) -> SheetOutcome:
    """`refuse_reason`: set when the workbook's cover is unusable; rows are counted and rejected."""
    report = SheetReport(source_file, sheet_title, None)
    problems: list[Problem] = []

    def problem(row: int | None, header: str | None, shown: str | None, severity: str, reason: str) -> None:
        problems.append(Problem(source_file, sheet_title, row, header, shown, severity, reason))

    if all(_is_blank(r) for r in rows):
        report.status = "empty"
        return SheetOutcome(report, problems)
    match = recognise(sheet_title, rows)
    if match is None:
        report.status = "unrecognised"
        problem(None, None, None, "warning",
                f"无法识别工作表“{sheet_title}”：表名和表头都对不上报表模板，本表未读取。"
                "如是报表内容，请按模板恢复表名和表头后重新报送")
        return SheetOutcome(report, problems)
    report.sheet_name = match.sheet.name
    header_row = match.row_index + 1
    for index, header in match.unmapped:
        if normalise_header(header) not in QUIET_HEADERS:
            problem(header_row, header, None, "warning", f"表头“{header}”不在报表模板中，该列未读取；如是模板中的列，请改回模板表头")
    for index, header in match.duplicates:
        problem(header_row, header, None, "warning", f"表头“{header}”与前面的列重复，只读取了第一列：请删除重复列")

    data = rows[match.row_index + 1:]
    # Column-wise from here: transposing in C is far cheaper than indexing cell by cell.
    columns = list(zip(*data))
    kept, skipped = classify(data, columns, [cm.index for cm in match.columns])
    report.rows_read, report.rows_skipped = len(data), skipped
    missing_required = [c for c in match.missing if c.required]
    for column in match.missing:
        severity = "rejected" if column.required else "warning"
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
    by_column = columns if len(kept) == len(data) else list(zip(*[data[i] for i in kept]))
    source_rows = [match.row_index + 2 + i for i in kept]  # Excel row numbers of the data rows
    table = _normalise(match, by_column, source_rows, report, problem, persons, cards)
    problems.sort(key=lambda p: p.source_row or 0)
    return SheetOutcome(report, problems, table)


def _normalise(match: HeaderMatch, by_column: list[tuple], source_rows: list[int], report: SheetReport,
               problem, persons: PersonPseudonymiser, cards: Pseudonymiser) -> pa.Table:
    """Every mapped column normalised at once; a row with any invalid cell is dropped whole and
    each of its problems recorded; the accepted rows become the Arrow table."""
    values: dict[str, list] = {}
    rejected: set[int] = set()
    for cm in match.columns:
        raw = by_column[cm.index] if by_column else ()
        out, errors = normalise_column(cm.column, raw, cm.scale)
        values[cm.column.name] = out
        for position, reason in errors.items():
            rejected.add(position)
            problem(source_rows[position], cm.header, value_shown(cm.column, raw[position]), "rejected", reason)
    if rejected:
        accepted = [p for p in range(len(source_rows)) if p not in rejected]
        values = {name: [col[p] for p in accepted] for name, col in values.items()}
        source_rows = [source_rows[p] for p in accepted]
    report.rows_loaded, report.rows_rejected = len(source_rows), len(rejected)
    report.check_identity()
    return build_table(match.sheet, values, source_rows, persons, cards)
