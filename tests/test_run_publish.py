"""A run publishes atomically and one at a time (shushuo.publish, shushuo.lock)."""

import multiprocessing
import time

import pytest

from shushuo import publish
from shushuo.lock import RunInProgress, run_lock


def test_a_finished_run_becomes_current_and_a_failed_one_does_not(tmp_path):
    first = publish.start(tmp_path, "r1")
    (first / "bulletin.html").write_text("one")
    good = publish.finish(tmp_path, first)
    assert publish.current(tmp_path) == good

    second = publish.start(tmp_path, "r2")
    (second / "bulletin.html").write_text("half-written")
    failed = publish.abandon(second)

    assert failed.name == "r2.failed"
    assert (tmp_path / "current" / "bulletin.html").read_text() == "one"


def test_prune_keeps_the_current_run_and_removes_killed_runs(tmp_path):
    for n in range(4):
        publish.finish(tmp_path, publish.start(tmp_path, f"r{n}"))
    killed = publish.start(tmp_path, "r9")
    publish.prune(tmp_path, keep=2)
    names = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert names == ["r2", "r3"]
    assert not killed.exists()
    assert publish.current(tmp_path).name == "r3"


def _hold_lock(build_dir, seconds, ready):
    with run_lock(build_dir):
        ready.set()
        time.sleep(seconds)


def test_a_second_run_stops_with_a_message_while_the_first_holds_the_lock(tmp_path):
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(tmp_path, 3, ready))
    holder.start()
    try:
        assert ready.wait(10)
        asked = time.monotonic()
        with pytest.raises(RunInProgress, match="另一个运行正在使用"), run_lock(tmp_path):
            pass
        with run_lock(tmp_path, wait_seconds=10):  # queues behind the first run
            assert time.monotonic() - asked > 1.5
    finally:
        holder.join()


def test_a_killed_run_releases_the_lock(tmp_path):
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(tmp_path, 60, ready))
    holder.start()
    assert ready.wait(10)
    holder.kill()
    holder.join()
    with run_lock(tmp_path):
        pass
