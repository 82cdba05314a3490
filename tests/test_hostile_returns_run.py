"""Hostile and careless returns beside the demo's: whatever one file holds, the district's run
finishes, the file is named with a reason in Chinese (console, ingest report, 提交情况.xlsx),
every sheet's rows balance, the other units' rows and figures are those of a run without it, and
nothing is written outside the output folder. The corpus is tests/hostile_returns.py."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hostile_returns import LONG_NAME, cases, lay_out
from test_feedback_workbook import problem_cells

from domain.schema import units
from ingest.load.cache import IngestCache
from ingest.read import reader as reader_module
from ingest.read.reader import INTERNAL_ERROR, WORKER_DIED, read_workbook
from ingest.run import _outcomes, ingest
from ingest.workbooks import feedback as feedback_module
from ingest.workbooks.feedback import PROBLEM_ROWS_SHEET, write_feedback, write_submission_summary
from ingest.workbooks.safe_names import MAX_FILE_NAME_BYTES
from ingest.workbooks.submission_status import feedback_names
from shushuo.run import RunOptions, run

KEY = b"hostile-returns-run-key" * 2
PERIOD = __import__("datetime").date(2018, 1, 1), __import__("datetime").date(2018, 12, 31)
CASES = {case.name: case for case in cases()}


def _tree(root: Path, leave_out: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    """Every file under root (links not followed) with size and modification time, but the left-out folders."""
    found = {}
    for path in root.rglob("*"):
        if any(path == out or out in path.parents for out in leave_out):
            continue
        info = path.lstat()
        found[path.relative_to(root).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


@pytest.fixture(scope="module")
def clean(small_demo, tmp_path_factory):
    """The demo's returns alone, ingested: what the other units' rows must stay."""
    base = tmp_path_factory.mktemp("hostile-clean")
    lay_out(base / "in", base / "outside", small_demo, [])
    report = ingest(base / "in", base / "w.duckdb", key=KEY, workers=2)
    return base, report


@pytest.fixture(scope="module")
def hostile(small_demo, tmp_path_factory):
    """The demo's returns and every case, ingested as a run does (workers, cache), then the
    整改清单 and 提交情况 written; with the tree around the output before and after."""
    base = tmp_path_factory.mktemp("hostile")
    lay_out(base / "in", base / "outside", small_demo, list(CASES.values()))
    out, build = base / "out", base / "build"
    before = _tree(base, (out, build))
    outside = _tree(base / "outside", ())
    report = ingest(base / "in", build / "w.duckdb", key=KEY, workers=2, cache=IngestCache(build / "cache", KEY))
    written = write_feedback(report, base / "in", out)
    write_submission_summary(report, out, PERIOD)
    return base, report, written, before, outside


def _reasons(report, name: str) -> str:
    return "\n".join(p.reason for p in report.problems if p.source_file == name)


@pytest.mark.parametrize("name", CASES, ids=[n[:20] for n in CASES])
def test_each_hostile_file_is_named_with_a_reason_in_chinese(hostile, name):
    _, report, *_ = hostile
    reasons = _reasons(report, name)
    assert reasons, f"{name} is not named"
    assert all(word in reasons for word in CASES[name].says), reasons
    assert "Traceback" not in reasons and "Error" not in reasons


def test_every_sheet_balances_and_the_other_units_rows_are_unchanged(clean, hostile):
    (_, clean_report), (_, report, *_) = clean, hostile
    for file in report.files:
        for sheet in file.sheets:
            sheet.check_identity()
    kept = {f.source_file: f for f in clean_report.files}
    assert {f.source_file: f for f in report.files if f.source_file in kept} == kept
    loaded_by_hostile = {f.source_file for f in report.files if f.source_file not in kept and f.status == "loaded"}
    assert all(f.period_start == "2016-01-01" for f in report.files if f.source_file in loaded_by_hostile)
    assert {s["unit_code"]: s["source_file"] for s in report.submissions_used if s["period_start"] == "2018-01-01"} == {
        s["unit_code"]: s["source_file"] for s in clean_report.submissions_used if s["period_start"] == "2018-01-01"
    }


def test_the_warehouse_holds_the_same_rows_for_the_other_units(clean, hostile):
    (clean_base, _), (base, *_) = clean, hostile
    query = """select table_name from information_schema.tables where table_schema = 'raw'
               and table_name not like 'ingest_%' and table_name <> 'submissions'"""
    with (
        duckdb.connect(str(clean_base / "w.duckdb"), read_only=True) as before,
        duckdb.connect(str(base / "build" / "w.duckdb"), read_only=True) as after,
    ):
        for (table,) in before.execute(query).fetchall():
            count = (
                f"select source_file, count(*) from raw.{table} where period_start = '2018-01-01' group by 1 order by 1"
            )
            assert before.execute(count).fetchall() == after.execute(count).fetchall(), table


def test_the_clerks_lists_and_the_submission_summary_are_written_for_every_case(hostile):
    base, report, written, *_ = hostile
    names = {p.name for p in written}
    assert all(len(n.encode()) <= MAX_FILE_NAME_BYTES for n in names)
    assert any(n.startswith(LONG_NAME[:20]) for n in names)  # was: File name too long
    twins = base / "out" / "feedback" / feedback_names(report)["相似表名_2016年度.xlsx"]
    book = openpyxl.load_workbook(twins)
    assert book.sheetnames == ["整改清单", PROBLEM_ROWS_SHEET]
    assert len(problem_cells(book)) == 2  # a block for each of two sheets whose names differ only in case
    assert not any(p.reason.startswith("本文件的整改清单未能生成") for p in report.problems)
    summary = openpyxl.load_workbook(base / "out" / "提交情况.xlsx")["提交情况"]
    text = "\n".join(str(v) for row in summary.iter_rows(values_only=True) for v in row if v)
    for name in CASES:
        if report.files and any(f.source_file == name and f.status != "loaded" for f in report.files):
            assert name in text, f"{name} is not in 提交情况.xlsx"


def test_nothing_is_written_outside_the_output_folder_and_links_are_not_followed(hostile):
    base, _, _, before, outside = hostile
    assert _tree(base, (base / "out", base / "build")) == before
    assert _tree(base / "outside", ()) == outside


def test_a_unit_whose_only_return_cannot_be_read_is_told_as_sent_not_as_missing(small_demo, tmp_path):
    """Its demo return taken away, the unit's .xlsb is all it sent: 已报送，文件无法读取, not 未报送."""
    case = CASES[next(n for n in CASES if n.endswith(".xlsb"))]
    unit = next(u for u in units() if u.short == case.unit_short)
    lay_out(tmp_path / "in", tmp_path / "outside", small_demo, [case])
    for path in (tmp_path / "in").glob(f"{unit.name}_2018年度.*"):
        path.unlink()
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    path = write_submission_summary(report, tmp_path / "out", PERIOD)
    row = next(r for r in openpyxl.load_workbook(path)["提交情况"].iter_rows(values_only=True) if r[0] == unit.code)
    assert row[2].startswith("已报送，文件无法读取") and "未报送" not in row[2]


