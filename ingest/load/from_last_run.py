"""raw.* of a run started from the last run's warehouse, loading only the returns that changed.

After one unit resubmits, every other return's parts are the files the last run loaded: hard
links of the ingest cache's (ingest/load/cache.py), linked again into this run's Parquet root.
Loading them all again from Parquet was most of such a rerun's ingest (2.8 of 5 s at ×1, 17 s at
×10). So the run's warehouse starts as a copy of the last run's, without anything built from
raw.* (every other schema is dropped: dbt, the checks and the reports make theirs again). In each
raw.<table> the rows of a return whose part is the very file the last run loaded (the same
inode: a part is never changed once written, ingest/load/raw_layout.py) stay, every other row is
deleted, and the parts that are new are inserted. raw.submissions, raw.ingest_sheets and
raw.ingest_problems are made from this run's report, as in a full load (ingest/load/raw_tables.py).

The rows are the same as a full load's (tests/test_load_from_last_run.py compares them), in
another order; the readers of raw.* order what they show (the GE checks read rows in the
returns' order, checks/raw_validation.py).

A full load is done instead (`plan` says None) when none of this run's returns are the last
run's, or when the last run's folder was not written whole by ingest, its warehouse was not
closed cleanly (a .wal beside it) or cannot be read, or its raw tables' columns are not the
schema's."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from domain.schema import sheets
from domain.warehouse import sql_string
from ingest.load import raw_layout
from ingest.load.raw_tables import insert_report, replace_report_tables
from ingest.report import IngestReport

KEPT_SCHEMAS = ("raw",)
KEPT_RETURNS = pa.schema([("raw_table", pa.string()), ("source_file", pa.string()), ("file_sha256", pa.string())])


@dataclass
class Plan:
    """Which returns' rows a run keeps from the last run's warehouse, and which parts it loads."""

    last_warehouse: Path
    kept: dict[str, list[tuple[str, str]]]  # raw table → (source_file, file_sha256) of the returns kept
    new: dict[str, list[Path]]  # raw table → the parts to load
    returns_with_new_parts: set[tuple[str, str]] = field(default_factory=set)  # (source_file, file_sha256)

    @property
    def parts_kept(self) -> int:
        return sum(len(returns) for returns in self.kept.values())

    @property
    def parts_loaded(self) -> int:
        return sum(len(parts) for parts in self.new.values())

    @property
    def returns_kept(self) -> int:
        """Returns none of whose rows is loaded again (every part of theirs kept)."""
        kept = {of_return for returns in self.kept.values() for of_return in returns}
        return len(kept - self.returns_with_new_parts)


def plan(last_warehouse: Path | None, root: Path, report: IngestReport) -> Plan | None:
    """What to keep and load when starting from `last_warehouse`; None when it cannot be started
    from, or when it has none of this run's returns (a full load is as fast and leaves no deleted
    rows in the file)."""
    if last_warehouse is None or not _usable(Path(last_warehouse)):
        return None
    last_root = raw_layout.root_of(Path(last_warehouse))
    found = Plan(Path(last_warehouse), {}, {})
    for table in raw_layout.sheet_tables():
        found.kept[table], found.new[table] = _parts(root, last_root, table, report, found.returns_with_new_parts)
    return found if found.parts_kept else None


def start_from(found: Plan, warehouse: Path) -> None:
    """`warehouse` (replaced) as a copy of the last run's."""
    Path(warehouse).unlink(missing_ok=True)
    shutil.copyfile(found.last_warehouse, warehouse)


def _usable(last_warehouse: Path) -> bool:
    if not last_warehouse.is_file() or last_warehouse.with_name(last_warehouse.name + ".wal").exists():
        return False
    if not raw_layout.is_whole(raw_layout.root_of(last_warehouse)):
        return False
    try:
        with duckdb.connect(str(last_warehouse), read_only=True) as con:
            found = _raw_columns(con)
    except duckdb.Error:
        return False
    return all(found.get(sheet.name) == _normal(sheet.raw_columns) for sheet in sheets())


def _raw_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Each raw table's (column, type), in order (one query: see load_changed on the GIL)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table, name, kind in con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'raw' order by table_name, column_index"
    ).fetchall():
        found.setdefault(table, []).append((name, kind))
    return {table: _normal(columns) for table, columns in found.items()}


def _normal(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, kind.replace(" ", "").upper()) for name, kind in columns]


def load_changed(con: duckdb.DuckDBPyConnection, found: Plan, root: Path, report: IngestReport) -> None:
    """raw.* of the copied warehouse (start_from) brought to this run's parts under `root`, as
    `found` planned. Inside the caller's transaction."""
    _drop_derived(con)
    # Every table's kept returns handed to DuckDB at once: a statement per row (executemany) was
    # most of a rerun's load at ×1 (1.6 s for 472 rows), each waiting for the GIL while the later
    # stages are imported in a thread (shushuo/later_imports.py).
    kept = [(table, *of_return) for table, returns in found.kept.items() for of_return in returns]
    by_column = {name: [row[i] for row in kept] for i, name in enumerate(KEPT_RETURNS.names)}
    con.register("kept_returns", pa.table(by_column, schema=KEPT_RETURNS))
    for table, columns in raw_layout.sheet_tables().items():
        con.execute(
            f'delete from raw."{table}" as t where not exists (select 1 from kept_returns as k '
            "where k.raw_table = ? and k.source_file = t.source_file and k.file_sha256 = t.file_sha256)",
            [table],
        )
        if found.new[table]:
            names = ", ".join(f'"{name}"' for name, _ in columns)
            files = ", ".join(sql_string(p.as_posix()) for p in found.new[table])
            con.execute(
                f'insert into raw."{table}" ({names}) select {names} '
                f"from read_parquet([{files}], hive_partitioning = false)"
            )
    con.unregister("kept_returns")
    replace_report_tables(con)
    insert_report(con, report)
    for table in raw_layout.UNPARTITIONED:
        raw_layout.copy_table(con, root, table)


def _parts(
    root: Path, last_root: Path, table: str, report: IngestReport, loaded: set[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[Path]]:
    """(the returns whose part in `root` is the file the last run loaded, the parts to load); the
    returns of the parts to load are added to `loaded`."""
    kept: list[tuple[str, str]] = []
    new: list[Path] = []
    for s in report.submissions:
        where = (table, s["period_start"], s["period_end"], s["unit_code"], s["source_file"], s["file_sha256"])
        part = raw_layout.part_path(root, *where)
        if not part.is_file():
            continue  # the return has no rows of this table
        before = raw_layout.part_path(last_root, *where)
        if before.is_file() and os.path.samefile(part, before):
            kept.append((s["source_file"], s["file_sha256"]))
        else:
            new.append(part)
            loaded.add((s["source_file"], s["file_sha256"]))
    return kept, new


def _drop_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Every schema but raw (what dbt, the checks and the reports built), and anything in main."""
    here = "database_name = current_database()"
    for (schema,) in con.execute(f"select schema_name from duckdb_schemas() where {here} and not internal").fetchall():
        if schema not in (*KEPT_SCHEMAS, "main"):
            con.execute(f'drop schema "{schema}" cascade')
    in_main = f"{here} and schema_name = 'main'"
    for (name,) in con.execute(f"select view_name from duckdb_views() where {in_main} and not internal").fetchall():
        con.execute(f'drop view main."{name}"')
    for (name,) in con.execute(f"select table_name from duckdb_tables() where {in_main}").fetchall():
        con.execute(f'drop table main."{name}"')
