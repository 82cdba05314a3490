"""The analyst's plain pandas script of the bench (bench/pandas_baseline.py) computes the five
headline figures it is timed for as shushuo does, on the same returns: otherwise the bench's
ratio would compare two different computations."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from pandas_baseline import FIGURES, disagreements, pipeline_figures, run


def test_the_five_figures_equal_the_pipeline_s(small_demo, small_run):
    found, seconds = run(small_demo)
    theirs = pipeline_figures(small_run.run_dir / "figures.json")
    assert set(theirs) == set(FIGURES) and all(found[name] > 0 for name in FIGURES)
    assert disagreements(found, theirs) == []
    assert seconds > 0


def test_a_figure_that_differs_is_named():
    ours = dict.fromkeys(FIGURES, Decimal(1))
    theirs = {**ours, "disputes_mediated": Decimal(2)}
    assert disagreements(ours, theirs) == ["disputes_mediated: pandas 1 ≠ shushuo 2"]
