"""The desk's next run starts in a process that was started before the press, with the run's modules
imported (desk/warm_runner.py): it runs the job it is handed into the job's log, as `shushuo` would;
one imported from files that changed since, or in another environment than the job's, starts afresh;
one that died is replaced by a cold start; one never used leaves when the desk stops."""

from __future__ import annotations

import datetime as dt
import os
import sys
import sysconfig
import time
from pathlib import Path

import pytest
from desk_helpers import TIANQIAO, make_desk

from desk import runs, warm_runner
from desk.warm_runner import WarmRunner, reason_to_start_afresh
from shushuo.lock import run_lock


@pytest.fixture
def new_runner():
    """Started in the test itself: pytest's PYTEST_CURRENT_TEST differs between a fixture's setup and
    the test, and a job in another environment than the waiting process's starts afresh."""
    started: list[WarmRunner] = []
    yield lambda: started.append(WarmRunner()) or started[-1]
    for waiting in started:
        waiting.stop()


def test_the_waiting_process_runs_the_job_it_is_handed(new_runner, tmp_path):
    runner = new_runner()
    log = tmp_path / "run.log"
    process = warm_runner.start(["--help"], log, runner)
    assert process.pid == runner.process.pid
    assert process.wait(timeout=120) == 0
    assert "Usage: shushuo" in log.read_text(encoding="utf-8")


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(Path(link).resolve() == path.resolve() for link in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # a descriptor closed while looked at
        return False


def _command_line_while_it_waits_for_the_lock(runner, tmp_path) -> bytes:
    """The process's command line once its run waits for the run lock, held here (so after the
    waiting process decided whether to run the job itself)."""
    build, empty = tmp_path / "build", tmp_path / "inbox"
    build.mkdir()
    empty.mkdir()
    with run_lock(build):
        process = warm_runner.start(
            ["run", "--input", str(empty), "--build", str(build), "--wait", "60"], tmp_path / "run.log", runner
        )
        deadline = time.monotonic() + 60
        while not _has_open(process.pid, build / ".lock"):  # its run is waiting for the lock
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.1)
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes()
    process.wait(timeout=120)
    return command_line


def test_the_waiting_process_runs_the_job_itself(new_runner, tmp_path):
    runner = new_runner()
    assert b"desk.warm_runner" in _command_line_while_it_waits_for_the_lock(runner, tmp_path)


def test_in_a_changed_environment_it_gives_way_to_a_new_shushuo(new_runner, tmp_path, monkeypatch):
    runner = new_runner()
    monkeypatch.setenv("SHUSHUO_TEST_NEW_VARIABLE", "1")  # after the waiting process started
    command_line = _command_line_while_it_waits_for_the_lock(runner, tmp_path)
    assert b"desk.warm_runner" not in command_line and b"from shushuo.cli import app" in command_line


def test_a_failing_command_fails_with_its_message_in_the_log(new_runner, tmp_path):
    runner = new_runner()
    log = tmp_path / "run.log"
    process = warm_runner.start(["run", "--input", str(tmp_path / "no such folder")], log, runner)
    assert process.wait(timeout=120) != 0
    assert "no such folder" in log.read_text(encoding="utf-8")


def test_another_environment_or_a_changed_file_means_starting_afresh():
    started = dict(os.environ)
    warmed = warm_runner._snapshot()
    assert any(path.endswith("shushuo/cli.py") for path in warmed) and any(p.endswith("units.yaml") for p in warmed)
    today = dt.date.today()
    assert reason_to_start_afresh(dict(started), started, warmed, today) is None
    assert reason_to_start_afresh({**started, "SHUSHUO_KEY": "another"}, started, warmed, today) == "environment"
    assert reason_to_start_afresh(dict(started), started, warmed, today - dt.timedelta(days=1)) == "day"
    for changed in (next(iter(warmed)), sysconfig.get_paths()["purelib"]):  # a project file, the libraries
        older = {**warmed, changed: (warmed[changed][0] - 1, warmed[changed][1])}
        assert reason_to_start_afresh(dict(started), started, older, today) == "files"


