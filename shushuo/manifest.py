"""The run manifest: what went in (files and hashes), what code and parameters ran, how long each
stage took, what the checks said, and what came out. Written into every run folder."""

from __future__ import annotations

import json
import resource
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from domain.fingerprint import sha256_of
from shushuo.paths import REPO_ROOT


def code_version() -> dict:
    """The commit the code came from, and whether the work tree had uncommitted changes."""

    def git(*args: str) -> str:
        try:
            out = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return out.stdout.strip() if out.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def cpu_seconds() -> float:
    """User and system CPU of this process and of its children that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Manifest:
    run_id: str
    parameters: dict
    started_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    code: dict = field(default_factory=code_version)
    stages: list[dict] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)
    checks: dict | None = None
    outputs: list[dict] = field(default_factory=list)
    status: str = "running"
    finished_at: str | None = None

    @contextmanager
    def stage(self, name: str):
        """Time a stage, in wall seconds and in CPU seconds (`cpu_seconds`: this process, every
        thread, plus the child processes it waited for: what the stage costs on a loaded machine);
        kept whether the stage succeeds or not."""
        start, cpu = time.perf_counter(), cpu_seconds()
        entry: dict[str, object] = {"stage": name, "seconds": None, "ok": False}
        self.stages.append(entry)
        try:
            yield entry
            entry["ok"] = True
        finally:
            entry["seconds"] = round(time.perf_counter() - start, 3)
            entry["cpu_seconds"] = round(cpu_seconds() - cpu, 3)

    def record_outputs(self, run_dir: Path) -> None:
        self.outputs = [
            {"path": str(p.relative_to(run_dir)), "bytes": p.stat().st_size, "sha256": sha256_of(p)}
            for p in sorted(run_dir.rglob("*"))
            if p.is_file() and p.name != "manifest.json" and not p.name.endswith(".wal")
        ]

    def write(self, run_dir: Path, status: str) -> Path:
        self.status = status
        self.finished_at = datetime.now().isoformat(timespec="seconds")
        path = run_dir / "manifest.json"
        path.write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        return path
