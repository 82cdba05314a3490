"""The raw tables as Parquet files: the one hand-over from ingest to the engine that builds the
models (DuckDB through dbt-duckdb's external sources here, Spark on a cluster), and the one owner
of where those files lie and how a reader finds them. Nothing else spells these paths.

    <root>/<table>/period=<YYYYMMDD>-<YYYYMMDD>/unit=<unit code>/<part>.parquet   a sheet's rows
    <root>/submissions/submissions.parquet           raw.submissions (likewise ingest_sheets,
                                                     ingest_problems: one file each)
    <root>/_ingest.json                              written last by ingest: the files are whole

`root` is the folder `raw` beside the run's warehouse (`root_of`). A sheet's rows are partitioned
by the period and unit of the return's cover; each return file has its own part (a unit's current
and replaced returns all stay, as in raw.*), named by the file's name and bytes (`part_name`).
Every column of raw.<table> is inside the files, lineage included (`loaded_at`: when the part was
written); the folder names `period=` and `unit=` are no column's name, so an engine that turns
partition folders into columns (Spark) adds `period` and `unit` beside them, and DuckDB is told
not to (`hive_partitioning = false`). A table no return filled has one part without rows,
`period=none/unit=none/empty.parquet`: its columns are known and a reader always finds a file.
`_ingest.json` and a part being written (`.tmp-…`) are read by neither engine: Spark skips names
starting with `_` or `.`, the glob (`table_glob`) takes `*.parquet` only.
Parts hold what raw.* holds: pseudonyms, never an ID number or a name."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from domain.schema import sheets
from domain.warehouse import sql_string

ROOT_NAME = "raw"  # the folder beside the warehouse
ROOT_ENV = "SHUSHUO_RAW_PARQUET"  # where dbt's sources find the root (models/staging/__sources.yml)
DONE_FILE = "_ingest.json"
EMPTY_PARTITION = "none"
EMPTY_PART = "empty.parquet"
UNPARTITIONED = ("submissions", "ingest_sheets", "ingest_problems")
TEMP_PREFIX = ".tmp-"

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "SMALLINT": pa.int16(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def root_of(warehouse: Path) -> Path:
    """The Parquet root of a warehouse: the folder `raw` beside it."""
    return Path(warehouse).parent / ROOT_NAME


def table_dir(root: Path, table: str) -> Path:
    """A raw table's folder: what an engine that reads folders recursively (Spark) is given."""
    return root / table


def table_glob(root: Path | str, table: str) -> str:
    """Every Parquet file of a raw table, as a glob DuckDB reads (`**`: any depth, none included)."""
    return f"{Path(root).as_posix()}/{table}/**/*.parquet"


def read_sql(root: Path | str, table: str, *, by_name: bool = True) -> str:
    """A DuckDB table function reading a raw table's files, columns matched by name (`by_name`;
    without, by position: every part written here has the table's columns in order, and DuckDB
    then need not read every file's footer before the rows)."""
    glob = sql_string(table_glob(root, table))
    return f"read_parquet({glob}, hive_partitioning = false{', union_by_name = true' if by_name else ''})"


def dbt_external_location() -> str:
    """dbt-duckdb's `meta.external_location` for the raw source (models/staging/__sources.yml):
    dbt renders the env_var (the root; relative to the warehouse's folder, where dbt_runner runs
    dbt) and dbt-duckdb fills `{name}` with each table's name."""
    root = "{{ env_var('" + ROOT_ENV + "', '" + ROOT_NAME + "') }}"
    return f"read_parquet('{root}/{{name}}/**/*.parquet', hive_partitioning = false, union_by_name = true)"


def _segment(value: object) -> str:
    """A partition value as a folder name: codes as they are, anything else percent-encoded."""
    text = EMPTY_PARTITION if value is None else str(value)
    if _SAFE.fullmatch(text):
        return text
    return "".join(c if _SAFE.fullmatch(c) else "".join(f"%{b:02X}" for b in c.encode()) for c in text)


def _day(value: dt.date | str | None) -> str:
    if value is None:
        return EMPTY_PARTITION
    return (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))).strftime("%Y%m%d")


def partition(period_start: dt.date | None, period_end: dt.date | None, unit_code: str | None) -> str:
    """`period=<YYYYMMDD>-<YYYYMMDD>/unit=<unit code>`."""
    period = f"{_day(period_start)}-{_day(period_end)}"
    if period_start is None and period_end is None:
        period = EMPTY_PARTITION
    return f"period={period}/unit={_segment(unit_code)}"


def part_name(source_file: str, file_sha256: str) -> str:
    """A return's part: named by the file's name in the input folder and its bytes, so two files
    of a unit (current, replaced) never share a part and a changed file gets a new one."""
    return hashlib.sha256(f"{source_file}\0{file_sha256}".encode()).hexdigest()[:20] + ".parquet"


def part_path(
    root: Path,
    table: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    unit_code: str | None,
    source_file: str,
    file_sha256: str,
) -> Path:
    return table_dir(root, table) / partition(period_start, period_end, unit_code) / part_name(source_file, file_sha256)


def table_file(root: Path, table: str) -> Path:
    """The one file of an unpartitioned table (raw.submissions, raw.ingest_sheets, raw.ingest_problems)."""
    return table_dir(root, table) / f"{table}.parquet"


