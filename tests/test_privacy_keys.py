"""The pseudonym key: the demo run uses the public demo key and says so; a real run takes the key
from $SHUSHUO_KEY or the key file outside the repository and says which."""

import pytest
from typer.testing import CliRunner

import shushuo.demo_data
import shushuo.run
from shushuo.cli import app
from shushuo.run import RunOptions, run


class Stop(Exception):
    """Ends a run at its first message: the key is chosen before anything is read."""


def first_message(options: RunOptions) -> str:
    said = []

    def say(text):
        said.append(str(text))
        raise Stop

    with pytest.raises(Stop):
        run(options, say=say)
    return said[0]


def test_a_demo_run_says_it_uses_the_public_demo_key(small_demo, tmp_path):
    message = first_message(RunOptions(small_demo, tmp_path, demo_key=True))
    assert "演示密钥" in message and "不能用于真实报表" in message


def test_a_real_run_names_where_its_key_comes_from(small_demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SHUSHUO_KEY", "ab" * 32)
    assert "环境变量 SHUSHUO_KEY" in first_message(RunOptions(small_demo, tmp_path / "a"))
    monkeypatch.delenv("SHUSHUO_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    message = first_message(RunOptions(small_demo, tmp_path / "b"))
    assert "首次使用" in message and str(tmp_path / "config" / "shushuo" / "pseudonym.key") in message
    assert "演示" not in message


def test_the_cli_uses_the_demo_key_only_for_the_demo_data(small_demo, tmp_path, monkeypatch):
    chosen = []

    def fake_run(options, say, status=None):
        chosen.append(options.demo_key)
        raise shushuo.run.RunFailed("stop")

    monkeypatch.setattr(shushuo.demo_data, "ensure_demo", lambda *_, **__: small_demo)
    monkeypatch.setattr(shushuo.run, "run", fake_run)
    runner = CliRunner()
    runner.invoke(app, ["run", "--build", str(tmp_path)])
    runner.invoke(app, ["run", "--input", str(small_demo), "--build", str(tmp_path)])
    assert chosen == [True, False]
