"""The demo data set, generated once and reused while nothing it is made from has changed.

The workbooks are not in git: they are rebuilt by ingest/demo from the schema, the units and
the article's figures, and cached under data/demo/ with a fingerprint of those sources."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

from shushuo.paths import DEMO_DIR, REPO_ROOT

FINGERPRINT = ".fingerprint"
# Everything the generated files depend on.
SOURCES = (
    "ingest/demo", "ingest/schema.yaml", "ingest/units.yaml", "ingest/layout.py", "ingest/workbook_writer.py", "shushuo/periods.py",
)


def fingerprint(scale: float) -> str:
    digest = hashlib.sha256(f"scale={scale}".encode())
    for source in SOURCES:
        path = REPO_ROOT / source
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(REPO_ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def ensure_demo(out_dir: Path = DEMO_DIR, *, scale: float = 1.0, force: bool = False, **period: date) -> Path:
    """Return a folder holding the demo workbooks, generating them only when needed."""
    from ingest.demo import generate

    wanted = fingerprint(scale) + repr(sorted(period.items()))
    stamp = out_dir / FINGERPRINT
    if not force and stamp.is_file() and stamp.read_text() == wanted:
        return out_dir
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    generate(out_dir, scale=scale, **period)
    stamp.write_text(wanted)
    return out_dir
