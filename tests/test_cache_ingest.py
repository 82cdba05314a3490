"""The per-file ingest cache (ingest/load/cache.py) never changes a figure: a rerun takes unchanged
workbooks from it and gives the same raw tables and report as reading them all; a changed file,
key, code, schema or day is a miss; one resubmitted unit is the only file read again; a damaged
entry is read again; the cache holds no key and no ID number."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from domain.paths import REPO_ROOT
from ingest.clean.pseudonymise import DEMO_KEY
from ingest.load import cache as ingest_cache
from ingest.load.cache import IngestCache, code_fingerprint, key_fingerprint
from ingest.run import ingest
from tests.test_privacy_scan import ids_in

OTHER_KEY = b"another key for the cache tests, not a secret"
REPORT_RUN_FIELDS = {"input_dir", "warehouse", "loaded_at", "seconds"}


def raw_tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every raw table's rows (loaded_at aside: it is the run's time), sorted."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        out = {}
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1"
        ).fetchall():
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
                    "and column_name <> 'loaded_at' order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            out[table] = con.execute(f'select {select} from raw."{table}" order by all').fetchall()
    return out


def report_facts(report) -> dict:
    facts = {k: v for k, v in json.loads(report.to_json()).items() if k not in REPORT_RUN_FIELDS}
    for submission in facts["submissions"]:
        submission.pop("loaded_at")
    return facts


def run_ingest(folder: Path, out: Path, name: str, cache: IngestCache | None, key: bytes = DEMO_KEY):
    report = ingest(folder, out / f"{name}.duckdb", key=key, workers=2, cache=cache)
    return report, raw_tables(out / f"{name}.duckdb")


@pytest.fixture(scope="module")
def runs(small_demo, tmp_path_factory):
    """The small demo read without cache, into an empty cache, and again from the cache."""
    out = tmp_path_factory.mktemp("cache-runs")
    folder = out / "in"
    shutil.copytree(small_demo, folder)
    root = out / "cache"
    plain = run_ingest(folder, out, "plain", None)
    cold_cache = IngestCache(root, DEMO_KEY)
    cold = run_ingest(folder, out, "cold", cold_cache)
    warm_cache = IngestCache(root, DEMO_KEY)
    warm = run_ingest(folder, out, "warm", warm_cache)
    return {
        "folder": folder,
        "out": out,
        "root": root,
        "plain": plain,
        "cold": cold,
        "warm": warm,
        "cold_cache": cold_cache,
        "warm_cache": warm_cache,
    }


def test_a_rerun_reads_no_workbook_and_gives_the_same_tables_and_report(runs):
    files = len(runs["plain"][0].files)
    assert files > 10
    assert runs["cold_cache"].reused == [] and len(runs["cold_cache"].read) == files
    assert runs["warm_cache"].read == [] and len(runs["warm_cache"].reused) == files
    plain_report, plain_tables = runs["plain"]
    assert sum(len(rows) for rows in plain_tables.values()) > 1000
    for name in ("cold", "warm"):
        report, tables = runs[name]
        assert tables == plain_tables, name
        assert report_facts(report) == report_facts(plain_report), name


def _drop_last_row(path: Path) -> None:
    """A resubmission: the unit's largest sheet loses its last row."""
    book = openpyxl.load_workbook(path)
    sheet = max(book.worksheets, key=lambda s: s.max_row)
    sheet.delete_rows(sheet.max_row)
    book.save(path)


def test_one_unit_resubmitted_is_the_only_file_read_again_and_its_new_content_counts(runs):
    folder = runs["out"] / "resubmitted"
    shutil.copytree(runs["folder"], folder)
    changed = sorted(folder.glob("*2018*.xlsx"))[0]
    _drop_last_row(changed)
    cache = IngestCache(runs["root"], DEMO_KEY)
    report, tables = run_ingest(folder, runs["out"], "resubmitted", cache)
    assert cache.read == [changed.name]
    assert len(cache.reused) == len(report.files) - 1
    fresh_report, fresh_tables = run_ingest(folder, runs["out"], "resubmitted-plain", None)
    assert tables == fresh_tables
    assert report_facts(report) == report_facts(fresh_report)
    assert report.totals()["rows_read"] == runs["plain"][0].totals()["rows_read"] - 1


