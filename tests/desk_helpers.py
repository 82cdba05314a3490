"""A submission desk for tests: its own folder, the 2018 period, accounts for a clerk of 月坛 (S03),
a clerk of 天桥 (S09), an analyst and the publicity office, and the small demo's returns to upload
(one of them spoiled at two cells)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from starlette.testclient import TestClient

from desk.accounts import add_user
from desk.app import DeskConfig
from desk.db import Database
from desk.paths import desk_paths
from desk.season import set_period

TEST_KEY = "5e" * 32  # SHUSHUO_KEY for the checks: the key only keys pseudonyms, which a check discards
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
DEADLINE = dt.date(2019, 1, 31)
YUETAN = "月坛街道工会服务站_2018年度.xlsx"
TIANQIAO = "天桥街道工会服务站_2018年度.xlsx"
# The two cells spoiled in 月坛's return: a 身份证号 whose check digit is wrong, a 入会日期 that is no date.
BAD_CELLS = {("会员名册", "B4"): "110115196705216244", ("会员名册", "E5"): "不详"}


@dataclass
class Desk:
    root: Path
    config: DeskConfig
    passwords: dict[str, str] = field(default_factory=dict)  # username → password
    db: Database | None = None


def make_desk(root: Path, build: Path | None = None, **config) -> Desk:
    paths = desk_paths(root, build or root.parent / f"{root.name}-build").make()
    db = Database(paths.database)
    set_period(db, *PERIOD, DEADLINE)
    config.setdefault("warm_runs", False)  # a waiting run process per test desk: only where a test presses run
    desk = Desk(root, DeskConfig(paths, check_workers=1, **config), db=db)
    for role, unit, name in (
        ("clerk", "S03", None),
        ("clerk", "S09", None),
        ("analyst", None, "analyst"),
        ("publicity", None, "publicity"),
    ):
        username, password = add_user(db, role, unit, name)
        desk.passwords[username] = password
    return desk


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page holds no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "username": username, "password": password})


def upload(client: TestClient, path: Path, name: str | None = None, token: str | None = None, page: str = "/clerk"):
    token = token if token is not None else csrf_of(client.get(page).text)
    return client.post("/clerk/upload", data={"csrf": token}, files={"file": (name or path.name, path.read_bytes())})


def spoiled_return(demo: Path, out: Path) -> Path:
    """月坛's return with the two BAD_CELLS."""
    book = openpyxl.load_workbook(demo / YUETAN)
    for (sheet, cell), value in BAD_CELLS.items():
        book[sheet][cell].value = value
    out.mkdir(parents=True, exist_ok=True)
    book.save(out / YUETAN)
    return out / YUETAN


def copy_return(demo: Path, name: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(demo / name, out / name))


def upload_id(response) -> int:
    found = re.search(r"/uploads/(\d+)$", str(response.url))
    assert found, f"not on an upload's page: {response.url}"
    return int(found.group(1))


def serve(desk: Desk, log: Path, check_workers: int = 1):
    """`shushuo serve` for this desk in a process of its own on a free port; returns (process, url)
    once it answers."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli = "import sys; from shushuo.cli import app; sys.argv[0] = 'shushuo'; app()"
    command = [sys.executable, "-c", cli, "serve", "--port", str(port), "--desk-dir", str(desk.root)]
    command += ["--build", str(desk.config.paths.build), "--check-workers", str(check_workers)]
    with open(log, "ab") as handle:
        process = subprocess.Popen(command, env={**os.environ, "SHUSHUO_KEY": TEST_KEY}, stdout=handle, stderr=handle)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/login", timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("报送平台未能启动：" + log.read_text(errors="replace")) from None
            time.sleep(0.3)