def dies_on_one_file(path: Path, input_dir: Path, key: bytes):
    """read_workbook, but the worker process dies on one file (as when the allocator aborts it)."""
    if path.name.startswith("致命"):
        os.kill(os.getpid(), signal.SIGKILL)  # as the system kills a process out of memory
    return read_workbook(path, input_dir, key)


def test_a_worker_killed_by_one_file_names_that_file_and_the_others_are_read(small_demo, tmp_path):
    lay_out(tmp_path / "in", tmp_path / "outside", small_demo, [])
    demo = sorted((tmp_path / "in").iterdir())[:5]
    fatal = demo[2].with_name("致命_" + demo[2].name)
    demo[2].rename(fatal)
    paths = sorted([*demo[:2], fatal, *demo[3:]])
    outcomes = list(_outcomes(paths, tmp_path / "in", KEY, workers=2, read=dies_on_one_file))
    by_name = {o.file.source_file: o for o in outcomes}
    assert [o.file.source_file for o in outcomes] == [p.name for p in paths]
    assert by_name[fatal.name].file.status == "unreadable" and by_name[fatal.name].problems[0].reason == WORKER_DIED
    assert all(o.file.status == "loaded" for n, o in by_name.items() if n != fatal.name)


def test_a_failure_inside_reading_one_file_is_that_files_problem(small_demo, tmp_path, monkeypatch):
    lay_out(tmp_path / "in", tmp_path / "outside", small_demo, [])
    victim = sorted((tmp_path / "in").glob("*_2018年度.xlsx"))[0].name
    real = reader_module.read_sheet

    def fails_in_one_file(name, rows, source_file, *args, **kwargs):
        if source_file == victim:
            raise KeyError("a bug this file brings out")
        return real(name, rows, source_file, *args, **kwargs)

    monkeypatch.setattr(reader_module, "read_sheet", fails_in_one_file)
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    status = {f.source_file: f.status for f in report.files}
    assert status.pop(victim) == "unreadable" and set(status.values()) == {"loaded"}
    assert _reasons(report, victim) == INTERNAL_ERROR.format(kind="KeyError")


