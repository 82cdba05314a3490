"""A kill -9 of the server during an upload leaves no half file counted and the state readable; an
upload whose check a kill interrupted is checked when the server starts again; the server's check
worker ends with it."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import time

import httpx
from desk_helpers import TIANQIAO, YUETAN, make_desk, serve
from process_helpers import children, ended

from desk.db import Database
from desk.store import stored_path


def _signed_in(url: str, username: str, password: str) -> tuple[httpx.Client, str]:
    import re

    client = httpx.Client(base_url=url, timeout=30)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"csrf": token, "username": username, "password": password})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/clerk").text).group(1)
    return client, token


def test_a_server_killed_mid_upload_counts_no_half_file(small_demo, tmp_path):
    desk = make_desk(tmp_path / "desk")
    log = tmp_path / "server.log"
    process, url = serve(desk, log)
    try:
        client, token = _signed_in(url, "s09", desk.passwords["s09"])
        body_head = (
            f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
            f'--b\r\nContent-Disposition: form-data; name="file"; filename="{TIANQIAO}"\r\n\r\n'
        ).encode()
        data = (small_demo / TIANQIAO).read_bytes()
        body = body_head + data + b"\r\n--b--\r\n"
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(
                (
                    f"POST /clerk/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                    f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body[: len(body_head) + len(data) // 2]
            )
            incoming = desk.config.paths.incoming
            deadline = time.monotonic() + 30
            while not any(incoming.glob("*.part")):  # half the file is on disk
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        db = Database(desk.config.paths.database)  # readable
        assert db.one("select count(*) from uploads")[0] == 0
        assert list(desk.config.paths.inbox.iterdir()) == []
        assert not [p for p in desk.config.paths.store.rglob("*") if p.is_file()]

        # A check the kill interrupted: the upload is kept (stored, state 'checking'); the server
        # checks it when it starts again. The half file of the upload above is removed then too.
        stored = stored_path(desk.config.paths.store, "a" * 64)
        stored.parent.mkdir(parents=True)
        shutil.copyfile(small_demo / YUETAN, stored)
        user = db.one("select id from users where username = 's03'")["id"]
        db.execute(
            "insert into uploads (period_id, unit_code, user_id, original_name, sha256, size, uploaded_at) "
            "values (1, 'S03', ?, ?, ?, 1, '2019-01-10 10:00:00')",
            user,
            YUETAN,
            "a" * 64,
        )
        process, url = serve(desk, log)
        deadline = time.monotonic() + 120
        while (row := db.one("select state, result_json from uploads"))["state"] != "checked":
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        assert json.loads(row["result_json"])["verdict"] == "passed"
        while not (desk.config.paths.inbox / YUETAN).is_file():  # placed just after the result is kept
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert list(desk.config.paths.incoming.iterdir()) == []

        # The check's worker (spawned, waiting for the next upload) ends with a server killed.
        helpers = children(process.pid)
        assert helpers, "the server has its check worker"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert ended(helpers)
    finally:
        process.kill()
        process.wait(timeout=10)
