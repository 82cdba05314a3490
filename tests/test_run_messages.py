"""The messages of a run (shushuo/run.py, shushuo/stages.py) that the analyst acts on: every path
they name can be opened once the run is over (the work folder <run-id>.partial is renamed to
<run-id> or <run-id>.failed when it ends), and an input folder that is missing or holds no
return says what to do, for the command line and for make."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from shushuo.run import WAREHOUSE, RunFailed, RunOptions, run


def _run(inputs: Path, build: Path) -> tuple[list[str], RunFailed | None]:
    said: list[str] = []
    try:
        run(RunOptions(inputs, build, demo_key=True), say=said.append)
    except RunFailed as failure:
        return said, failure
    return said, None


def _paths_named(messages: list[str], build: Path) -> list[Path]:
    """Every path under the build folder a message names (a path runs up to a space or a bracket)."""
    return [Path(p.rstrip("。，")) for m in messages for p in re.findall(re.escape(str(build)) + r"[^\s（）]*", m)]


def _stand_in_stage(fail: bool):
    """In place of dbt, the gate and the reports (minutes): a stage that fails, or leaves a
    bulletin to publish. The 整改清单 are real: read_returns writes them."""

    def stage(ctx):
        if fail:
            raise RunFailed("质量检查未通过，本次结果不发布")
        (ctx.work / "bulletin.html").write_text("公报", encoding="utf-8")
        ctx.outputs["html"] = ctx.work / "bulletin.html"

    return (stage,)


@pytest.fixture
def inputs_with_a_bad_file(small_demo, tmp_path) -> Path:
    inputs = tmp_path / "inputs"
    shutil.copytree(small_demo, inputs)
    (inputs / "打不开的报表.xlsx").write_text("not a workbook")  # read_returns writes a 整改清单 for it
    return inputs


def test_the_paths_a_published_run_names_are_in_its_final_folder(inputs_with_a_bad_file, tmp_path, monkeypatch):
    monkeypatch.setattr("shushuo.run.STAGES_AFTER_READING", _stand_in_stage(fail=False))
    build = (tmp_path / "build").resolve()
    said, failure = _run(inputs_with_a_bad_file, build)
    assert failure is None
    published = (build / "current").resolve()
    assert f"整改清单 1 份（须退回填报单位）：{published / 'feedback'}" in said
    named = _paths_named(said, build)
    assert len(named) == 1 and all(p.exists() for p in named), named


def test_the_paths_a_failed_run_names_are_in_its_failed_folder(inputs_with_a_bad_file, tmp_path, monkeypatch):
    monkeypatch.setattr("shushuo.run.STAGES_AFTER_READING", _stand_in_stage(fail=True))
    build = (tmp_path / "build").resolve()
    said, failure = _run(inputs_with_a_bad_file, build)
    assert failure is not None and failure.run_dir.name.endswith(".failed") and failure.run_dir.is_dir()
    assert f"整改清单 1 份（须退回填报单位）：{failure.run_dir / 'feedback'}" in said
    named = _paths_named(said, build)
    assert len(named) == 1 and all(p.exists() for p in named), named
    assert not (build / "current").exists()


def test_a_blocked_gate_names_its_report_where_the_failed_run_keeps_it(tmp_path):
    """The gate's message is made before the work folder is renamed: it names the folder the
    run will have once it has failed."""
    import duckdb
    from sample_warehouse import empty_warehouse

    from shushuo import publish
    from shushuo.manifest import Manifest
    from shushuo.run_context import RunContext
    from shushuo.stages import check_quality

    period = (date(2018, 1, 1), date(2018, 12, 31))
    work = publish.start(tmp_path, "r1")
    with duckdb.connect(str(empty_warehouse(work / WAREHOUSE, period))) as connection:
        connection.execute("delete from raw.submissions where unit_code = 'S07'")  # a unit missing: the gate blocks
        for unit, row in (("S03", 4), ("S04", 9)):  # one member listed by two units: 重复填报.xlsx
            connection.execute(
                f"insert into intermediate.int_members_by_unit values ('{unit}', 'p1', DATE '2010-05-01', 1)"
            )
            connection.execute(
                "insert into staging.stg_members (unit_code, person_key, source_file, sheet, source_row) "
                f"values ('{unit}', 'p1', '{unit}.xlsx', '会员名册', {row})"
            )
            connection.execute(
                "insert into marts.members_on_several_rolls (group_no, person_key, unit_code, source_file, sheet,"
                f" source_row) values (1, 'p1', '{unit}', '{unit}.xlsx', '会员名册', {row})"
            )
    said: list[str] = []
    ctx = RunContext(
        tmp_path,
        tmp_path,
        work,
        "r1",
        b"k" * 32,
        Manifest("r1", {}),
        say=said.append,
        doing=lambda *_: None,
        chosen_period=period,
    )
    with pytest.raises(RunFailed) as failure:
        check_quality(ctx)
    failed = publish.abandon(work)
    ctx.say_files(failed)  # as shushuo/run.py does once the folder is renamed
    assert said == [f"同一会员被多个单位填报的清单（请转各单位核实）：{failed / '重复填报.xlsx'}"]
    assert (failed / "重复填报.xlsx").is_file()
    assert f"全部检查结果见：{failed / 'checks' / 'checks.html'}" in str(failure.value)
    assert (failed / "checks" / "checks.html").is_file()
    assert ".partial" not in str(failure.value)


def test_a_missing_input_folder_names_the_option_and_the_make_variable(tmp_path):
    with pytest.raises(RunFailed) as failure:
        run(RunOptions(tmp_path / "没有这个文件夹", tmp_path / "build", demo_key=True), say=lambda *_: None)
    assert "--input <文件夹>" in str(failure.value) and "INPUT=<文件夹>" in str(failure.value)


def test_a_folder_without_any_workbook_says_which_files_are_read(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "说明.txt").write_text("报表稍后发送")
    _said, failure = _run(inputs, tmp_path / "build")
    assert failure is not None
    assert f"输入目录 {inputs.resolve()} 中没有报表文件" in str(failure)
    assert all(suffix in str(failure) for suffix in (".xlsx", ".xlsm", ".xls", ".csv"))
    assert "封面" not in str(failure)


def test_a_folder_of_workbooks_without_a_usable_cover_keeps_the_cover_hint(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "打不开的报表.xlsx").write_text("not a workbook")
    said, failure = _run(inputs, tmp_path / "build")
    assert failure is not None
    assert "没有可读取的报表（封面须填写填报单位与统计期）" in str(failure)
    assert "没有报表文件" not in str(failure)
    # the run failed for want of a usable return: the clerks still get their 整改清单
    (folder,) = [p for p in _paths_named([m for m in said if m.startswith("整改清单")], tmp_path / "build")]
    assert folder.parent.name.endswith(".failed") and [f.name for f in folder.iterdir()] == [
        "打不开的报表_整改清单.xlsx"
    ]
