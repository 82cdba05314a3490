"""The demo data set, generated once and reused while nothing it is made from has changed.

The workbooks are not in git: they are rebuilt by demo from the schema, the units and
the article's figures, and cached under data/demo/ with a fingerprint of what they are made of:
every module demo imports, directly or not, with the data files beside them (schema.yaml,
units.yaml, article_figures.yaml), found by domain/fingerprint.py from the files themselves."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from domain.fingerprint import Fingerprint, source_files
from shushuo.paths import DEMO_DIR

FINGERPRINT = ".fingerprint"


def fingerprint(scale: float) -> str:
    """What a data set at `scale` is made of; the scale as a float: ×30 asked as 30 or 30.0 is one set
    (the bench passes floats; at ×30 a needless regeneration takes 40 minutes)."""
    return Fingerprint("demo").add("scale", float(scale)).add_files(source_files("demo")).hexdigest()


def ensure_demo(out_dir: Path = DEMO_DIR, *, scale: float = 1.0, force: bool = False) -> Path:
    """Return a folder holding the demo workbooks, generating them only when needed.

    The new set is written into a sibling folder and swapped in whole, so a run (or a test in
    another process) reading the folder meanwhile never sees it half written or emptied."""
    from demo import generate

    out_dir = Path(out_dir)
    wanted = fingerprint(scale)
    stamp = out_dir / FINGERPRINT
    if not force and stamp.is_file() and stamp.read_text() == wanted:
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    try:
        generate(fresh, scale=scale)
        (fresh / FINGERPRINT).write_text(wanted)
        fresh.chmod(0o755)
        old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
        try:
            if out_dir.exists():
                out_dir.rename(old)
            fresh.rename(out_dir)
        except OSError:  # another process swapped in its set at the same moment: fine if it is this one
            if not (stamp.is_file() and stamp.read_text() == wanted):
                raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return out_dir