def test_a_job_in_a_changed_environment_still_runs(new_runner, tmp_path, monkeypatch):
    runner = new_runner()
    monkeypatch.setenv("SHUSHUO_TEST_NEW_VARIABLE", "1")  # after the waiting process started
    log = tmp_path / "run.log"
    process = warm_runner.start(["--help"], log, runner)
    assert process.wait(timeout=120) == 0
    assert "Usage: shushuo" in log.read_text(encoding="utf-8")


def test_a_waiting_process_that_died_is_replaced_by_a_cold_start(new_runner, tmp_path):
    runner = new_runner()
    runner.process.kill()
    runner.process.wait()
    log = tmp_path / "run.log"
    process = warm_runner.start(["--help"], log, runner)
    assert process.pid != runner.process.pid
    assert process.wait(timeout=120) == 0
    assert "Usage: shushuo" in log.read_text(encoding="utf-8")


def test_a_waiting_process_leaves_by_itself_when_the_desk_is_gone():
    """The desk killed without stopping it: its end of the pipe closes, and the waiting process leaves
    once it has imported what it imports."""
    waiting = WarmRunner()
    assert waiting.process.stdin is not None
    waiting.process.stdin.close()
    assert waiting.process.wait(timeout=120) == 0


def test_every_module_a_run_imports_later_is_imported_beforehand():
    assert warm_runner.import_run_modules() == []


