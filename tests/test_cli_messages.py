"""What `shushuo run` prints around a run (shushuo/cli.py): lines that are never split, the failed
run's folder, what is said about build/current, and flags that look like flags in --help. The
pipeline itself is replaced by a stand-in: these are the console's messages, not the run's."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import shushuo.run
from shushuo.cli import app

runner = CliRunner()


def _stand_in(monkeypatch, *, said=(), failure=None, asked=None):
    """shushuo.run.run replaced: says `said`, records the options in `asked`, raises `failure`."""

    def fake_run(options, say, status=None):
        if asked is not None:
            asked.append(options)
        for message in said:
            say(message)
        raise failure or shushuo.run.RunFailed("停止")

    monkeypatch.setattr(shushuo.run, "run", fake_run)


def _run(tmp_path, *extra):
    inputs = tmp_path / "inputs"
    inputs.mkdir(exist_ok=True)
    return runner.invoke(app, ["run", "--input", str(inputs), "--build", str(tmp_path / "build"), *extra])


def test_a_long_path_is_printed_on_one_line_when_the_output_is_not_a_terminal(tmp_path, monkeypatch):
    # Longer than any console width: rich would break it (at 80 columns in a pipe) without soft wrap.
    deep = tmp_path.joinpath(*[f"第{n}层文件夹_feedback" for n in range(12)])
    failure = shushuo.run.RunFailed(f"质量检查未通过。全部检查结果见：{deep / 'checks.html'}")
    _stand_in(monkeypatch, said=[f"整改清单 3 份（须退回填报单位）：{deep}"], failure=failure)
    result = _run(tmp_path)
    assert result.exit_code == 1
    assert f"整改清单 3 份（须退回填报单位）：{deep}\n" in result.output
    assert f"全部检查结果见：{deep / 'checks.html'}\n" in result.output


def test_a_failed_run_names_its_folder_and_the_result_left_in_place(tmp_path, monkeypatch):
    build = tmp_path / "build"
    published = build / "runs" / "20180101-000000-0001"
    published.mkdir(parents=True)
    (build / "current").symlink_to(published.relative_to(build), target_is_directory=True)
    failure = shushuo.run.RunFailed("质量检查未通过")
    failure.run_dir = build / "runs" / "20180102-000000-0002.failed"
    _stand_in(monkeypatch, failure=failure)
    result = _run(tmp_path)
    assert result.exit_code == 1
    assert f"本次运行的文件（未发布，供排查）：{failure.run_dir}\n" in result.output
    assert f"上一次成功的结果未受影响：{build / 'current'}\n" in result.output
    assert "尚无已发布的结果" not in result.output


def test_a_failed_first_run_does_not_claim_a_previous_result(tmp_path, monkeypatch):
    _stand_in(monkeypatch)
    result = _run(tmp_path)
    assert result.exit_code == 1
    assert "上一次成功的结果未受影响" not in result.output
    assert f"尚无已发布的结果：{tmp_path / 'build'} 中还没有成功完成的运行。" in result.output


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["figures"]])
def test_help_shows_no_value_after_a_flag(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "--help" in result.output


def test_help_still_shows_what_an_option_with_a_value_takes():
    result = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "160"})
    assert "--force" in result.output and "<int>" in result.output and "<path>" in result.output


@pytest.mark.parametrize(("extra", "reuse"), [((), True), (("--force",), False)])
def test_force_is_still_a_flag_of_run(tmp_path, monkeypatch, extra, reuse):
    asked = []
    _stand_in(monkeypatch, asked=asked)
    assert _run(tmp_path, *extra).exit_code == 1
    assert asked[0].reuse_unchanged is reuse


@pytest.mark.parametrize(("extra", "force"), [((), False), (("--force",), True), (("--no-force",), False)])
def test_force_and_no_force_still_work_for_demo(tmp_path, monkeypatch, extra, force):
    import shushuo.demo_data

    asked = []
    monkeypatch.setattr(shushuo.demo_data, "ensure_demo", lambda out, scale, force: asked.append(force) or out)
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), *extra])
    assert result.exit_code == 0, result.output
    assert asked == [force]


def test_date_options_say_how_a_date_is_written():
    from typer.testing import CliRunner

    from shushuo.cli import app

    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert "年-月-日" in result.output and "<str>" not in result.output