def arrow_schema(columns: list[tuple[str, str]]) -> pa.Schema:
    """The Arrow schema of a raw table's columns (name, DuckDB type): every part alike."""
    fields = []
    for name, kind in columns:
        decimal = _DECIMAL.fullmatch(kind)
        arrow_type = pa.decimal128(int(decimal[1]), int(decimal[2])) if decimal else _ARROW_TYPES[kind]
        fields.append(pa.field(name, arrow_type))
    return pa.schema(fields)


def write_part(table: pa.Table, columns: list[tuple[str, str]], path: Path, loaded_at: dt.datetime) -> Path:
    """Write a sheet's rows (its columns and lineage; `loaded_at` added when absent) as the part at
    `path`, with exactly the raw table's columns and types. Written beside and renamed, so a
    reader never sees half a file."""
    if "loaded_at" not in table.column_names:
        loaded: Any = pa.scalar(loaded_at, pa.timestamp("us"))
        table = table.append_column("loaded_at", pa.repeat(loaded, table.num_rows))
    schema = arrow_schema(columns)
    table = table.select(schema.names).cast(schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{path.stem}.tmp")  # no reader's glob matches it
    pq.write_table(table, tmp)
    tmp.replace(path)
    return path


def link_part(source: Path, path: Path) -> Path:
    """Put a part written before (the ingest cache's) at `path`: a hard link, so an unchanged
    return costs no bytes and no writing; a copy where the file system cannot link."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    try:
        os.link(source, path)
    except OSError:
        shutil.copyfile(source, path)
    return path


def start(root: Path) -> None:
    """An empty root: a rerun into the same folder starts from no files."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)


def sheet_tables() -> dict[str, list[tuple[str, str]]]:
    """The partitioned raw tables (one per sheet of the schema) and their columns."""
    return {sheet.name: sheet.raw_columns for sheet in sheets()}


def has_parts(root: Path, table: str) -> bool:
    folder = table_dir(root, table)
    return next(folder.rglob("*.parquet"), None) is not None


def write_empty(root: Path, table: str, columns: list[tuple[str, str]]) -> None:
    """The part without rows of a table no return filled."""
    path = table_dir(root, table) / partition(None, None, None) / EMPTY_PART
    write_part(arrow_schema(columns).empty_table(), columns, path, dt.datetime.now())


def fill_empty(root: Path, tables: set[str] | None = None) -> None:
    """An empty part for every sheet's table (of `tables`, if given) that has no file."""
    for table, columns in sheet_tables().items():
        if (tables is None or table in tables) and not has_parts(root, table):
            write_empty(root, table, columns)


def mark_whole(root: Path, **facts: object) -> None:
    """Ingest wrote every file of the root (DONE_FILE, with `facts`): readers may use it."""
    (root / DONE_FILE).write_text(json.dumps(facts, ensure_ascii=False, default=str), encoding="utf-8")


def is_whole(root: Path) -> bool:
    """Whether ingest wrote this root to the end (a root exported from a warehouse is not: it is
    written again from the warehouse before each use)."""
    return (root / DONE_FILE).is_file()


def copy_table(con: duckdb.DuckDBPyConnection, root: Path, table: str) -> None:
    """An unpartitioned raw table (raw.submissions, …) written from the warehouse as its one file."""
    path = table_file(root, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f'copy (select * from raw."{table}") to {sql_string(path.as_posix())} (format parquet)')


def load_table(con: duckdb.DuckDBPyConnection, root: Path, table: str, columns: list[tuple[str, str]]) -> None:
    """raw.<table> (created before, empty) filled from its files, in one statement."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    con.execute(f'insert into raw."{table}" ({names}) select {names} from {read_sql(root, table, by_name=False)}')


def written_root(warehouse: Path) -> Path:
    """The Parquet root of a warehouse, for a reader of its raw tables (dbt's sources, the raw
    checks beside dbt): ingest's when it wrote it whole; for a warehouse whose raw.* was filled
    another way (the tests' hand-made warehouses) written from raw.* now, again before every
    use, so it is never older than the tables."""
    root = root_of(warehouse)
    return root if is_whole(root) else export_warehouse(warehouse)


def export_warehouse(warehouse: Path) -> Path:
    """The Parquet root written from a warehouse's raw.* tables, for a warehouse filled without
    ingest (the tests' hand-made ones): one part per table, period, unit and file, as ingest
    writes them. Returns the root."""
    root = root_of(warehouse)
    start(root)
    with duckdb.connect(str(warehouse)) as con:
        listed = con.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
        present = {name for (name,) in listed}
        for table in (t for t in UNPARTITIONED if t in present):
            copy_table(con, root, table)
        for table, columns in sheet_tables().items():
            if table not in present:
                continue
            rows = con.sql(f'select * from raw."{table}"').to_arrow_table()
            keys = ["period_start", "period_end", "unit_code", "source_file", "file_sha256"]
            groups = rows.select(keys).group_by(keys, use_threads=False).aggregate([]).to_pylist()
            for group in groups:
                mask = None
                for name in keys:
                    value = group[name]
                    test = rows[name].is_null() if value is None else pc.equal(rows[name], value)
                    mask = test if mask is None else pc.and_(mask, test)
                path = part_path(
                    root,
                    table,
                    group["period_start"],
                    group["period_end"],
                    group["unit_code"],
                    group["source_file"] or "",
                    group["file_sha256"] or "",
                )
                write_part(rows.filter(mask), columns, path, dt.datetime.now())
    fill_empty(root, present)  # a table the warehouse lacks stays without files: its readers fail, naming it
    return root
