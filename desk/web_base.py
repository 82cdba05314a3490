"""What every part of the desk's web application shares: its configuration, folders, database and
page templates, the refusal that never says whether a thing exists for someone else, a file sent as
an attachment, the pool of worker processes that check each upload (desk/checking.py: a file
that kills the reader takes a worker, not the server), and the next run's process kept waiting
(desk/warm_runner.py)."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.responses import FileResponse
from starlette.templating import Jinja2Templates

from desk import accounts, checking, inbox, runs
from desk.db import Database, now
from desk.paths import DeskPaths
from desk.season import current_period
from desk.store import clear_incoming, stored_path
from ingest.find.file_guard import LIMITS

HERE = Path(__file__).parent
# Pages the pipeline wrote (bulletin, site) carry their own inline styles and scripts.
OUTPUT_HEADERS = {
    "content-security-policy": "default-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
}
CRASHED = (
    "读取这个文件时检查进程崩溃（文件可能经过特意构造或已损坏），未计入：请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"
)


@dataclass
class DeskConfig:
    paths: DeskPaths
    secure_cookies: bool = False
    upload_limit: int = LIMITS.file_bytes
    check_workers: int = 2
    # the next run's process started before the analyst presses (desk/warm_runner.py)
    warm_runs: bool = True


class Denied(Exception):
    """403 or 404 for this user; never says whether the thing exists for someone else."""


class NotSignedIn(Exception):
    """No one is signed in: a GET is sent to the sign-in page, anything else gets 401."""


def path_id(text: str) -> int:
    """An id from the path; anything else is Denied."""
    if not text.isdigit() or len(text) > 12:
        raise Denied()
    return int(text)


class DeskBase:
    """What the desk's routes share: the paths, the database, the templates, the check pool."""

    def __init__(self, config: DeskConfig):
        self.config = config
        self.paths = paths = config.paths.make()
        self.db = Database(paths.database)
        self.templates = templates = Jinja2Templates(directory=str(HERE / "templates"))
        templates.env.globals["roles"] = accounts.ROLES
        self.state: dict = {}

    def new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.config.check_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=checking.start_worker,
            initargs=(os.getpid(),),
        )

    @asynccontextmanager
    async def lifespan(self, app):
        clear_incoming(self.paths.incoming)
        self.state["pool"] = self.new_pool()
        period = current_period(self.db)
        for row in self.db.all("select id from uploads where state = 'checking'"):  # the server stopped mid-check
            asyncio.get_running_loop().create_task(self.run_check(row["id"]))
        inbox.rebuild(self.db, period, self.paths.store, self.paths.inbox)
        if self.config.warm_runs:
            runs.keep_warm()
        yield
        if self.config.warm_runs:
            runs.stop_warm()
        self.state["pool"].shutdown(wait=False, cancel_futures=True)

    def attachment(self, path: Path, name: str, media_type: str | None = None) -> FileResponse:
        return FileResponse(
            path,
            media_type=media_type or "application/octet-stream",
            headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )

    async def run_check(self, upload_id: int) -> None:
        upload = self.db.row("select * from uploads where id = ?", upload_id)
        period = self.db.row("select * from periods where id = ?", upload["period_id"])
        out = self.paths.checks / str(upload_id)
        args = (
            str(stored_path(self.paths.store, upload["sha256"])),
            checking.upload_name(upload["original_name"]),
            upload["unit_code"],
            (period["period_start"], period["period_end"]),
            str(out),
        )
        try:
            result = await asyncio.wrap_future(self.state["pool"].submit(checking.check_upload, *args))
        except BrokenProcessPool:
            self.state["pool"] = self.new_pool()
            result = checking.refused_result(args[1], CRASHED)
        self.db.execute(
            "update uploads set state = 'checked', verdict = ?, counted = ?, result_json = ?, checked_at = ?"
            " where id = ?",
            result["verdict"],
            int(result["counted"]),
            json.dumps(result, ensure_ascii=False, default=str),
            now(),
            upload_id,
        )
        self.db.audit(
            "status",
            f"#{upload_id} {upload['unit_code']} {checking.VERDICT_WORDS[result['verdict']]}"
            f"{'' if result['counted'] else '（未计入）'}",
            client="desk",
        )
        inbox.rebuild(self.db, current_period(self.db), self.paths.store, self.paths.inbox)
