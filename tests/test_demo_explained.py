"""The demo releases cleanly: its one 核实性 warning (two streets report a case under the same
number) is explained in those units' returns (their 上报说明 sheets), so the run has no open
problem, checks.html shows the explanation, and a release goes ahead without
--accept-open-problems and marks no figure 初步数."""

from __future__ import annotations

import json

from checks.open_problems import open_problems
from demo import explained
from shushuo import releases

RULE = f"rule.{explained.RULE}"


def test_the_demos_verify_warning_is_explained_by_both_units_returns(small_run):
    gate = json.loads((small_run.run_dir / "checks" / "checks.json").read_text(encoding="utf-8"))
    outcome = next(o for o in gate["outcomes"] if o["check_id"] == RULE)
    assert outcome["status"] == "failed" and outcome["severity"] == "verify"
    assert outcome["units"] == list(explained.UNITS) and not outcome["unexplained_units"]
    assert {e["unit_code"] for e in outcome["explanations"]} == set(explained.UNITS)
    assert all(e["source"].endswith(".xlsx") for e in outcome["explanations"])  # from the returns' sheets
    assert gate["open_warnings"] == [] and gate["unmatched_explanations"] == []
    assert explained.EXPLANATION in (small_run.run_dir / "checks" / "checks.html").read_text(encoding="utf-8")
    assert open_problems(small_run.run_dir / "warehouse.duckdb", small_run.period, gate) == []


def test_the_demo_releases_without_accepting_open_problems(small_run, tmp_path):
    build = small_run.run_dir.parent.parent
    made = releases.release(build, tmp_path / "releases", by="张三", run_id=small_run.run_id)
    assert made.number == 1 and not made.provisional
