"""The analyst's run and release buttons: `shushuo run --input <inbox>` (the same pipeline and the
same run lock, shushuo/lock.py, as `make report INPUT=<inbox>`) or `shushuo release --by <analyst>`
(as `make release`), each in a process of its own, started before the press with the run's modules
imported (desk/warm_runner.py), its output kept in a log the page shows while it runs. One at a
time: a press while one is running (from the desk, or from a terminal holding the
run lock) gets a message, not a second one."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from desk import warm_runner
from desk.db import Database, now
from desk.paths import DeskPaths
from desk.warm_runner import WarmRunner
from shushuo import publish

_starting = threading.Lock()
_processes: dict[int, subprocess.Popen] = {}
_runner: WarmRunner | None = None  # the next command's process, waiting (keep_warm)
_warm = False


class RunRefused(Exception):
    """Chinese: why no run was started."""


KINDS = {"run": "运行", "release": "发布"}


def command(paths: DeskPaths) -> list[str]:
    """`shushuo run` on the inbox (its arguments)."""
    return ["run", "--input", str(paths.inbox), "--build", str(paths.build)]


def release_command(paths: DeskPaths, by: str, note: str, accept_open_problems: bool) -> list[str]:
    """`shushuo release` (its arguments)."""
    extra = ["--note", note] if note else []
    extra += ["--accept-open-problems"] if accept_open_problems else []
    return ["release", "--by", by, "--build", str(paths.build), *extra]


def keep_warm() -> None:
    """From now on, the next command's process is started before it is needed (desk/warm_runner.py):
    now, and whenever a run ends."""
    global _warm
    _warm = True
    _prepare()


def stop_warm() -> None:
    """The desk is stopping: the waiting process leaves."""
    global _warm, _runner
    _warm = False
    with _starting:
        runner, _runner = _runner, None
    if runner is not None:
        runner.stop()


def _prepare() -> None:
    """A waiting process for the next press, unless one is there. One that cannot be started (no
    memory, no process left) is no reason to fail: the next press then starts its process cold."""
    global _runner
    with _starting:
        if _warm and (_runner is None or not _runner.alive()):
            if _runner is not None:
                _runner.stop()  # it died waiting: collected
            try:
                _runner = WarmRunner()
            except OSError:
                _runner = None


def running(db: Database):
    return db.one("select * from runs where state = 'running' order by id desc limit 1")


def start(db: Database, paths: DeskPaths, username: str, kind: str = "run", argv: list[str] | None = None) -> int:
    """Start a run (or, kind 'release', the release command `argv`); returns its id. RunRefused
    when one is running."""
    global _runner
    with _starting:
        current = running(db)
        if current is not None and _alive(current["id"]):
            what = KINDS.get(current["kind"], "运行")
            raise RunRefused(
                f"已有一次{what}正在进行（{current['started_by']} 于 {current['started_at']} 开始），请等它结束。"
            )
        if current is not None:  # the server was restarted while it ran: it did not finish
            finish(db, current["id"], "failed", "平台重启，这次运行未完成")
        if kind == "run" and not any(p.suffix for p in paths.inbox.iterdir() if not p.name.startswith(".")):
            raise RunRefused("收件箱中还没有任何单位的报表，无法运行。")
        log = paths.runs / f"run-{now().replace(' ', '_').replace(':', '')}.log"
        run_id = db.execute(
            "insert into runs (kind, started_at, started_by, state, log_path) values (?, ?, ?, 'running', ?)",
            kind,
            now(),
            username,
            str(log),
        )
        runner, _runner = _runner, None
        process = warm_runner.start(argv or command(paths), log, runner)
        _processes[run_id] = process
    threading.Thread(target=_wait, args=(db, paths, run_id, process, kind, log), daemon=True).start()
    return run_id


def _alive(run_id: int) -> bool:
    process = _processes.get(run_id)
    return process is not None and process.poll() is None


def _wait(db: Database, paths: DeskPaths, run_id: int, process: subprocess.Popen, kind: str, log: Path) -> None:
    code = process.wait()
    what = KINDS[kind]
    _prepare()  # the next press's process, before the page says the run ended
    if code == 0:
        folder = publish.current(paths.build) if kind == "run" else None
        finish(db, run_id, "done", f"{what}完成", folder)
    else:
        if log.is_file() and log.stat().st_size == 0:  # it ended before it could write a word
            log.write_text(f"{what}进程意外退出（返回码 {code}），没有留下记录。\n", encoding="utf-8")
        finish(db, run_id, "failed", f"{what}未完成，原因见下方记录")
    _processes.pop(run_id, None)  # after finish: a press meanwhile sees a run still going, not a lost one


def finish(db: Database, run_id: int, state: str, message: str, run_dir: Path | None = None) -> None:
    db.execute(
        "update runs set state = ?, finished_at = ?, message = ?, run_dir = ? where id = ?",
        state,
        now(),
        message,
        str(run_dir) if run_dir else None,
        run_id,
    )


def log_tail(path: str, lines: int = 40) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def outputs(run_dir: Path) -> list[str]:
    """The run's outputs worth a link, relative to its folder."""
    wanted = [
        "bulletin.html",
        "bulletin.docx",
        "figures.xlsx",
        "checks/checks.html",
        "提交情况.xlsx",
        "重复填报.xlsx",
        "site/index.html",
        "manifest.json",
    ]
    return [name for name in wanted if (run_dir / name).is_file()]