def test_a_waiting_process_that_cannot_be_started_leaves_the_run_done(tmp_path, monkeypatch, small_demo):
    """No memory or no process left for the next press's process: the run that ended is still done,
    and the next press starts its process cold."""
    desk = make_desk(tmp_path / "desk")
    (desk.config.paths.inbox / TIANQIAO).write_bytes((small_demo / TIANQIAO).read_bytes())
    monkeypatch.setattr(warm_runner, "cold_argv", lambda args: ["true"])

    def cannot_start():
        raise OSError("no memory")

    monkeypatch.setattr(runs, "WarmRunner", cannot_start)
    runs.keep_warm()
    try:
        run_id = runs.start(desk.db, desk.config.paths, "analyst")
        deadline = time.monotonic() + 60
        while desk.db.one("select state from runs where id = ?", run_id)["state"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert desk.db.one("select state from runs where id = ?", run_id)["state"] == "done"
    finally:
        runs.stop_warm()


def test_the_waiting_process_has_the_runs_modules_imported(new_runner):
    """What it is for: dbt, the gate and the reports in memory before the press (a bare Python
    interpreter holds ≈ 10 MB)."""
    runner = new_runner()
    deadline = time.monotonic() + 120
    while _resident_mib(runner.process.pid) < 150:
        assert time.monotonic() < deadline and runner.alive()
        time.sleep(0.2)


def _resident_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def test_a_job_in_chinese_reaches_the_command_whole(new_runner, tmp_path):
    runner = new_runner()
    log = tmp_path / "run.log"
    process = warm_runner.start(["run", "--input", str(tmp_path / "没有这个文件夹")], log, runner)
    assert process.wait(timeout=120) != 0
    assert "没有这个文件夹" in log.read_text(encoding="utf-8")


def test_a_run_that_dies_without_a_word_leaves_a_log_saying_so(tmp_path, monkeypatch, small_demo):
    desk = make_desk(tmp_path / "desk")
    (desk.config.paths.inbox / TIANQIAO).write_bytes((small_demo / TIANQIAO).read_bytes())
    monkeypatch.setattr(warm_runner, "cold_argv", lambda args: ["false"])  # exits 1, says nothing
    run_id = runs.start(desk.db, desk.config.paths, "analyst")
    deadline = time.monotonic() + 60
    while (run := desk.db.one("select * from runs where id = ?", run_id))["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert run["state"] == "failed"
    assert "运行进程意外退出（返回码 1），没有留下记录" in Path(run["log_path"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("warm", [True, False])
def test_a_folder_named_like_the_code_where_the_desk_was_started_stands_in_for_nothing(
    new_runner, tmp_path, monkeypatch, warm
):
    """The desk started from a folder holding its data as desk/ (with store/, runs/, …) or a shushuo/
    folder: the run's process still imports the installed code."""
    for folder in ("desk/store", "desk/runs", "shushuo/cli"):
        (tmp_path / "here" / folder).mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "here")
    log = tmp_path / "run.log"
    process = warm_runner.start(["--help"], log, new_runner() if warm else None)
    assert process.wait(timeout=120) == 0, log.read_text(encoding="utf-8")
    assert "Usage: shushuo" in log.read_text(encoding="utf-8")


def _threads() -> int:
    return len(os.listdir(f"/proc/{os.getpid()}/task"))


def test_dbt_is_warmed_up_in_a_folder_of_its_own_that_leaves_nothing(tmp_path, monkeypatch):
    """The waiting process's first dbt invocation (desk/warm_runner.py warm_up_dbt): it succeeds, and
    the run after it finds the process as it was, but for what dbt prepared: the same working
    folder, environment and warning filters, no deprecation said (the run says its own), no thread
    more (the ingest workers are forked from this process), and no folder of the warm-up's left."""
    import tempfile
    import warnings

    from dbt import deprecations

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    here, environment, filters, threads = os.getcwd(), dict(os.environ), list(warnings.filters), _threads()
    assert warm_runner.warm_up_dbt()
    assert os.getcwd() == here and dict(os.environ) == environment and warnings.filters == filters
    assert not deprecations.active_deprecations and _threads() <= threads
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("job_waiting", [False, True])
def test_the_warm_up_is_skipped_for_a_job_handed_during_the_imports(monkeypatch, job_waiting):
    """The button pressed right after a run ended: the job is run at once, not after dbt's warm-up."""
    warmed = []
    monkeypatch.setattr(warm_runner, "import_run_modules", lambda: [])
    monkeypatch.setattr(warm_runner, "warm_up_dbt", lambda: warmed.append(True))
    monkeypatch.setattr(warm_runner.gc, "freeze", lambda: None)
    read, write = os.pipe()
    with os.fdopen(read) as stdin, os.fdopen(write, "w") as desk:
        monkeypatch.setattr(sys, "stdin", stdin)
        if job_waiting:
            desk.write('{"args": []}\n')
            desk.flush()
        warm_runner._warm_up()
    assert warmed == ([] if job_waiting else [True])


def _warm_up_folders(runner: WarmRunner) -> list[Path]:
    import tempfile

    return list(Path(tempfile.gettempdir()).glob(f"{warm_runner.warm_up_folder_prefix(runner.process.pid)}*"))


def _after_the_warm_up_began(runner: WarmRunner) -> None:
    deadline = time.monotonic() + 120
    while not _warm_up_folders(runner):
        assert time.monotonic() < deadline and runner.alive(), "the warm-up did not begin"
        time.sleep(0.05)


def test_a_run_handed_after_the_warm_up_is_run_by_the_waiting_process(new_runner, tmp_path, small_demo):
    runner = new_runner()
    _after_the_warm_up_began(runner)
    deadline = time.monotonic() + 120
    while _warm_up_folders(runner):  # removed when the warm-up is done
        assert time.monotonic() < deadline, "the warm-up did not end"
        time.sleep(0.1)
    log = tmp_path / "run.log"
    process = warm_runner.start(["run", "--input", str(small_demo), "--build", str(tmp_path / "build")], log, runner)
    assert process.pid == runner.process.pid
    assert process.wait(timeout=300) == 0, log.read_text(encoding="utf-8")
    assert "公报已生成" in log.read_text(encoding="utf-8")


def test_a_waiting_process_stopped_during_its_warm_up_leaves_no_folder(new_runner):
    runner = new_runner()
    _after_the_warm_up_began(runner)
    runner.stop()
    assert _warm_up_folders(runner) == []
