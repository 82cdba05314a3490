"""The raw tables as Parquet (ingest/load/raw_layout.py): the files a run hands to dbt hold exactly
raw.*, laid out by period and unit, one part per return file; a rerun after one changed return
writes that return's part only and links every other one from the ingest cache."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from domain.schema import sheets, units
from ingest.clean.pseudonymise import load_key
from ingest.load import raw_layout
from ingest.load.cache import IngestCache
from ingest.run import ingest

PART = re.compile(r"period=(\d{8})-(\d{8})/unit=([A-Za-z0-9_-]+)/[0-9a-f]{20}\.parquet")


def parts(root: Path) -> dict[str, os.stat_result]:
    """Every part of a sheet's table under root (relative path → its stat), the empty ones aside."""
    return {
        p.relative_to(root).as_posix(): p.stat()
        for p in sorted(root.rglob("*.parquet"))
        if p.name != raw_layout.EMPTY_PART and len(p.relative_to(root).parts) == 4  # table/period/unit/part
    }


def differ(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows in one and not the other, counting duplicates."""
    return con.execute(
        f"select count(*) from ((from {left} except all from {right}) union all (from {right} except all from {left}))"
    ).fetchone()[0]


def test_a_runs_parquet_files_hold_exactly_its_raw_tables(small_run):
    warehouse = small_run.run_dir / "warehouse.duckdb"
    root = raw_layout.root_of(warehouse)
    assert raw_layout.is_whole(root)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in [*raw_layout.UNPARTITIONED, *(s.name for s in sheets())]:
            files = raw_layout.read_sql(root, table)
            columns = [r[0] for r in con.execute(f"describe raw.{table}").fetchall()]
            assert [r[0] for r in con.execute(f"describe select * from {files}").fetchall()] == columns, table
            assert table == "ingest_problems" or con.execute(f"select count(*) from raw.{table}").fetchone()[0], table
            assert differ(con, f"raw.{table}", files) == 0, table


def test_each_part_is_one_return_of_its_period_and_unit(small_run):
    root = small_run.run_dir / raw_layout.ROOT_NAME
    found = parts(root)
    codes = {u.code for u in units()}
    assert len(found) > len(codes)
    with duckdb.connect() as con:
        for relative in found:
            partition = relative.split("/", 1)[1]
            match = PART.fullmatch(partition)
            assert match, relative
            start, end, unit = match.groups()
            assert unit in codes
            ((units_in, periods, files, sha),) = con.execute(
                "select list(distinct unit_code), list(distinct strftime(period_start, '%Y%m%d') || '-' || "
                "strftime(period_end, '%Y%m%d')), list(distinct source_file), any_value(file_sha256) "
                "from read_parquet(?)",
                [str(root / relative)],
            ).fetchall()
            assert units_in == [unit] and periods == [f"{start}-{end}"] and len(files) == 1, relative
            assert relative.endswith(raw_layout.part_name(files[0], sha)), relative


def test_the_staging_models_read_the_parquet_files(small_run):
    """dbt's sources are the Parquet files (dbt-duckdb external sources), not raw.* of the warehouse."""
    target = small_run.run_dir / "checks" / "dbt"
    compiled = (target / "manifest.json").read_text(encoding="utf-8")
    assert "read_parquet(" in compiled
    with duckdb.connect(str(small_run.run_dir / "warehouse.duckdb"), read_only=True) as con:
        kinds = dict(
            con.execute("select table_name, 'table' from duckdb_tables() where schema_name = 'staging'").fetchall()
        )
        views = con.execute("select view_name from duckdb_views() where schema_name = 'staging'").fetchall()
    assert "stg_members" in kinds and not views  # no view left that reads files by a relative path


def rezipped(path: Path) -> None:
    """The same workbook written again with other compression: other bytes, the same cells."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename), zipfile.ZIP_DEFLATED, compresslevel=1)
    tmp.replace(path)


@pytest.fixture(scope="module")
def key() -> bytes:
    return load_key(demo=True)[0]


def test_a_rerun_after_one_changed_return_writes_that_units_part_only(small_demo, tmp_path, key):
    inputs = tmp_path / "input"
    shutil.copytree(small_demo, inputs)
    cache = tmp_path / "cache"
    first = tmp_path / "run-1" / "warehouse.duckdb"
    ingest(inputs, first, key=key, cache=IngestCache(cache, key), workers=1)
    before = parts(raw_layout.root_of(first))

    changed = sorted(inputs.glob("*2018*.xlsx"))[0]
    rezipped(changed)
    second = tmp_path / "run-2" / "warehouse.duckdb"
    again = IngestCache(cache, key)
    ingest(inputs, second, key=key, cache=again, workers=1)
    after = parts(raw_layout.root_of(second))

    assert again.read == [changed.name]
    with duckdb.connect() as con:
        unit, start, end = con.execute(
            "select unit_code, strftime(period_start, '%Y%m%d'), strftime(period_end, '%Y%m%d') "
            "from read_parquet(?) limit 1",
            [str(raw_layout.root_of(second) / next(p for p in after if p not in before))],
        ).fetchone()
    partition = f"/period={start}-{end}/unit={unit}/"
    new = {p for p in after if p not in before}
    gone = {p for p in before if p not in after}
    assert new and all(partition in p for p in new)
    assert {p.split("/")[0] for p in new} == {p.split("/")[0] for p in gone}  # the same tables, a new part each
    kept = [p for p in after if p in before]
    assert kept and all(partition not in p for p in kept)
    for relative in kept:  # the very same file, linked, never written again
        assert after[relative].st_ino == before[relative].st_ino, relative
        assert after[relative].st_mtime_ns == before[relative].st_mtime_ns, relative
    with duckdb.connect(str(second), read_only=True) as con:
        assert differ(con, "raw.members", raw_layout.read_sql(raw_layout.root_of(second), "members")) == 0


def test_a_hand_made_warehouse_is_exported_in_the_same_layout(tmp_path):
    """A warehouse filled without ingest (the tests' own) gets its Parquet from raw.* before dbt runs."""
    from fixtures_warehouse import new_warehouse, submit

    warehouse = tmp_path / "warehouse.duckdb"
    con = new_warehouse(warehouse)
    period = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    unit = units()[0].code
    submit(con, unit, period).add("members", person_key="a" * 64)
    con.close()
    root = raw_layout.export_warehouse(warehouse)
    assert not raw_layout.is_whole(root)  # written again before every build
    (member_part,) = [p for p in parts(root) if p.startswith("members/")]
    assert PART.fullmatch(member_part.split("/", 1)[1])
    assert f"/unit={unit}/" in f"/{member_part}"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for sheet in sheets():
            assert differ(con, f"raw.{sheet.name}", raw_layout.read_sql(root, sheet.name)) == 0, sheet.name
        assert differ(con, "raw.submissions", raw_layout.read_sql(root, "submissions")) == 0
