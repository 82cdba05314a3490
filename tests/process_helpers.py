"""Processes as the tests see them through /proc (Linux): whether one still runs, and its children."""

from __future__ import annotations

import time
from pathlib import Path


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits for a parent


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` now."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def ended(pids: list[int], within: float = 20) -> bool:
    """Whether every one of `pids` has ended within `within` seconds."""
    deadline = time.monotonic() + within
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(running(pid) for pid in pids)
