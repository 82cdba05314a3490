"""Which part may import which (docs/architecture.md): the shared facts (domain/) import no part;
the stages (ingest, checks, reports) and the models never import the runner (shushuo/) nor the demo
generator (demo/); the runner imports them."""

from __future__ import annotations

import re

from domain.paths import REPO_ROOT

ROOT = REPO_ROOT
STAGES = ("ingest", "checks", "reports", "models", "macros")
IMPORTS_RUNNER = re.compile(r"^\s*(?:from\s+shushuo[\s.]|import\s+shushuo\b)", re.M)


def test_no_stage_imports_the_runner():
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for stage in STAGES
        for path in sorted((ROOT / stage).rglob("*.py"))
        if "__pycache__" not in path.parts
        for text in [path.read_text(encoding="utf-8")]
        for m in IMPORTS_RUNNER.finditer(text)
    ]
    assert not found, f"a stage imports shushuo (the runner): {found}"


def test_the_demo_and_the_test_stand_ins_are_outside_the_stages():
    for stage in ("ingest", "checks", "reports"):
        assert not (ROOT / stage / "demo").exists(), stage
        assert not list((ROOT / stage).rglob("sample_warehouse.py")), stage
        assert not list((ROOT / stage).rglob("synthetic.py")), stage


def test_ingest_knows_no_later_stage_and_checks_do_not_know_reports():
    parts = ("ingest", "checks", "reports", "shushuo", "desk", "demo")
    for stage, later in (
        ("domain", parts),
        ("ingest", ("checks", "reports", "demo")),
        ("checks", ("reports", "demo")),
        ("reports", ("demo",)),
    ):
        pattern = re.compile(rf"^\s*(?:from|import)\s+({'|'.join(later)})\b", re.M)
        found = [
            path.relative_to(ROOT).as_posix()
            for path in sorted((ROOT / stage).rglob("*.py"))
            if pattern.search(path.read_text(encoding="utf-8"))
        ]
        assert not found, f"{stage} imports a later stage: {found}"


def test_the_check_finds_an_import_of_the_runner():
    for line in ("from shushuo.paths import REPO_ROOT", "import shushuo", "    from shushuo import publish"):
        assert IMPORTS_RUNNER.search(f'"""doc"""\n{line}\n'), line
    for line in ("from domain import schema", "# shushuo runs this", "x = 'from shushuo'"):
        assert not IMPORTS_RUNNER.search(line), line
