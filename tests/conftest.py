"""Shared fixtures: demo data made by the project's own generator, at a small scale for most
tests and at full scale for the one end-to-end backtest against the article."""

from __future__ import annotations

import json
import os
from pathlib import Path

# Parallel workers (pytest-xdist) each keep dbt's target folder apart: two dbt invocations writing
# one partial-parse cache and manifest at the same moment would read each other's half files; Spark's
# folders (its warehouse, emptied when a session starts) likewise.
if _worker := os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("SHUSHUO_DBT_DIR", str(Path(__file__).resolve().parent.parent / "build" / f"dbt-{_worker}"))
    os.environ.setdefault(
        "SHUSHUO_SPARK_DIR", str(Path(__file__).resolve().parent.parent / "build" / f"spark-{_worker}")
    )

import pytest

from shushuo.demo_data import ensure_demo
from shushuo.paths import DEMO_DIR
from shushuo.run import RunOptions, run

SMALL_SCALE = 0.01


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    """The demo generator at 1% scale: every sheet filled, every rate defined, seconds to make."""
    return ensure_demo(tmp_path_factory.mktemp("small-demo"), scale=SMALL_SCALE)


@pytest.fixture(scope="session")
def small_truth(small_demo) -> dict:
    return json.loads((small_demo / "demo_truth.json").read_text(encoding="utf-8"))


def run_pipeline(input_dir: Path, build_dir: Path, **options):
    """A run as `make report` does it, without the PDF (LibreOffice's seconds) unless pdf=True."""
    options.setdefault("pdf", False)
    return run(RunOptions(input_dir, build_dir, demo_key=True, **options), say=lambda *_: None)


@pytest.fixture(scope="session")
def small_run(small_demo, tmp_path_factory):
    return run_pipeline(small_demo, tmp_path_factory.mktemp("small-build"))


@pytest.fixture(scope="session")
def full_demo() -> Path:
    """The full demo data set, cached in data/demo/ like `make report` does."""
    return ensure_demo(DEMO_DIR)
