"""What a result is made of, as one hash, for every decision to reuse a result instead of making
it again: the whole-run short cut (shushuo/unchanged.py), the previous period's indicators
(shushuo/previous_reuse.py), the demo data set (shushuo/demo_data.py) and the ingest cache
(ingest/load/cache.py).

The code a piece of work depends on is found from the files themselves, never listed by hand:
`source_files` follows the imports of its entry modules through the project's packages (imports
inside functions included) and adds the data files beside each module reached (schema.yaml,
templates, …); `dbt_project_files` reads the dbt project's folders from dbt_project.yml. A module
added to the code is in the fingerprint by being imported, so a reuse decision cannot miss it.
A `Fingerprint` adds those files' bytes, and the parameters, inputs and library versions the
caller names, to one sha256."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import yaml

from domain.paths import DBT_PROJECT_FILE, REPO_ROOT

SKIPPED = {"__pycache__"}
# An import statement, at the start of a line (inside a function too): `from X import Y, (Z…)` or
# `import X, Y`. A regular expression rather than ast: 25 times faster, and a line in a docstring
# that looks like an import only adds a file, never leaves one out.
IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]*))", re.M
)
# dbt's defaults for the folders dbt_project.yml may name (https://docs.getdbt.com/reference/project-configs)
DBT_FOLDERS = {
    "model-paths": ["models"],
    "seed-paths": ["seeds"],
    "macro-paths": ["macros"],
    "test-paths": ["tests"],
    "analysis-paths": ["analyses"],
    "snapshot-paths": ["snapshots"],
}


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_files(*modules: str, root: Path = REPO_ROOT) -> list[Path]:
    """The project's own files that importing `modules` runs or reads: every module of a package
    under `root` reached through imports (with its parent packages' __init__.py), and the data
    files in each reached module's folder and in its subfolders that are not packages."""
    found: dict[str, Path] = {}
    packages = {d.name for d in root.iterdir() if (d / "__init__.py").is_file()}
    todo = list(modules)
    while todo:
        name = todo.pop()
        if name in found or name.partition(".")[0] not in packages:
            continue
        path = _module_file(name, root)
        if path is None:
            continue  # a library's module, or a name imported from a module rather than a module
        found[name] = path
        parts = name.split(".")
        todo += [".".join(parts[:k]) for k in range(1, len(parts))]
        todo += _imported(name, path, *_stamp(path))
    files = set(found.values())
    for folder in {p.parent for p in files}:
        files |= _data_files(folder)
    return sorted(files)


def dbt_project_files(project_file: Path = DBT_PROJECT_FILE) -> list[Path]:
    """dbt_project.yml, profiles.yml and packages.yml beside it, and every file in the folders
    dbt_project.yml names (models, seeds, macros, tests, …; dbt's defaults where it names none)."""
    root = project_file.parent
    config = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
    files = {p for p in (project_file, root / "profiles.yml", root / "packages.yml") if p.is_file()}
    for key, default in DBT_FOLDERS.items():
        for folder in config.get(key, default) or []:
            files |= {p for p in (root / folder).rglob("*") if p.is_file() and not SKIPPED & set(p.parts)}
    return sorted(files)


def library_version(name: str) -> str:
    """The installed version of a distribution, '-' when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


class Fingerprint:
    """One sha256 of labelled values and files; the same inputs give the same hex digest."""

    def __init__(self, purpose: str):
        self._digest = hashlib.sha256(f"{purpose}\n".encode())

    def add(self, label: str, value: object) -> Fingerprint:
        self._digest.update(f"{label}={value}\n".encode())
        return self

    def add_python(self) -> Fingerprint:
        return self.add("python", sys.version_info[:2])

    def add_libraries(self, names: Iterable[str]) -> Fingerprint:
        for name in sorted(names):
            self.add(name, library_version(name))
        return self

    def add_files(self, files: Iterable[Path], root: Path = REPO_ROOT) -> Fingerprint:
        """Each file's path (relative to `root`) and bytes."""
        for path in sorted(files):
            self._digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        return self

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _module_file(name: str, root: Path) -> Path | None:
    base = root.joinpath(*name.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file() and (base.parent / "__init__.py").is_file():
        return base.with_suffix(".py")
    return None


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=1024)
def _imported(name: str, path: Path, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    """The modules a module's import statements may name (for `from a import b`: a, and a.b in
    case b is a module). Cached by the file's time and size: a run computes several fingerprints."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: list[str] = []
    for source, imported, plain in IMPORT.findall(path.read_bytes()):
        if plain:
            names += [_first_word(part) for part in plain.decode().split(",")]
            continue
        dots = len(source) - len(source.lstrip(b"."))
        base = source.decode()[dots:]
        if dots:
            anchor = package.split(".")[: len(package.split(".")) - (dots - 1)]
            base = ".".join([*anchor, *([base] if base else [])])
        parts = imported.decode().strip("()").replace("\\\n", " ").split(",")
        names += [base, *(f"{base}.{_first_word(part)}" for part in parts if _first_word(part))]
    return tuple(n for n in names if n)


def _first_word(text: str) -> str:
    words = text.split()
    return words[0] if words else ""


def _data_files(folder: Path) -> set[Path]:
    found = set()
    for path in folder.iterdir():
        if path.name in SKIPPED or path.name.startswith("."):
            continue
        if path.is_file() and path.suffix not in (".py", ".pyc"):
            found.add(path)
        elif path.is_dir() and not (path / "__init__.py").is_file():
            found |= {p for p in path.rglob("*") if p.is_file() and not SKIPPED & set(p.parts)}
    return found
