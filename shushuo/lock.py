"""One run at a time per build folder. DuckDB and the build/current switch are not safe for two
writers, so a second run either waits for the first or stops with a message that says why."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path


class RunInProgress(RuntimeError):
    """Another run holds the lock of this build folder."""


@contextmanager
def run_lock(build_dir: Path, *, wait_seconds: float = 0.0):
    """Hold build_dir/.lock for the duration of a run. The lock is an OS file lock, so a run that
    is killed releases it at once; the file's text (pid, start time) is only for the message."""
    build_dir.mkdir(parents=True, exist_ok=True)
    path = build_dir / ".lock"
    with open(path, "a+", encoding="utf-8") as handle:  # closed, and so unlocked, however the run ends
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "未知进程"
                    raise RunInProgress(
                        f"另一个运行正在使用 {build_dir}（{holder}）。请等它结束后再运行，"
                        "或使用 --wait 秒数 让本次运行排队等待。"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}，开始于 {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
