"""The desk's account commands: add-user prints a one-time password that signs in; a clerk needs a
unit of units.yaml; reset-password replaces the password; disable-user ends the account's sessions;
`shushuo serve` says where it listens and how to make the first account."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from desk_helpers import TEST_KEY, make_desk, sign_in
from starlette.testclient import TestClient
from typer.testing import CliRunner

from desk.app import create_app
from shushuo.cli import app as cli

runner = CliRunner()


def _password(output: str) -> str:
    return re.search(r"密码[^：]*：(\S+)", output).group(1)


def test_add_reset_and_disable(tmp_path, monkeypatch):
    monkeypatch.setenv("SHUSHUO_KEY", TEST_KEY)
    desk = make_desk(tmp_path / "desk")
    folder = ["--desk-dir", str(desk.root)]
    made = runner.invoke(cli, ["desk", "add-user", "--role", "clerk", "--unit", "s05", *folder])
    assert made.exit_code == 0, made.output
    assert "已创建账号 s05" in made.output
    first = _password(made.output)
    refused = runner.invoke(cli, ["desk", "add-user", "--role", "clerk", *folder])
    assert refused.exit_code == 1 and "--unit" in refused.output
    unknown = runner.invoke(cli, ["desk", "add-user", "--role", "clerk", "--unit", "X9", *folder])
    assert unknown.exit_code == 1 and "S01" in unknown.output
    with TestClient(create_app(desk.config), follow_redirects=False) as client:
        assert sign_in(client, "s05", first).headers["location"] == "/clerk"
        assert client.get("/clerk").status_code == 200
        reset = runner.invoke(cli, ["desk", "reset-password", "--name", "s05", *folder])
        second = _password(reset.output)
        assert second != first
        other = TestClient(client.app, follow_redirects=False)
        assert sign_in(other, "s05", first).status_code == 401
        assert sign_in(other, "s05", second).status_code == 303
        assert runner.invoke(cli, ["desk", "disable-user", "--name", "s05", *folder]).exit_code == 0
        assert client.get("/clerk").headers["location"] == "/login"  # the open session ends
        assert sign_in(TestClient(client.app, follow_redirects=False), "s05", second).status_code == 401


def test_serve_says_where_and_how_to_begin(tmp_path):
    cli_code = "import sys; from shushuo.cli import app; sys.argv[0] = 'shushuo'; app()"
    command = [sys.executable, "-c", cli_code, "serve", "--port", "0", "--desk-dir", str(tmp_path / "desk")]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "SHUSHUO_KEY": TEST_KEY}
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while len(lines) < 2 and time.monotonic() < deadline:
            lines.append(process.stdout.readline().decode())
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert "报送平台：http://127.0.0.1:0/" in lines[0]
    assert "shushuo desk add-user --role analyst" in lines[1]


@pytest.mark.parametrize("option, warm", [([], True), (["--no-warm-runs"], False)])
def test_serve_starts_the_next_runs_process_beforehand_unless_told_not_to(tmp_path, monkeypatch, option, warm):
    """desk/warm_runner.py: on by default; `--no-warm-runs` where the ≈ 300 MB it holds are wanted."""
    configs = []
    monkeypatch.setattr("desk.app.create_app", configs.append)
    monkeypatch.setattr("uvicorn.run", lambda app, **settings: None)
    answer = CliRunner().invoke(cli, ["serve", "--desk-dir", str(tmp_path / "desk"), *option])
    assert answer.exit_code == 0, answer.output
    assert [c.warm_runs for c in configs] == [warm]
