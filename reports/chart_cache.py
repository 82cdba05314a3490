"""Charts drawn before, kept by what they are drawn from, so a rerun draws only the charts whose
bars changed (drawing is most of the bulletin's seconds: about 2 s of a rerun at district scale).

A chart's PNG and SVG are the same bytes for the same data (reports/charts.py writes neither a
date nor a version into them), so a chart is keyed by everything `_draw` is given (its spec,
title, rows, comparison, district line, footer, font) and the code and libraries that draw it.
Entries live under build/cache/charts/<key>.png and .svg, written beside and renamed (a killed run
leaves no half file); a run copies them into its charts folder. Entries unused for a week are
removed. No cache folder (`ChartCache(None)`): every chart is drawn, as before."""

from __future__ import annotations

import functools
import os
import shutil
import time
from pathlib import Path

from domain.fingerprint import Fingerprint, source_files

SUFFIXES = (".png", ".svg")
STALE_SECONDS = 7 * 24 * 3600
LIBRARIES = ("matplotlib", "mplfonts")


@functools.cache
def _code() -> str:
    """The code and libraries that draw a chart (reports.charts and what it imports)."""
    made_of = Fingerprint("charts code").add_python().add_libraries(LIBRARIES)
    return made_of.add_files(source_files("reports.charts")).hexdigest()


def key(*drawn_from: object) -> str:
    """The key of a chart drawn from these values (each given by its repr, frames as CSV)."""
    made_of = Fingerprint("chart").add("code", _code())
    for number, value in enumerate(drawn_from):
        to_csv = getattr(value, "to_csv", None)
        made_of.add(str(number), to_csv() if callable(to_csv) else repr(value))
    return made_of.hexdigest()


class ChartCache:
    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder is not None else None
        self.reused = 0

    def fetch(self, key: str, path: Path) -> bool:
        """Put the chart kept under `key` at `path` (its PNG; the SVG beside); False if none is kept."""
        if self.folder is None:
            return False
        kept = [self.folder / f"{key}{suffix}" for suffix in SUFFIXES]
        if not all(p.is_file() for p in kept):
            return False
        for source in kept:
            # copied, not linked: a chart drawn again at the same place would write into the entry
            shutil.copyfile(source, path.with_suffix(source.suffix))
            os.utime(source)  # used: not stale
        self.reused += 1
        return True

    def keep(self, key: str, path: Path) -> None:
        """Keep the chart just drawn at `path` (PNG and SVG) under `key`."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix in SUFFIXES:
            tmp = self.folder / f".tmp-{os.getpid()}-{key}{suffix}"
            shutil.copyfile(path.with_suffix(suffix), tmp)
            tmp.replace(self.folder / f"{key}{suffix}")

    def prune(self) -> None:
        """Remove entries unused for a week (and temporary files a killed run left)."""
        if self.folder is None or not self.folder.is_dir():
            return
        now = time.time()
        for path in self.folder.iterdir():
            try:
                if now - path.stat().st_mtime > STALE_SECONDS or (
                    path.name.startswith(".tmp-") and now - path.stat().st_mtime > 3600
                ):
                    path.unlink()
            except OSError:
                continue
