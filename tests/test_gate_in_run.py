"""The gate inside a run: a blocking failure stops publication (non-zero, the check named,
build/current untouched); a warning lets the run publish and appears in the bulletin's notes."""

from __future__ import annotations

import shutil

import pytest

from shushuo.run import RunFailed
from tests.conftest import run_pipeline


def test_a_missing_unit_blocks_publication_and_names_the_check(small_demo, small_run, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(small_run.run_dir.parent.parent, build, symlinks=True)
    published = (build / "current").resolve()
    inputs = tmp_path / "inputs"
    shutil.copytree(small_demo, inputs)
    next(inputs.glob("月坛*2018*.xlsx")).unlink()

    with pytest.raises(RunFailed) as failure:
        run_pipeline(inputs, build)

    message = str(failure.value)
    assert "expected_units_present" in message and "月坛" in message
    assert (build / "current").resolve() == published
    failed = [p.name for p in (build / "runs").iterdir() if p.name.endswith(".failed")]
    assert len(failed) == 1
    assert not (build / "runs" / failed[0] / "bulletin.html").exists()


def test_warnings_are_listed_in_the_bulletin_notes(small_run):
    page = small_run.bulletin.read_text(encoding="utf-8")
    notes = page[page.index("数据说明") :]
    assert small_run.warnings, "the demo plants cards of non-members: the gate must warn"
    assert any("非会员" in w for w in small_run.warnings)
    assert "非会员" in notes
