"""合计/总计/小计 rows are not data, but they are the clerk's own check of the data: each number
in a total row is compared with the sum of the rows that were loaded, and a difference is
reported (a warning: the detail rows are what is counted, the total only points at a mistake)."""

from __future__ import annotations

from decimal import Decimal

from ingest.clean import cells
from ingest.read.headers import ColumnMatch

SUMMED_TYPES = ("int", "money")


def _parse(cm: ColumnMatch, raw: object) -> int | None:
    """The total row's cell in the column's own unit (cents for money), or None if it is blank
    or not a number (a dash, 共5人…): such a cell is not compared."""
    if cells.is_empty(raw):
        return None
    if cm.column.type == "money":
        values, errors = cells.money([raw], scale=cm.scale)
    else:
        values, errors = cells.integer([raw], minimum=-(2**62))
    return None if errors else values[0]


def _shown(cm: ColumnMatch, value: int) -> str:
    if cm.column.type != "money":
        return str(value)
    amount = Decimal(value) / (100 * cm.scale)
    return f"{amount:,.2f}" if cm.scale == 1 else f"{amount.normalize():,f}"


def compare_totals(
    totals: list[tuple[int, str]],
    data_rows: list[list],
    columns: list[ColumnMatch],
    kept: list[int],
    values: dict[str, list],
    rejected: set[int],
) -> list[tuple[int, ColumnMatch, str]]:
    """(data-row index of the total row, column, reason) for every number in a total row that
    differs from the sum of the loaded rows it covers: a 小计 the rows since the previous 小计,
    a 合计/总计 every row above it. `kept`/`values`/`rejected`: the data rows' indexes, their
    normalised values by column name (in `kept` order) and the positions rejected."""
    found: list[tuple[int, ColumnMatch, str]] = []
    summed = [cm for cm in columns if cm.column.type in SUMMED_TYPES]
    if not summed:
        return found
    group_start = 0
    for index, label in totals:
        first = group_start if label == "小计" else 0
        positions = [p for p, i in enumerate(kept) if first <= i < index]
        loaded = [p for p in positions if p not in rejected]
        left_out = len(positions) - len(loaded)
        for cm in summed:
            stated = _parse(cm, data_rows[index][cm.index] if cm.index < len(data_rows[index]) else "")
            if stated is None:
                continue
            column_values = values.get(cm.column.name, [])
            total = sum(column_values[p] or 0 for p in loaded)
            if total == stated:
                continue
            reason = (
                f"{label}行“{cm.header}”为 {_shown(cm, stated)}，其上已入库的 {len(loaded)} 行相加为 "
                f"{_shown(cm, total)}"
            )
            if left_out:
                reason += f"（另有 {left_out} 行被拒收，未计入；改正后请再核对）"
            found.append((index, cm, reason + f"：请核对{label}数或明细后重新报送"))
        if label == "小计":
            group_start = index + 1
    return found
