"""The whole-run short cut (shushuo/unchanged.py): a rerun with nothing changed returns the run
build/current points at and says so; any change to a workbook (content, name, time), the key,
the parameters or the code makes a real run; so does a published run missing an output. And the
run records what the ingest cache reused."""

from __future__ import annotations

import inspect
import json
import os
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from domain.paths import REPO_ROOT
from ingest.clean.pseudonymise import DEMO_KEY
from shushuo import unchanged
from shushuo.run import RunOptions, run

PARAMETERS = {"input_dir": "in", "demo_key": True, "period": [None, None]}


@pytest.fixture
def published(small_run, tmp_path) -> Path:
    """A copy of the small demo's build folder (its current run made by the code under test)."""
    build = tmp_path / "build"
    shutil.copytree(small_run.run_dir.parent.parent, build, symlinks=True)
    return build


def _same_code_as_the_published_run(build: Path, input_dir: Path) -> None:
    """The recorded fingerprint is the one a rerun computes; where someone edited the code since
    the run (engineers share a work tree), the copy's manifest is given the present one."""
    path = (build / "current" / "manifest.json").resolve()
    manifest = json.loads(path.read_text(encoding="utf-8"))
    asked = {"input_dir": str(input_dir.resolve()), "demo_key": True, "period": [None, None], "engine": "duckdb"}
    now = unchanged.run_fingerprint(input_dir.resolve(), DEMO_KEY, asked)
    started = datetime.fromisoformat(manifest["started_at"]).timestamp() - 1
    if any(p.stat().st_mtime >= started for p in unchanged.code_files()):
        manifest["parameters"][unchanged.FINGERPRINT] = now
        path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert manifest["parameters"][unchanged.FINGERPRINT] == now


def test_a_rerun_with_nothing_changed_returns_the_published_run(small_demo, small_run, published):
    _same_code_as_the_published_run(published, small_demo)
    said = []
    runs_before = sorted(p.name for p in (published / "runs").iterdir())
    result = run(RunOptions(small_demo, published, demo_key=True, reuse_unchanged=True), say=said.append)
    assert result.run_id == small_run.run_id and result.period == small_run.period
    assert result.bulletin.is_file() and result.run_dir == (published / "current").resolve()
    assert result.warnings == small_run.warnings
    assert any("未重新计算" in str(line) and small_run.run_id in str(line) for line in said)
    assert sorted(p.name for p in (published / "runs").iterdir()) == runs_before


def test_the_published_run_records_its_fingerprint_and_what_the_cache_did(small_run):
    manifest = json.loads((small_run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["parameters"][unchanged.FINGERPRINT]) == 64
    ingest = next(s for s in manifest["stages"] if s["stage"] == "ingest")
    assert ingest["files_reused"] + ingest["files_read"] == len(manifest["inputs"])
    assert ingest["read_seconds"] >= 0 and ingest["load_seconds"] >= 0


def test_any_change_is_a_new_fingerprint(small_demo, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(small_demo, folder)
    before = unchanged.run_fingerprint(folder, DEMO_KEY, PARAMETERS)
    assert unchanged.run_fingerprint(folder, DEMO_KEY, PARAMETERS) == before
    assert unchanged.run_fingerprint(folder, b"another key, long enough", PARAMETERS) != before
    assert unchanged.run_fingerprint(folder, DEMO_KEY, {**PARAMETERS, "period": ["2018-01-01", "2018-06-30"]}) != before
    assert unchanged.run_fingerprint(folder, DEMO_KEY, {**PARAMETERS, "engine": "spark"}) != before
    workbook = sorted(folder.glob("*.xlsx"))[0]
    os.utime(workbook, (1_600_000_000, 1_600_000_000))
    touched = unchanged.run_fingerprint(folder, DEMO_KEY, PARAMETERS)
    assert touched != before
    stamp = workbook.stat().st_mtime_ns
    data = workbook.read_bytes()
    workbook.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    os.utime(workbook, ns=(stamp, stamp))  # same time, other bytes
    assert unchanged.run_fingerprint(folder, DEMO_KEY, PARAMETERS) not in (before, touched)
    shutil.copy2(workbook, folder / "补报.xlsx")
    assert unchanged.run_fingerprint(folder, DEMO_KEY, PARAMETERS) not in (before, touched)


def test_a_code_change_is_a_new_fingerprint(small_demo, tmp_path):
    """In a copy of the tree: a model, a module a stage imports inside a function, and a module
    newly imported by one are each a new fingerprint; the demo generator (not run by a run) is not."""
    repo = tmp_path / "repo"
    for name in (
        "shushuo",
        "domain",
        "ingest",
        "demo",
        "checks",
        "reports",
        "models",
        "macros",
        "seeds",
        "dbt_project.yml",
        "profiles.yml",
    ):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)

    def fingerprint() -> str:
        return unchanged.run_fingerprint(small_demo, DEMO_KEY, PARAMETERS, root=repo)

    before = fingerprint()
    for edited in (next(repo.joinpath("models").rglob("*.sql")), repo / "checks" / "gate.py"):
        original = edited.read_text(encoding="utf-8")
        edited.write_text(original + "\n-- changed\n" if edited.suffix == ".sql" else original + "\n# changed\n")
        assert fingerprint() != before, edited
        edited.write_text(original, encoding="utf-8")
    assert fingerprint() == before
    (repo / "demo" / "plan.py").write_text("# not run by a run\n", encoding="utf-8")
    assert fingerprint() == before
    (repo / "reports" / "new_helper.py").write_text("X = 1\n", encoding="utf-8")
    assert fingerprint() == before  # not imported by anything yet
    bulletin = repo / "reports" / "bulletin.py"
    bulletin.write_text("from reports import new_helper  # noqa: F401\n" + bulletin.read_text(encoding="utf-8"))
    with_import = fingerprint()
    (repo / "reports" / "new_helper.py").write_text("X = 2\n", encoding="utf-8")
    assert fingerprint() != with_import


def test_a_published_run_is_reused_only_whole_and_with_the_same_fingerprint(published):
    current = (published / "current").resolve()
    fingerprint = json.loads((current / "manifest.json").read_text(encoding="utf-8"))["parameters"][
        unchanged.FINGERPRINT
    ]
    assert unchanged.published_manifest(published, fingerprint) is not None
    assert unchanged.published_manifest(published, "0" * 64) is None
    (current / "bulletin.md").write_text("edited by hand", encoding="utf-8")
    assert unchanged.published_manifest(published, fingerprint) is None
    (current / "bulletin.md").unlink()
    assert unchanged.published_manifest(published, fingerprint) is None


def test_a_published_run_is_not_reused_from_the_day_its_inputs_read_differently(small_run, published):
    """The date is not in the fingerprint (the next morning's rerun is the short cut); only a run
    whose returns held an ID rejected for a birth date after today is redone from that day."""
    assert "today" not in inspect.getsource(unchanged.run_fingerprint)
    path = (published / "current" / "manifest.json").resolve()
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert unchanged.CHANGES_ON in manifest["parameters"]  # None for the demo: no such ID
    fingerprint = manifest["parameters"][unchanged.FINGERPRINT]
    for day, reused in ((date.today() + timedelta(days=1), True), (date.today(), False)):
        manifest["parameters"][unchanged.CHANGES_ON] = day.isoformat()
        path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        assert (unchanged.published_manifest(published, fingerprint) is not None) is reused, day
