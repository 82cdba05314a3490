"""Runs that are killed or overlap, at the command line (`shushuo run` in subprocesses):

1. a run is killed with SIGKILL during the dbt stage: build/current still points at the last
   good run, whose files are unchanged and open;
2. the next run starts; while it holds the lock a second run stops at once with a message that
   says why and what to do (--wait), and changes nothing;
3. the next run succeeds, removes the killed run's .partial folder and becomes current.

The input of these runs is hostile in the ways a clerk's workbook can be: text cells starting
with = + - @ (基层工会名称 as =HYPERLINK(…), 班次名称), a file whose name starts with "=", and a
truncated copy of a workbook. The last part checks that nothing a person opens from the run
(figures.csv/xlsx, 重复填报.xlsx) holds a live formula, and that the damaged file is named."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from checks.duplicates import LISTING_FILE
from reports.exports import PLAIN_NUMBER

SHUSHUO = Path(sys.executable).with_name("shushuo")
HYPERLINK = '=HYPERLINK("http://example.invalid/领奖","点击领奖")'
CLASS_NAMES = ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C notepad'!A0"]
RENAMED = "=1+1 西长安街_2018年度.xlsx"
DAMAGED = "损坏_截断.xlsx"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def hostile_input(small_demo: Path, folder: Path) -> Path:
    """The small demo with one unit's return made hostile, renamed, and a truncated extra file."""
    folder.mkdir()
    for path in small_demo.glob("*.xlsx"):
        shutil.copy(path, folder / path.name)
    source = folder / "西长安街街道工会服务站_2018年度.xlsx"
    book = load_workbook(source)
    _set_text(book["会员名册"], "基层工会名称", lambda _: HYPERLINK)
    _set_text(book["培训"], "班次名称", lambda n: CLASS_NAMES[n % len(CLASS_NAMES)])
    book.save(folder / RENAMED)
    source.unlink()
    data = (folder / "月坛街道工会服务站_2017年度.xlsx").read_bytes()
    (folder / DAMAGED).write_bytes(data[: len(data) // 3])
    return folder


def _set_text(sheet, header: str, value) -> None:
    """Text cells (as a clerk's '=… typed in Excel is stored), never formulas."""
    rows = list(sheet.iter_rows())
    header_row = next(i for i, row in enumerate(rows) if header in [c.value for c in row])
    column = [c.value for c in rows[header_row]].index(header)
    for n, row in enumerate(rows[header_row + 1 :]):
        if row[column].value is not None:
            row[column].value = value(n)
            row[column].data_type = "s"


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def shushuo_run(input_dir: Path, build: Path, **popen) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "400", "SHUSHUO_KEY": "5a" * 32}
    return subprocess.Popen(
        [str(SHUSHUO), "run", "--input", str(input_dir), "--build", str(build)], env=env, text=True, **popen
    )


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def runs(small_run, small_demo, tmp_path_factory):
    """Everything happens once, in order; the tests below read what each step left."""
    tmp = tmp_path_factory.mktemp("runs")
    build = tmp / "build"
    shutil.copytree(small_run.run_dir.parent.parent, build, symlinks=True)
    good = (build / "current").resolve()
    before = digests(good)
    input_dir = hostile_input(small_demo, tmp / "in")
    facts = {"build": build, "good": good, "before": before}

    # 1. Kill a run during its dbt stage (it prints the period just before dbt starts).
    killed = shushuo_run(input_dir, build, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for line in killed.stdout:
        if line.startswith("统计期"):
            break
    partial = wait_for(lambda: next((build / "runs").glob("*.partial"), None), 30, "the .partial folder")
    time.sleep(1.0)  # well inside dbt build (several seconds on the small demo)
    facts["alive_when_killed"] = killed.poll() is None
    killed.send_signal(signal.SIGKILL)
    killed.wait(30)
    killed.stdout.close()
    facts.update(
        partial=partial,
        partial_files=sorted(p.name for p in partial.iterdir()),
        after_kill=digests(good),
        current_after_kill=(build / "current").resolve(),
    )

    # 2. The next run, and a second one while it holds the lock.
    log = (tmp / "next.log").open("w")
    following = shushuo_run(input_dir, build, stdout=log, stderr=subprocess.STDOUT)
    wait_for(lambda: f"pid {following.pid}" in (build / ".lock").read_text(encoding="utf-8"), 60, "the lock")
    # Once its own .partial folder exists, the following run has cleaned up the killed one and
    # changes no folder names until it finishes (seconds later): a stable listing to compare.
    wait_for(
        lambda: not partial.exists() and next((build / "runs").glob("*.partial"), None), 60, "the next run's folder"
    )
    runs_before_second = sorted(p.name for p in (build / "runs").iterdir())
    second = subprocess.run(
        [str(SHUSHUO), "run", "--input", str(input_dir), "--build", str(build)],
        env={**os.environ, "COLUMNS": "400", "SHUSHUO_KEY": "5a" * 32},
        capture_output=True,
        text=True,
        timeout=120,
    )
    facts.update(
        second=second,
        runs_while_second=sorted(p.name for p in (build / "runs").iterdir()),
        runs_before_second=runs_before_second,
        following_alive=following.poll() is None,
    )

    # 3. The next run finishes.
    facts["following_code"] = following.wait(300)
    log.close()
    facts["following_log"] = (tmp / "next.log").read_text(encoding="utf-8")
    facts["current"] = (build / "current").resolve()
    return facts


def test_a_run_killed_during_dbt_leaves_the_last_good_run_current_and_intact(runs):
    assert runs["alive_when_killed"], "the run finished before it could be killed"
    assert "warehouse.duckdb" in runs["partial_files"] and "manifest.json" not in runs["partial_files"]
    assert runs["current_after_kill"] == runs["good"]
    assert runs["after_kill"] == runs["before"]  # every file byte for byte
    good = runs["good"]
    with duckdb.connect(str(good / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.indicators").fetchall()[0][0] > 0
    assert json.loads((good / "manifest.json").read_text(encoding="utf-8"))["status"] == "published"
    assert load_workbook(good / "figures.xlsx", read_only=True).sheetnames
    assert "</html>" in (good / "bulletin.html").read_text(encoding="utf-8")


def test_a_second_run_stops_with_a_clear_message_and_changes_nothing(runs):
    second = runs["second"]
    assert runs["following_alive"], "the first run ended before the second started"
    assert second.returncode == 1
    message = " ".join(second.stdout.split())
    assert "另一个运行正在使用" in message and "--wait" in message and "上一次成功的结果未受影响" in message
    assert runs["runs_while_second"] == runs["runs_before_second"]


def test_the_next_run_succeeds_cleans_the_killed_run_and_becomes_current(runs):
    assert runs["following_code"] == 0, runs["following_log"]
    runs_dir = runs["build"] / "runs"
    assert not list(runs_dir.glob("*.partial")) and not runs["partial"].exists()
    assert runs["current"] != runs["good"] and runs["current"].parent == runs_dir
    assert runs["good"].is_dir()  # the earlier good run is kept
    assert json.loads((runs["current"] / "manifest.json").read_text(encoding="utf-8"))["status"] == "published"


def test_a_damaged_file_is_named_and_skipped_and_the_run_goes_on(runs):
    log = " ".join(runs["following_log"].split())
    assert f"未读取 {DAMAGED}" in log and "缺失" in log
    report = json.loads((runs["current"] / "ingest_report.json").read_text(encoding="utf-8"))
    status = {f["source_file"]: f["status"] for f in report["files"]}
    assert status[DAMAGED] == "unreadable" and status[RENAMED] == "loaded"


def test_clerk_text_starting_with_a_formula_character_stays_text_in_every_file_a_person_opens(runs):
    current = runs["current"]
    with duckdb.connect(str(current / "warehouse.duckdb"), read_only=True) as con:  # the text did get in
        assert con.execute("select count(*) from raw.members where grassroots_union = ?", [HYPERLINK]).fetchall()[0][0]
        assert con.execute("select count(*) from raw.trainings where class_name like '+cmd%'").fetchall()[0][0]
    listing = current / LISTING_FILE
    assert HYPERLINK in _cell_texts(listing)  # the duplicated members of the hostile unit are listed
    assert RENAMED in _cell_texts(current / "figures.xlsx")
    for workbook in (current / "figures.xlsx", listing):
        _assert_no_formula(workbook)
    with open(current / "figures.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert any(RENAMED in cell for cell in cells)
    live = [c for c in cells if c.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(c)]
    assert not live


def _cell_texts(path: Path) -> set[str]:
    book = load_workbook(path, read_only=True)
    return {str(v) for sheet in book.worksheets for row in sheet.values for v in row if v is not None}


def _assert_no_formula(path: Path) -> None:
    """No <f> element in any sheet, and openpyxl sees no formula cell."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", archive.read(name)), f"{path.name}: {name} holds a formula"
    book = load_workbook(path)
    assert not [c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]