def test_a_touched_file_is_reused_with_its_new_modification_time(runs, tmp_path):
    folder = tmp_path / "touched"
    shutil.copytree(runs["folder"], folder)
    touched = sorted(folder.glob("*.xlsx"))[-1]
    os.utime(touched, (1_600_000_000, 1_600_000_000))
    cache = IngestCache(runs["root"], DEMO_KEY)
    report, _ = run_ingest(folder, tmp_path, "touched", cache)
    assert cache.read == []
    fresh_report, _ = run_ingest(folder, tmp_path, "touched-plain", None)
    assert report_facts(report) == report_facts(fresh_report)
    stamped = next(s for s in report.submissions if s["source_file"] == touched.name)
    assert stamped["file_modified_at"].timestamp() == 1_600_000_000


def test_another_key_is_another_cache(runs, tmp_path):
    assert IngestCache(runs["root"], OTHER_KEY).generation != IngestCache(runs["root"], DEMO_KEY).generation
    cache = IngestCache(tmp_path / "cache", OTHER_KEY)
    assert cache.lookup(sorted(runs["folder"].glob("*.xlsx")), runs["folder"]) == {}
    assert key_fingerprint(OTHER_KEY) != key_fingerprint(DEMO_KEY)


def test_code_and_schema_are_in_the_fingerprint_and_the_day_is_not(tmp_path):
    for package in ("ingest", "domain"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(tmp_path)
    assert code_fingerprint(tmp_path) == before
    for name in ("domain/schema.yaml", "domain/units.yaml", "ingest/read/sheet_reader.py"):
        path = tmp_path / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert code_fingerprint(tmp_path) != before, name
        path.write_bytes(original)
    assert code_fingerprint(tmp_path) == before
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "__init__.py").write_text("# the demo generator is not ingest code\n")
    (tmp_path / "demo" / "plan.py").write_text("# nor is its planner\n")
    assert code_fingerprint(tmp_path) == before
    assert "today" not in inspect.getsource(code_fingerprint)


