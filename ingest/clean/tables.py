"""From normalised columns to the Arrow table a raw table is bulk-loaded from: the sheet's own
raw columns (schema.Sheet.raw_columns without lineage) plus source_row. Personal columns become
their derived columns here; the ID number itself is not put into the table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from domain.schema import Column, Sheet, lineage_columns
from ingest.clean.pseudonymise import PersonPseudonymiser, Pseudonymiser

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "SMALLINT": pa.int16(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
}
MONEY_TYPE = pa.decimal128(18, 2)


def money_array(cents: list) -> pa.Array:
    """Whole cents → DECIMAL(18,2) exactly: a decimal's storage is its unscaled integer, so the
    cents, as a scale-0 decimal, are viewed with scale 2 (no float ever touches the amount)."""
    return pa.array(cents, pa.int64()).cast(pa.decimal128(19, 0)).view(MONEY_TYPE)


def with_lineage(table: pa.Table, constants: dict[str, object]) -> pa.Table:
    """The file's lineage (unit, period, file, hash, sheet) as constant columns, so that the
    loader can insert the rows of many files in one statement. source_row is already there;
    loaded_at is the run's, added at load."""
    n = table.num_rows
    for name, warehouse_type in lineage_columns():
        if name not in constants:
            continue
        value = constants[name]
        if warehouse_type == "VARCHAR" and value is not None:
            # one dictionary entry and n zero indices: DuckDB loads this far faster than n copies
            column: pa.Array = pa.DictionaryArray.from_arrays(np.zeros(n, dtype=np.int32), pa.array([value]))
        else:
            # pyarrow-stubs type pa.repeat's scalar by its Python value, which is any of the columns' here
            constant: Any = pa.scalar(value, ARROW_TYPES[warehouse_type])
            column = pa.repeat(constant, n)
        table = table.append_column(name, column)
    return table


def own_columns(sheet: Sheet) -> list[tuple[str, str]]:
    """The raw columns a sheet's data fills (lineage excluded)."""
    return [rc for c in sheet.columns for rc in c.raw_columns]


def build_table(
    sheet: Sheet,
    values: dict[str, list],
    source_rows: list[int],
    persons: PersonPseudonymiser,
    cards: Pseudonymiser,
) -> pa.Table:
    """`values`: canonical column name → normalised values of the kept rows (a column the sheet
    lacks may be absent: it loads as NULL)."""
    n = len(source_rows)
    arrays: dict[str, pa.Array] = {}
    for column in sheet.columns:
        column_values = values.get(column.name)
        if column_values is None:
            column_values = [None] * n
        arrays.update(_raw_arrays(column, column_values, persons, cards))
    arrays["source_row"] = pa.array(source_rows, pa.int64())
    return pa.table(arrays)


def _raw_arrays(
    column: Column, values: list, persons: PersonPseudonymiser, cards: Pseudonymiser
) -> dict[str, pa.Array]:
    name = column.name
    if column.type == "person_name":
        return {}
    if column.type == "resident_id":
        keys, years, sexes = persons.derived_columns(values)
        return {
            f"{name}_key": pa.array(keys, pa.string()),
            f"{name}_birth_year": pa.array(years, pa.int16()),
            f"{name}_sex": pa.array(sexes, pa.string()),
        }
    if column.type == "card_number":
        return {f"{name}_key": pa.array(cards.column(values), pa.string())}
    if column.type == "money":
        return {name: money_array(values)}
    ((raw_name, warehouse_type),) = column.raw_columns
    return {raw_name: pa.array(values, ARROW_TYPES[warehouse_type])}
