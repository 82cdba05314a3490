"""The guardrails fail CI: a deliberately bad line in a copy of the tree makes `.ci/run` fail at
`make lint`, naming the file and the rule, before any test runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from domain.paths import REPO_ROOT

ROOT = REPO_ROOT


def _tree_with(tmp_path: Path, relative: str, text: str) -> Path:
    """The files `.ci/run` and `make lint` read, the project's virtual environment (linked, and
    marked ready so make installs nothing) and one source file."""
    tree = tmp_path / "tree"
    (tree / ".ci").mkdir(parents=True)
    for name in (".ci/run", "Makefile", "pyproject.toml", "constraints.txt", ".sqlfluff"):
        shutil.copy2(ROOT / name, tree / name)
    (tree / ".venv").mkdir()
    (tree / ".venv" / "bin").symlink_to(Path(sys.executable).parent)
    (tree / ".venv" / ".ready").touch()  # newer than the copied pyproject.toml and constraints.txt
    (tree / relative).parent.mkdir(parents=True, exist_ok=True)
    (tree / relative).write_text(text, encoding="utf-8")
    return tree


def _ci(tree: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["bash", ".ci/run"], cwd=tree, env=env, capture_output=True, text=True, timeout=300)


def test_an_unused_import_fails_ci_before_the_tests(tmp_path):
    tree = _tree_with(tmp_path, "ingest/careless.py", '"""A module."""\n\nimport os\n')
    result = _ci(tree)
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    assert "ingest/careless.py" in said and "F401" in said, said
    assert "pytest" not in said and "setup_browser" not in said, said  # make test never started


def test_a_line_over_the_length_fails_ci(tmp_path):
    tree = _tree_with(tmp_path, "reports/long.py", f'"""A module."""\n\nTEXT = "{"x" * 130}"\n')
    result = _ci(tree)
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    assert "reports/long.py" in said and "E501" in said, said
