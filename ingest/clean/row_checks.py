"""Rows that contradict their own sheet's definition (schema.yaml `row_checks`): a 两癌筛查 card
whose recipient's ID shows a man. The row is loaded, since the clerk may know better; the model of
the figure leaves it out by the same condition, and the unit is asked to check it (请核对)."""

from __future__ import annotations

from typing import cast

import pyarrow as pa
import pyarrow.compute as pc

from domain.schema import Sheet
from ingest.report import Problem


def _matches(table: pa.Table, pairs: tuple[tuple[str, str], ...]) -> pa.ChunkedArray:
    mask: pa.ChunkedArray | None = None
    for column, value in pairs:
        # pyarrow-stubs do not follow pc.equal's overloads for a column and a scalar
        compared = cast(pa.ChunkedArray, pc.equal(table[column], pa.scalar(value)))
        equal = cast(pa.ChunkedArray, pc.fill_null(compared, pa.scalar(False)))
        mask = equal if mask is None else cast(pa.ChunkedArray, pc.and_(mask, equal))
    assert mask is not None, "a row check names at least one column"
    return mask


def contradicting_rows(
    sheet: Sheet, table: pa.Table, source_file: str, sheet_title: str, header_of: dict[str, tuple[str, int]]
) -> list[Problem]:
    """One 请核对 problem per row that breaks a row check, at the column the expectation is about
    (`header_of`: raw column → (the header as written, 0-based column index))."""
    problems: list[Problem] = []
    for check in sheet.row_checks:
        if any(column not in table.column_names for column, _ in (*check.when, *check.expect)):
            continue
        broken = pc.and_(_matches(table, check.when), pc.invert(_matches(table, check.expect)))
        rows = table.filter(broken)["source_row"].to_pylist()
        header, index = header_of.get(check.expect[0][0], (None, None))
        problems.extend(
            Problem(
                source_file,
                sheet_title,
                row,
                header,
                None,
                "warning",
                check.reason,
                None if index is None else index + 1,
            )
            for row in rows
        )
    return problems
