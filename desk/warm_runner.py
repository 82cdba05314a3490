"""The process of the analyst's next run or release, started before the button is pressed.

A `shushuo` command in a new process first spends ≈ 2–2.5 s starting Python and importing dbt, the
gate and the reports (shushuo/later_imports.py), a quarter of a run on a small input. The desk starts
the next command's process beforehand (when the desk starts, and when a run ends): it imports those
modules, has dbt build the seeds once in a folder of its own (warm_up_dbt), then waits on its
standard input for its job — the command's arguments, its log file and
the desk's environment — and runs it as `shushuo <arguments>` would, its output into the log. Each
run or release still has a process of its own, which ends with it: nothing of one run is left in
the next.

The waiting process may be older than what it is handed: the project's files it was imported from
(domain/fingerprint.py source_files of the CLI: code, schema, units, templates) or the installed
libraries changed since, the day is another, or the desk's environment differs. It then replaces
itself (exec) with a new `shushuo` process for the job, which starts cold, as without it. When the
waiting process has died, the desk starts a new `shushuo` process for the job (cold).

    python -m desk.warm_runner      # the waiting process (desk/runs.py starts it)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib
import json
import os
import select
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from pathlib import Path

# The command line of a cold start: `shushuo` from this interpreter, as the desk always ran it.
CLI = "import sys; from shushuo.cli import app; sys.argv[0] = 'shushuo'; app()"
ENTRY = "shushuo.cli"


def cold_argv(args: list[str]) -> list[str]:
    # -P: the working folder is not put before the installed packages, so a folder of it named desk/
    # or shushuo/ (a desk folder kept beside where the server was started) cannot stand in for them
    return [sys.executable, "-P", "-c", CLI, *args]


def _snapshot() -> dict[str, tuple[int, int]]:
    """The project files the CLI is made of, each with its modification time and size, and the
    folders of the installed libraries (a library installed, upgraded or removed changes its
    folder's time)."""
    from domain.fingerprint import source_files

    libraries = {sysconfig.get_paths()[kind] for kind in ("purelib", "platlib")}
    stamps = {}
    for path in [*source_files(ENTRY), *map(Path, sorted(libraries))]:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamps[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def reason_to_start_afresh(
    job_env: dict[str, str], started_env: dict[str, str], warmed: dict[str, tuple[int, int]], warmed_on: dt.date
) -> str | None:
    """Why this waiting process must not run the job itself (None when it may): the environment it
    was started in is not the job's; a project file or a library changed since it imported them; or
    it was started on another day (a module may take the day when imported, as ingest's validators
    take the day an ID number's birth date may not pass)."""
    if job_env != started_env:
        return "environment"
    if dt.date.today() != warmed_on:
        return "day"
    if _snapshot() != warmed:
        return "files"
    return None


def import_run_modules() -> list[str]:
    """Import what a run imports (the CLI, then shushuo/later_imports.py's later stages); the modules
    that failed (each is left to fail in the run, with its own message in the log)."""
    from shushuo.later_imports import import_later_stages

    try:
        importlib.import_module(ENTRY)
    except Exception:
        return [ENTRY]
    return import_later_stages()


def _warm_up() -> list[tuple]:
    """import_run_modules, keeping the warnings the imports gave for the job's log (the filters the
    libraries set meanwhile stay, as in a cold run); then dbt's first invocation (warm_up_dbt); then
    what was imported is set aside from the garbage collector, so that the ingest workers forked
    from this process do not copy its pages by collecting it."""
    given: list[tuple] = []
    show = warnings.showwarning
    warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: given.append(
        (message, category, filename, lineno)
    )
    try:
        failed = import_run_modules()
    finally:
        warnings.showwarning = show
    if not failed and not _job_waiting():
        warm_up_dbt()
    gc.collect()
    gc.freeze()
    return given


def _job_waiting() -> bool:
    """The job came while the modules were imported (the button was pressed right after a run
    ended): it is run now rather than after dbt's warm-up (3 s)."""
    try:
        return bool(select.select([sys.stdin], [], [], 0)[0])
    except (OSError, ValueError):
        return False


def warm_up_folder_prefix(pid: int) -> str:
    """The name dbt's warm-up folder in the temporary folder starts with: the waiting process's own,
    so that WarmRunner.stop can remove it when the process is killed during the warm-up."""
    return f"shushuo-warm-up-{pid}-"


def warm_up_dbt() -> bool:
    """dbt_runner.warm_up in a folder of its own, removed after: the run's build is then dbt's second
    invocation in this process. Its warnings are not the run's: Python's are left out (the filters
    stay as the imports set them; what dbt imports for a build, shushuo/later_imports.py imported
    before), and dbt's deprecations are forgotten, so the run says them as a cold one would. A
    warm-up that fails is left for the run to meet (False)."""
    from dbt import deprecations

    from shushuo import dbt_runner

    prefix = warm_up_folder_prefix(os.getpid())
    try:
        with warnings.catch_warnings(), tempfile.TemporaryDirectory(prefix=prefix) as folder:
            warnings.simplefilter("ignore")
            return dbt_runner.warm_up(Path(folder))
    except Exception:  # a full disk, a broken project: the run meets it and says so
        return False
    finally:
        deprecations.reset_deprecations()


def _into_log(log: str) -> None:
    """Standard output and error into the job's log, which the desk made; standard input from
    /dev/null."""
    out = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)


def main() -> int:
    started_env, warmed_on = dict(os.environ), dt.date.today()
    try:
        warmed = _snapshot()
    except Exception:
        warmed = {}
    given = _warm_up()
    line = sys.stdin.buffer.readline()
    if not line:  # the desk stopped without handing a job
        return 0
    job = json.loads(line.decode("utf-8"))
    _into_log(job["log"])
    if not warmed or reason_to_start_afresh(job["env"], started_env, warmed, warmed_on):
        os.execve(sys.executable, cold_argv(job["args"]), job["env"])
    for warning in given:
        warnings.showwarning(*warning)
    from shushuo.cli import app

    sys.argv = ["shushuo", *job["args"]]
    app(prog_name="shushuo")  # leaves by SystemExit, with the command's code and message, as a cold start
    return 0


class WarmRunner:
    """The parent's side: the waiting process, and handing it a job."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "desk.warm_runner"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def hand(self, args: list[str], log: Path) -> subprocess.Popen | None:
        """Give the waiting process its job; None when it is gone (then start one cold)."""
        job = json.dumps({"args": args, "log": str(log), "env": dict(os.environ)}, ensure_ascii=False)
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(job.encode("utf-8") + b"\n")
            self.process.stdin.close()
        except (OSError, ValueError):
            self.stop()
            return None
        return self.process

    def stop(self) -> None:
        """End a process that was never handed a job: it holds no lock, and no file but its dbt
        warm-up's folder while it warms up, removed here."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for folder in Path(tempfile.gettempdir()).glob(f"{warm_up_folder_prefix(self.process.pid)}*"):
            shutil.rmtree(folder, ignore_errors=True)
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(OSError):
                self.process.stdin.close()


def start(args: list[str], log: Path, runner: WarmRunner | None) -> subprocess.Popen:
    """The process running `shushuo <args>` into `log` (made here, empty, before either starts): the
    waiting one when there is one alive, else a new one (cold)."""
    Path(log).write_bytes(b"")
    process = None
    if runner is not None and runner.alive():
        process = runner.hand(args, log)
    elif runner is not None:
        runner.stop()  # it died waiting: collected
    if process is None:
        with open(log, "ab") as handle:
            process = subprocess.Popen(
                cold_argv(args), stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
    return process


if __name__ == "__main__":
    sys.exit(main())
