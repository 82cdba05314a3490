"""The raw checks' findings per return, kept by the return's bytes, so a rerun validates only the
returns that changed (checks/raw_validation.py).

Every raw check is a row-level expectation (not null, in a set, between: checks/raw_suites.py),
so a table's outcome is made of its returns': the failing rows' counts add up, and its examples,
the first failing rows in the returns' order (file, sheet, row), are the first of the returns'
own first failing rows taken in that order. So each return's findings for every check are kept:

    build/cache/raw_checks/<generation>/<period>/<file sha256>.json   {table: {check_id: finding}}
    build/cache/raw_checks/<generation>/<period>/suites.json          {table: [check, …]}

generation = fingerprint of the checks' code (checks.raw_validation and what it imports), the
schema and unit list beside it, and the library versions; period = the checks' period (which
dates are in it is a check). suites.json lists each table's checks (id, title, severity, column),
so a run in which every return is kept never imports Great Expectations. A return is kept by its
bytes, not its name: the same file sent again under another name is the same rows; its examples
are shown under the name it has now. A finding whose check raised is not kept. Entries are
written beside and renamed; one that cannot be read is a miss; entries unused for a week and
other generations are removed."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from domain.fingerprint import Fingerprint, source_files

LIBRARIES = ("great-expectations", "duckdb", "pandas", "numpy")
STALE_SECONDS = 7 * 24 * 3600
SUITES = "suites.json"


@dataclass(frozen=True)
class Check:
    """One expectation of a raw table, as the outcomes name it."""

    check_id: str
    title: str
    severity: str
    column: str


@dataclass
class Finding:
    """What one check found in one return's rows: how many failed, the first of them (examples,
    in the return's order), or the error the check raised."""

    failing: int = 0
    first: list[dict] = field(default_factory=list)
    error: str | None = None


@functools.cache
def generation() -> str:
    """What every kept finding depends on besides the return's bytes and the period."""
    made_of = Fingerprint("raw checks").add_python().add_libraries(LIBRARIES)
    return made_of.add_files(source_files("checks.raw_validation", "checks.raw_suites")).hexdigest()[:24]


class RawCheckCache:
    """The findings kept for one period under `folder` (None: nothing is kept or found)."""

    def __init__(self, folder: Path | None, period_start: dt.date, period_end: dt.date):
        self.root = Path(folder) if folder is not None else None
        period = f"{period_start:%Y%m%d}-{period_end:%Y%m%d}"
        self.folder = self.root / generation() / period if self.root is not None else None
        self._found: dict[str, dict[str, dict]] = {}  # file sha256 → what was read or will be written
        self._fresh: set[str] = set()
        self.reused = 0

    def suites(self) -> dict[str, list[Check]] | None:
        """Each table's checks, as kept by a run of the same code; None when none are kept."""
        found = self._read(SUITES)
        if found is None:
            return None
        return {table: [Check(**check) for check in checks] for table, checks in found.items()}

    def keep_suites(self, suites: dict[str, list[Check]]) -> None:
        if self._read(SUITES) is None:
            self._write(SUITES, {table: [asdict(c) for c in checks] for table, checks in suites.items()})

    def findings(self, file_sha256: str, table: str) -> dict[str, Finding] | None:
        """A return's findings for every check of `table`; None when not kept."""
        if file_sha256 not in self._found:
            self._found[file_sha256] = self._read(f"{file_sha256}.json") or {}
        kept = self._found[file_sha256].get(table)
        if kept is None:
            return None
        self.reused += 1
        return {
            check_id: Finding(finding["failing"], [_decoded(e) for e in finding["first"]], finding["error"])
            for check_id, finding in kept.items()
        }

    def keep(self, file_sha256: str, table: str, findings: dict[str, Finding]) -> None:
        """A return's findings for `table`, written by `write` (not if a check raised)."""
        if self.folder is None or any(f.error for f in findings.values()):
            return
        self._found.setdefault(file_sha256, {})[table] = {
            check_id: {"failing": f.failing, "first": [_encoded(e) for e in f.first], "error": f.error}
            for check_id, f in findings.items()
        }
        self._fresh.add(file_sha256)

    def write(self) -> None:
        """Write the returns' entries that gained findings; remove stale ones."""
        for file_sha256 in sorted(self._fresh):
            self._write(f"{file_sha256}.json", self._found[file_sha256])
        self._fresh.clear()
        self._prune()

    def _read(self, name: str):
        if self.folder is None:
            return None
        path = self.folder / name
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
            os.utime(path)  # used: not stale
            return found
        except (OSError, ValueError):
            return None

    def _write(self, name: str, value) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".tmp-{os.getpid()}-{name}"
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.folder / name)

    def _prune(self) -> None:
        if self.root is None or not self.root.is_dir():
            return
        now = time.time()
        for other in self.root.iterdir():
            if other.name != generation():
                shutil.rmtree(other, ignore_errors=True)
        for path in self.root.glob("*/*/*"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > STALE_SECONDS:
                    path.unlink()


def _encoded(example: dict) -> dict:
    """An example as JSON keeps it: a date tagged (it comes back a date), a numpy number as Python's."""
    out = {}
    for name, value in example.items():
        if isinstance(value, dt.datetime):
            value = {"datetime": value.isoformat()}
        elif isinstance(value, dt.date):
            value = {"date": value.isoformat()}
        elif hasattr(value, "item"):  # numpy scalar
            value = value.item()
        out[name] = value
    return out


def _decoded(example: dict) -> dict:
    out = {}
    for name, value in example.items():
        if isinstance(value, dict) and "datetime" in value:
            value = dt.datetime.fromisoformat(value["datetime"])
        elif isinstance(value, dict) and "date" in value:
            value = dt.date.fromisoformat(value["date"])
        out[name] = value
    return out
