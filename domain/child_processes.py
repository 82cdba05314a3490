"""A helper process that ends with the process that started it, however that one ends.

A forked or spawned helper (the raw checks beside dbt, the desk's upload checkers) holds copies
of its parent's open files and waits on pipes whose other end it holds too: when its parent is
killed (kill -9, the OOM killer) nothing tells it to stop, and it would wait, holding a run lock
or 200 MB, until the machine restarts. The kernel's parent-death signal ends it instead
(end_with_parent) or, for a helper whose parent may start it from a thread that ends before it
should, a thread of the helper's own that watches for its parent (watch_parent)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time

_PR_SET_PDEATHSIG = 1  # prctl(2)


def end_with_parent(parent_pid: int) -> None:
    """Call first thing in the helper, with the pid its parent had (os.getpid() there, passed
    in): the helper is killed when the parent ends, or exits now if the parent has already gone.
    Linux signals the death of the parent's thread that started the helper: start helpers from a
    thread that lives as long as they are needed. Elsewhere (no prctl) nothing is done."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent ended before the line above
        os._exit(0)


def watch_parent(parent_pid: int, every: float = 1.0) -> None:
    """Call first thing in the helper: a daemon thread ends it within `every` seconds of its
    parent's end. For a helper started from a thread that may end while it is still needed (a
    process pool's workers are started by whichever thread submits work), where the parent-death
    signal would end it with that thread."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