def _with_changes_on(cache: IngestCache, folder: Path, day: str | None) -> None:
    """Rewrite every entry's changes_on, as if its workbook held an ID born on `day`."""
    for meta in cache.generation.glob("*/meta.json"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        data["file"]["changes_on"] = day
        meta.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_an_entry_is_read_again_from_the_day_a_rejected_birth_date_comes(runs, tmp_path):
    root = tmp_path / "cache"
    shutil.copytree(runs["root"], root)
    cache = IngestCache(root, DEMO_KEY)
    paths = sorted(runs["folder"].glob("*.xlsx"))
    _with_changes_on(cache, runs["folder"], (dt.date.today() + dt.timedelta(days=1)).isoformat())
    assert len(cache.lookup(paths, runs["folder"])) == len(paths)  # not yet: still good
    _with_changes_on(cache, runs["folder"], dt.date.today().isoformat())
    assert cache.lookup(paths, runs["folder"]) == {} and len(cache.read) == len(paths)


def test_a_birth_date_after_today_is_when_the_workbook_reads_differently(tmp_path):
    from messy_cases import members
    from messy_corpus import Style, write_messy_return
    from test_ingest_workbook_builder import person_id

    from ingest.read.reader import read_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    soon, later = (dt.date.today() + dt.timedelta(days=d) for d in (3, 40))
    rows = members(1, 4)
    rows[1] = (rows[1][0], person_id(7, later.strftime("%Y%m%d")), *rows[1][2:])
    rows[2] = (rows[2][0], person_id(8, soon.strftime("%Y%m%d")), *rows[2][2:])
    write_messy_return(folder / "月坛_2018年度.xlsx", "月坛街道工会服务站", [("members", rows, Style(), None)])
    write_messy_return(
        folder / "德胜_2018年度.xlsx", "德胜街道工会服务站", [("members", members(20, 4), Style(), None)]
    )
    future = read_workbook(folder / "月坛_2018年度.xlsx", folder, DEMO_KEY)
    plain = read_workbook(folder / "德胜_2018年度.xlsx", folder, DEMO_KEY)
    assert sum(p.severity == "rejected" for p in future.problems) == 2
    assert future.file.changes_on == soon.isoformat()
    assert plain.file.changes_on is None  # and a workbook read after it does not inherit the date


def test_a_damaged_entry_is_read_again(runs, tmp_path):
    root = tmp_path / "cache"
    shutil.copytree(runs["root"], root)
    cache = IngestCache(root, DEMO_KEY)
    tables = sorted(cache.generation.rglob("*.parquet"), key=lambda p: p.stat().st_size)
    damaged = tables[-1]
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    _report, raw = run_ingest(runs["folder"], tmp_path, "damaged", cache)
    assert len(cache.read) == 1
    assert raw == runs["plain"][1]
    assert IngestCache(root, DEMO_KEY).lookup(sorted(runs["folder"].glob("*.xlsx")), runs["folder"]).keys() == set(
        sorted(runs["folder"].glob("*.xlsx"))
    )


def test_an_unreadable_file_is_not_kept(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook")
    cache = IngestCache(tmp_path / "cache", DEMO_KEY)
    report = ingest(folder, tmp_path / "w.duckdb", key=DEMO_KEY, workers=1, cache=cache)
    assert report.files[0].status == "unreadable"
    assert list(cache.generation.iterdir()) == []


def test_the_cache_holds_no_key_and_no_id_number(runs):
    import python_calamine as calamine

    ids = set()
    for path in sorted(runs["folder"].glob("*.xlsx"))[:6]:
        book = calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            ids |= ids_in(" ".join(str(c) for row in book.get_sheet_by_name(name).to_python() for c in row))
    assert ids, "the search finds the IDs of the input workbooks"
    for path in runs["root"].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert DEMO_KEY not in data and DEMO_KEY.hex().encode() not in data, path
            assert not ids_in(data.decode("utf-8", "replace")), path


def test_prune_keeps_the_last_other_generation_and_drops_stale_entries(tmp_path):
    root = tmp_path / "cache"
    old, older = root / "old-generation", root / "older-generation"
    for age, folder in ((100, old), (200, older)):
        folder.mkdir(parents=True)
        os.utime(folder, (os.path.getmtime(root) - age,) * 2)
    cache = IngestCache(root, DEMO_KEY)
    cache.generation.mkdir()
    stale, fresh = cache.generation / "stale", cache.generation / "fresh"
    stale.mkdir(), fresh.mkdir()
    os.utime(stale, (os.path.getmtime(fresh) - ingest_cache.STALE_SECONDS - 10,) * 2)
    cache.prune()
    assert sorted(p.name for p in root.iterdir()) == sorted([cache.generation.name, old.name])
    assert [p.name for p in cache.generation.iterdir()] == ["fresh"]


def test_a_worker_hands_back_where_it_kept_the_tables_not_the_tables(small_demo, tmp_path):
    """The tables are not sent through the process pipe (at city scale they piled up to 5 GiB in
    the main process): the worker returns the entry's folder, whose Parquet parts the main process
    links into the run's raw folder without reading them."""
    cache = IngestCache(tmp_path / "cache", DEMO_KEY)
    path = sorted(small_demo.glob("*.xlsx"))[0]
    result = cache.reader()(path, small_demo, DEMO_KEY)
    assert isinstance(result, Path) and (result / "meta.json").is_file()
    outcome = cache.received(result, path, small_demo, DEMO_KEY)
    assert outcome.file.status == "loaded" and outcome.modified_at is not None
    assert all(s.table is None for s in outcome.sheets)
    assert outcome.parts and all(p.parent == result for p in outcome.parts.values())
    assert sum(pq.read_metadata(p).num_rows for p in outcome.parts.values()) > 0


def test_an_entry_gone_before_it_is_received_is_read_again(small_demo, tmp_path):
    cache = IngestCache(tmp_path / "cache", DEMO_KEY)
    path = sorted(small_demo.glob("*.xlsx"))[0]
    result = cache.reader()(path, small_demo, DEMO_KEY)
    (result / "meta.json").unlink()
    outcome = cache.received(result, path, small_demo, DEMO_KEY)
    assert outcome.file.status == "loaded" and any(s.table is not None for s in outcome.sheets)


def test_an_unreadable_workbook_comes_back_as_it_is(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook")
    cache = IngestCache(tmp_path / "cache", DEMO_KEY)
    result = cache.reader()(folder / "坏文件.xlsx", folder, DEMO_KEY)
    assert not isinstance(result, Path) and result.file.status == "unreadable"
    assert cache.received(result, folder / "坏文件.xlsx", folder, DEMO_KEY) is result
