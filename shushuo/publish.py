"""Build into a new folder, switch `build/current` to it only when everything succeeded.

A run writes build/runs/<run-id>.partial/; on success it is renamed to build/runs/<run-id>/ and
build/current (a symlink) is replaced atomically. A run that fails or is killed leaves the last
good outputs where they were: readers of build/current never see a half-written run."""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import datetime
from pathlib import Path

PARTIAL = ".partial"
FAILED = ".failed"


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def start(build_dir: Path, run_id: str) -> Path:
    work = build_dir / "runs" / f"{run_id}{PARTIAL}"
    work.mkdir(parents=True)
    return work


def published_path(work: Path) -> Path:
    """Where the work folder will be once the run is published (finish)."""
    return work.with_name(work.name.removesuffix(PARTIAL))


def failed_path(work: Path) -> Path:
    """Where the work folder will be once the run has failed (abandon): a message about a run
    that is failing names its files there, the only place they can be opened afterwards."""
    return work.with_name(work.name.removesuffix(PARTIAL) + FAILED)


def finish(build_dir: Path, work: Path) -> Path:
    """Make the run the current one: rename, then swap the symlink in one rename(2)."""
    final = published_path(work)
    work.rename(final)
    link = build_dir / "current"
    tmp = build_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(final.relative_to(build_dir), target_is_directory=True)
    os.replace(tmp, link)
    return final


def abandon(work: Path) -> Path:
    """Keep a failed run for diagnosis, under a name nobody mistakes for a good one."""
    failed = failed_path(work)
    if work.exists():
        work.rename(failed)
    return failed


def current(build_dir: Path) -> Path | None:
    link = build_dir / "current"
    return link.resolve() if link.is_symlink() else None


def prune(build_dir: Path, keep: int = 5) -> None:
    """Remove old runs (never the current one) and the leftovers of killed runs. Call it under
    the run lock: a .partial folder then cannot belong to a live run."""
    runs = build_dir / "runs"
    if not runs.is_dir():
        return
    live = current(build_dir)
    good = sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.endswith((PARTIAL, FAILED)))
    failed = sorted(p for p in runs.iterdir() if p.name.endswith(FAILED))
    partial = [p for p in runs.iterdir() if p.name.endswith(PARTIAL)]
    for path in good[:-keep] + failed[:-keep] + partial:
        if path.resolve() != live:
            shutil.rmtree(path, ignore_errors=True)
