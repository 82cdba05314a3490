"""What a run shows while it works (the CLI's live status line): each stage as it starts, and the
workbooks read so far, so that a city-scale run of minutes is never a silent terminal."""

from __future__ import annotations

import re

from shushuo.run import RunOptions, run


def test_the_status_follows_the_stages_and_counts_the_workbooks(small_demo, tmp_path):
    shown: list[str] = []
    run(RunOptions(small_demo, tmp_path / "build", demo_key=True), say=lambda *_: None, status=shown.append)
    files = len(list(small_demo.glob("*.xlsx")))
    reading = [s for s in shown if s.startswith("读取报表 ")]
    assert [int(re.match(r"读取报表 (\d+)/", s).group(1)) for s in reading] == list(range(1, files + 1))
    assert all(s.startswith(f"读取报表 {i}/{files}：") for i, s in enumerate(reading, 1))
    assert all(s.endswith(".xlsx") for s in reading[:-1]) and reading[-1].endswith("；写入数据库…")
    stages = [s for s in shown if not s.startswith("读取报表 ")]
    assert stages == [
        "读取报表…",
        "上一统计期指标（同比）…",
        "建模：dbt build…",
        "质量检查…",
        "生成公报和图表…",
        "导出数字、PDF 和网页…",
    ]
    assert shown.index("读取报表…") < shown.index(reading[0]) and shown.index(reading[-1]) < shown.index(
        "上一统计期指标（同比）…"
    )


def test_the_cli_status_line_runs_no_thread_while_the_workers_are_forked(small_demo, tmp_path, monkeypatch):
    """An auto-refreshing rich display runs a thread; forking the reading workers while it holds
    a lock could hang a worker. The CLI's status line is refreshed only when it changes."""
    import threading

    from typer.testing import CliRunner

    import shushuo.run
    from shushuo.cli import app

    threads = []

    def fake_run(options, say, status=None):
        status("读取报表…")
        threads.append(sorted(t.name for t in threading.enumerate()))
        raise shushuo.run.RunFailed("stop")

    monkeypatch.setattr(shushuo.run, "run", fake_run)
    before = sorted(t.name for t in threading.enumerate())  # other tests' runs may have left some (tqdm's monitor)
    result = CliRunner().invoke(app, ["run", "--input", str(small_demo), "--build", str(tmp_path)])
    assert result.exit_code == 1 and threads == [before]