def test_a_clerks_list_that_cannot_be_written_is_that_files_problem(hostile, tmp_path, monkeypatch):
    base, report, written, *_ = hostile
    real = feedback_module._write_one
    victim = report.files[[f.source_file for f in report.files].index(next(iter(CASES)))].source_file

    def fails_for_one(path, file, *args):
        if file.source_file == victim:
            raise OSError("disk full")
        return real(path, file, *args)

    monkeypatch.setattr(feedback_module, "_write_one", fails_for_one)
    told = []
    again = write_feedback(report, base / "in", tmp_path / "out", say=told.append)
    assert len(again) == len(written) - 1 and any(victim in t for t in told)
    assert any(p.source_file == victim and p.reason.startswith("本文件的整改清单未能生成") for p in report.problems)
    report.problems[:] = [p for p in report.problems if not p.reason.startswith("本文件的整改清单未能生成")]


def test_the_whole_run_finishes_names_every_file_and_publishes_the_same_figures(small_demo, small_run, tmp_path):
    """The district's run with the whole corpus beside the demo's returns: published, the same
    figures as without it, every hostile file named on the console."""
    lay_out(tmp_path / "in", tmp_path / "outside", small_demo, list(CASES.values()))
    said: list[str] = []
    result = run(RunOptions(tmp_path / "in", tmp_path / "build", demo_key=True), say=said.append)
    figures = json.loads((result.run_dir / "figures.json").read_text(encoding="utf-8"))
    expected = json.loads((small_run.run_dir / "figures.json").read_text(encoding="utf-8"))
    assert _values(figures) == _values(expected)
    console = "\n".join(said)
    unread = [n for n in CASES if not n.split(".")[0].endswith(("2016年度", "2016年度_送清凉"))]  # those are read
    assert all(f"未读取 {name}" in console for name in unread), console
    assert not list(tmp_path.glob("outside/*.duckdb")) and (tmp_path / "build" / "current").exists()


def _values(figures: dict) -> dict:
    """figures.json but for what names the run (its id and time)."""
    return {
        part: [{k: v for k, v in row.items() if k not in ("运行编号", "生成时间")} for row in figures[part]]
        for part in ("figures", "unit_parts", "source_files")
    }


def test_a_panic_of_the_reader_is_the_files_problem_even_past_the_guard(tmp_path, monkeypatch):
    """Were the guard to miss a cell calamine panics on (pyo3 raises a BaseException), the file is
    still refused with a reason and the run goes on."""
    from hostile_returns import _date_out_of_range

    from ingest.find.file_guard import Inspection
    from ingest.read.reader import READER_PANIC

    path = tmp_path / "日期溢出.xlsx"
    _date_out_of_range(path, tmp_path)
    monkeypatch.setattr(reader_module, "inspect_workbook", lambda *args: Inspection([], None))
    outcome = read_workbook(path, tmp_path, KEY)
    assert outcome.file.status == "unreadable" and [p.reason for p in outcome.problems] == [READER_PANIC]
