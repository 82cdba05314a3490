"""Where the desk keeps its state: one folder (data/desk/, or $SHUSHUO_DESK_DIR) holding the
database, the upload store, the per-upload check results and the inbox the run reads."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from shushuo.paths import BUILD_DIR, REPO_ROOT

DESK_DIR_ENV = "SHUSHUO_DESK_DIR"


@dataclass(frozen=True)
class DeskPaths:
    root: Path
    build: Path = BUILD_DIR  # where the run button builds (the same as `make report`)

    @property
    def database(self) -> Path:
        return self.root / "desk.sqlite3"

    @property
    def store(self) -> Path:
        """Every upload, named by its SHA-256: data/desk/store/ab/abcdef…"""
        return self.root / "store"

    @property
    def incoming(self) -> Path:
        """Uploads being received (a half file never leaves this folder)."""
        return self.root / "incoming"

    @property
    def checks(self) -> Path:
        """Per upload: what ingest found (result.json) and the 整改清单."""
        return self.root / "checks"

    @property
    def inbox(self) -> Path:
        """Each unit's current file and 上报说明.csv: `make report INPUT=<inbox>` reads this."""
        return self.root / "inbox"

    @property
    def runs(self) -> Path:
        """Logs of the runs started from the desk."""
        return self.root / "runs"

    def make(self) -> DeskPaths:
        for folder in (self.root, self.store, self.incoming, self.checks, self.inbox, self.runs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def desk_paths(root: Path | None = None, build: Path | None = None) -> DeskPaths:
    root = root or Path(os.environ.get(DESK_DIR_ENV) or REPO_ROOT / "data" / "desk")
    return DeskPaths(Path(root).resolve(), Path(build or BUILD_DIR).resolve())
