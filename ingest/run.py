"""The ingest stage: a folder of return workbooks → the raw tables as Parquet beside a DuckDB file
(ingest/load/raw_layout.py: what dbt's sources read), raw.* in that file, and the report.

Workbooks are read in worker processes (reading and normalising is CPU-bound Python; one process
per core); with the ingest cache they write each return's Parquet parts themselves and this
process links them into the run's raw folder (an unchanged return is neither read nor written
again); without it this process writes them. Then each raw table is loaded from its files with
one statement, all inside one transaction; or, given the last run's warehouse, the run starts from
a copy of it and loads only the returns that changed (ingest/load/from_last_run.py). The
connection is closed before returning: DuckDB allows one writer, and dbt opens the file next."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

import duckdb
import pyarrow as pa

from domain.schema import sheets, units
from ingest.clean.pseudonymise import load_key
from ingest.clean.tables import money_array
from ingest.load import from_last_run, raw_layout
from ingest.load.cache import IngestCache
from ingest.load.current import choose_current
from ingest.load.raw_tables import load_raw, place_parts, submission_of
from ingest.read.reader import (
    INTERNAL_ERROR,
    WORKER_DIED,
    WorkbookOutcome,
    failed,
    find_inputs,
    is_failure,
    read_workbook,
)
from ingest.report import IngestReport

IN_MEMORY = ":memory:"


def _warm_up() -> None:
    """Pay one-off costs once, before the workers are forked, instead of once per worker: the
    schema and unit list are parsed, and pyarrow's first string conversion (≈0.2 s of CPU,
    measured) is done."""
    sheets(), units()
    money_array([1])
    pa.concat_tables([pa.table({"x": pa.array(["x"])})] * 2)


def _outcomes(paths: list[Path], input_dir: Path, key: bytes, workers: int, read=read_workbook, forked=lambda: None):
    """Outcomes in file order; in parallel when there is more than one file and worker.
    `forked` is called once the worker processes exist (or when none are used).

    A worker process that dies (the Rust allocator aborts it, the system kills it for its
    memory) breaks the whole pool, and every file not yet read with it: those are then read
    again each in a process of its own, so the file that kills its process again is the one
    named and refused, and the others are read."""
    if workers <= 1 or len(paths) <= 1:
        forked()
        for path in paths:
            yield read(path, input_dir, key)
        return
    # Largest first, so the long files do not end up last on one core.
    order = sorted(paths, key=lambda p: _size(p), reverse=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {path: pool.submit(read, path, input_dir, key) for path in order}
        forked()  # a fork-context pool starts all its processes at the first submit
        for path in paths:
            try:
                yield futures[path].result()
            except BrokenProcessPool:
                yield _read_alone(read, path, input_dir, key)
            except BaseException as error:
                if not is_failure(error):
                    raise
                yield failed(path.relative_to(input_dir).as_posix(), INTERNAL_ERROR.format(kind=type(error).__name__))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone meanwhile: reading it will say so
        return 0


def _read_alone(read, path: Path, input_dir: Path, key: bytes):
    """One file read in a process of its own; if that process dies too, the file is refused."""
    source_file = path.relative_to(input_dir).as_posix()
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(read, path, input_dir, key).result()
    except BrokenProcessPool:
        return failed(source_file, WORKER_DIED)
    except BaseException as error:
        if not is_failure(error):
            raise
        return failed(source_file, INTERNAL_ERROR.format(kind=type(error).__name__))


def ingest(
    input_dir: Path,
    warehouse: Path,
    *,
    key: bytes,
    workers: int = 2,
    cache: IngestCache | None = None,
    timings: dict | None = None,
    while_reading: Callable[[], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    uploaders: dict[str, str] | None = None,
    last_warehouse: Path | None = None,
) -> IngestReport:
    """Read every workbook under `input_dir`, write the raw tables as Parquet into the folder beside
    `warehouse` (raw_layout.root_of; replaced) and load raw.* of `warehouse` from them (created
    if absent; raw tables are replaced). Returns the report; the connection is closed on return.
    `cache` (ingest/load/cache.py): unchanged workbooks are taken from it, the others read and kept.
    `timings`, if given, receives the seconds spent reading (and placing the parts) and loading,
    and the loading's CPU seconds. `while_reading`, if
    given, is called once, as soon as this process may start threads (the worker processes are
    forked first: a fork while another thread holds a lock can deadlock the child). `progress`, if
    given, is called after each workbook with (files done, files in all, the file's name).
    `uploaders`: file (as named under `input_dir`) → code of the unit whose account sent it, when
    a submission desk knows it: the unit a return comes from (ingest/find/origin.py), checked against
    its cover (ingest/load/current.py). `last_warehouse`: the last run's warehouse, to start from
    when it can be (ingest/load/from_last_run.py); `timings` then says how many returns' parts were
    kept and how many loaded."""
    started = time.perf_counter()
    input_dir, warehouse = Path(input_dir), Path(warehouse)
    if not input_dir.is_dir():
        raise FileNotFoundError(f"找不到报表所在的文件夹 {input_dir}：请检查路径")
    loaded_at = dt.datetime.now().replace(microsecond=0)
    report = IngestReport(str(input_dir), str(warehouse), loaded_at.isoformat(sep=" "), uploaders=dict(uploaders or {}))
    in_memory = str(warehouse) == IN_MEMORY  # the desk's check of one upload keeps no files
    root = Path(tempfile.mkdtemp(prefix="shushuo-raw-")) if in_memory else raw_layout.root_of(warehouse)
    try:
        read_done, load_cpu, reused = _read_and_load(
            input_dir, warehouse, root, report, key, workers, cache, while_reading, progress, last_warehouse
        )
    finally:
        if in_memory:
            shutil.rmtree(root, ignore_errors=True)
    report.seconds = round(time.perf_counter() - started, 3)
    if timings is not None:
        timings.update(
            read_seconds=round(read_done - started, 3),
            load_seconds=round(report.seconds - (read_done - started), 3),
            load_cpu_seconds=round(load_cpu, 3),
        )
        if reused is not None:
            timings.update(
                parts_kept=reused.parts_kept,
                parts_loaded=reused.parts_loaded,
                returns_kept=reused.returns_kept,
                returns_loaded=len(reused.returns_with_new_parts),
            )
    if cache is not None:
        cache.prune()
    return report


def _read_and_load(
    input_dir: Path,
    warehouse: Path,
    root: Path,
    report: IngestReport,
    key: bytes,
    workers: int,
    cache: IngestCache | None,
    while_reading: Callable[[], None] | None,
    progress: Callable[[int, int, str], None] | None,
    last_warehouse: Path | None = None,
) -> tuple[float, float, from_last_run.Plan | None]:
    """ingest's work: every workbook read (or taken from the cache) and its parts placed under
    `root`, then raw.* loaded from them. Returns when the reading ended (perf_counter), the
    loading's CPU seconds and, when the run started from the last one's warehouse, what it kept."""
    loaded_at = dt.datetime.fromisoformat(report.loaded_at)
    raw_layout.start(root)
    _warm_up()
    # Read everything first (workers forked before DuckDB starts its threads), then load.
    paths, refused = find_inputs(input_dir)
    cached = cache.lookup(paths, input_dir, workers) if cache is not None else {}
    read = cache.reader() if cache is not None else read_workbook
    to_read = [p for p in paths if p not in cached]
    forked = _once(while_reading)
    fresh = _outcomes(to_read, input_dir, key, workers, read, forked)
    received = (lambda result, path: result) if cache is None else partial(cache.received, input_dir=input_dir, key=key)
    for done, path in enumerate(paths, 1):
        outcome = cached.get(path) or received(next(fresh), path)
        _record(report, outcome)
        if progress is not None:
            progress(done, len(paths), outcome.file.source_file)
        submission = submission_of(outcome, loaded_at)
        if submission is not None:
            report.submissions.append(submission)
            place_parts(root, outcome, loaded_at)
    for path, reason in refused.items():  # named in the report and 提交情况, as a file that could not be read
        _record(report, failed(path.relative_to(input_dir).as_posix(), reason))
    fresh.close()  # the worker processes end here, before loading
    forked()  # when nothing was read
    cached.clear()
    raw_layout.fill_empty(root)
    report.submissions_used = choose_current(report)
    read_done, load_cpu = time.perf_counter(), time.process_time()
    reused = _load(warehouse, root, report, last_warehouse)
    raw_layout.mark_whole(root, loaded_at=loaded_at, files=len(report.files))
    return read_done, time.process_time() - load_cpu, reused


def _load(warehouse: Path, root: Path, report: IngestReport, last_warehouse: Path | None) -> from_last_run.Plan | None:
    """raw.* of `warehouse` from the parts under `root`, in one transaction: from the last run's
    warehouse when it can be started from (returns what was kept; None otherwise). Should that
    fail, the copy is removed and everything loaded, as without it."""
    found = None if str(warehouse) == IN_MEMORY else from_last_run.plan(last_warehouse, root, report)
    if found is not None:
        try:
            from_last_run.start_from(found, warehouse)
            _in_transaction(warehouse, lambda con: from_last_run.load_changed(con, found, root, report))
            return found
        except (duckdb.Error, OSError):
            Path(warehouse).unlink(missing_ok=True)
            Path(f"{warehouse}.wal").unlink(missing_ok=True)
    _in_transaction(warehouse, lambda con: load_raw(con, root, report))
    return None


def _in_transaction(warehouse: Path, load: Callable[[duckdb.DuckDBPyConnection], object]):
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("begin transaction")
        done = load(con)
        con.execute("commit")
        return done
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.close()


def _once(call: Callable[[], None] | None) -> Callable[[], None]:
    done = call is None

    def once() -> None:
        nonlocal done
        if not done and call is not None:
            done = True
            call()

    return once


def _record(report: IngestReport, outcome: WorkbookOutcome) -> None:
    for sheet in outcome.file.sheets:
        sheet.check_identity()
    report.files.append(outcome.file)
    report.problems.extend(outcome.problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="读取报表工作簿，写入 DuckDB 的 raw.* 表")
    parser.add_argument("input_dir", type=Path)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--demo-key", action="store_true", help="使用公开的演示密钥（仅限演示数据）")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--report", type=Path, help="把入库报告（JSON）写到这里")
    args = parser.parse_args(argv)
    key, source = load_key(demo=args.demo_key)
    print(f"假名密钥：{source}", file=sys.stderr)
    report = ingest(args.input_dir, args.warehouse, key=key, workers=args.workers)
    if args.report:
        args.report.write_text(report.to_json(), encoding="utf-8")
    print(report.summary(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
