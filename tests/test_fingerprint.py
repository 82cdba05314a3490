"""One fingerprint of what a result is made of (domain/fingerprint.py), found from the files:
a module is in it by being imported, wherever the import is, and every reuse decision reads it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from domain.fingerprint import Fingerprint, dbt_project_files, sha256_of, source_files
from domain.paths import REPO_ROOT
from shushuo import demo_data, previous_reuse, unchanged


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")


def _names(files: list[Path], root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in files}


def test_imports_are_followed_wherever_they_are(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/entry.py": """\
                from pkg import helper
                from .sibling import thing

                def later():
                    import pkg.lazy
                    from pkg.sub import (
                        deep,
                    )
                """,
            "pkg/helper.py": "import yaml\n",
            "pkg/sibling.py": "thing = 1\n",
            "pkg/lazy.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/deep.py": "",
            "pkg/unused.py": "",
            "pkg/schema.yaml": "a: 1\n",
            "pkg/templates/page.j2": "{{ x }}\n",
            "pkg/other/__init__.py": "",
            "pkg/other/data.yaml": "",
        },
    )
    found = _names(source_files("pkg.entry", root=tmp_path), tmp_path)
    assert found == {
        "pkg/__init__.py",
        "pkg/entry.py",
        "pkg/helper.py",
        "pkg/sibling.py",
        "pkg/lazy.py",
        "pkg/sub/__init__.py",
        "pkg/sub/deep.py",
        "pkg/schema.yaml",
        "pkg/templates/page.j2",
    }


def test_a_changed_imported_module_changes_the_fingerprint(tmp_path):
    _write(
        tmp_path, {"pkg/__init__.py": "", "pkg/entry.py": "def f():\n    from pkg import b\n", "pkg/b.py": "X = 1\n"}
    )

    def digest() -> str:
        return Fingerprint("test").add_files(source_files("pkg.entry", root=tmp_path), tmp_path).hexdigest()

    before = digest()
    assert digest() == before
    (tmp_path / "pkg" / "b.py").write_text("X = 2\n", encoding="utf-8")
    assert digest() != before


def test_the_dbt_project_is_the_folders_dbt_project_yml_names(tmp_path):
    _write(
        tmp_path,
        {
            "dbt_project.yml": "name: x\nmodel-paths: ['sql']\ntest-paths: ['checks_sql']\n",
            "profiles.yml": "",
            "sql/a.sql": "select 1\n",
            "checks_sql/b.sql": "select 1\n",
            "macros/m.sql": "",  # dbt's default macro-paths
            "models/ignored.sql": "",  # not named: model-paths is sql/
        },
    )
    found = _names(dbt_project_files(tmp_path / "dbt_project.yml"), tmp_path)
    assert found == {"dbt_project.yml", "profiles.yml", "sql/a.sql", "checks_sql/b.sql", "macros/m.sql"}


def test_each_reuse_decision_covers_what_its_result_is_made_of():
    run = _names(unchanged.code_files(), REPO_ROOT)
    assert {
        "domain/schema.py",
        "domain/schema.yaml",
        "domain/units.yaml",
        "checks/gate.py",  # imported inside a stage function
        "reports/bulletin.py",
        "reports/figure_wording.yaml",
        "models/marts/indicators.sql",
        "seeds/indicator_catalog.csv",
        "dbt_project.yml",
    } <= run
    assert not any(name.startswith("demo/") for name in run)  # a run does not run the generator
    previous = _names(previous_reuse.code_files(), REPO_ROOT)
    assert {"ingest/read/sheet_reader.py", "shushuo/dbt_runner.py", "models/marts/indicators.sql"} <= previous
    demo = _names(source_files("demo"), REPO_ROOT)
    # the generator's own modules and everything it reads: the schema module, not only schema.yaml
    assert {
        "demo/generate.py",
        "demo/article_figures.yaml",
        "domain/schema.py",
        "domain/periods.py",
    } <= demo
    assert demo_data.fingerprint(0.01) == demo_data.fingerprint(0.01) != demo_data.fingerprint(0.02)


def test_sha256_of_is_the_file_hash(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    assert sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_demo_scale_asked_as_an_integer_or_a_float_is_one_data_set():
    from shushuo.demo_data import fingerprint

    assert fingerprint(30) == fingerprint(30.0) != fingerprint(10.0)
