"""The demo's one 核实性 warning, and the units' explanation of it (上报说明), so the demo shows the
whole path — a warning the gate raises, the unit's answer in its return, a clean release — without
moving any figure.

Two streets each report a case under the same number (checks' rule case_numbers_unique_across_units):
two different cases that happen to share a number, each counted by its own unit, as the figures
count them. Each of the two returns carries a row of 上报说明 saying so."""

from __future__ import annotations

from demo.plan import UnitPlan

UNITS = ("S01", "S02")  # the two streets that share a case number
RULE = "case_numbers_unique_across_units"  # the check's code, as checks.html shows it
EXPLANATION = "该编号与另一街道的案件编号相同，系两件不同的案件（两单位编号规则相同所致），各自计入本单位结案数无误。"


def shared_case_no(plan: UnitPlan) -> str:
    return f"西城区联调字〔{plan.period_end.year}〕0001号"


def plant(plan: UnitPlan, sheets: dict[str, list[tuple]], filled_by: str) -> None:
    """Give the unit's last case the shared number and its return the row explaining it."""
    cases = sheets.get("mediation_cases")
    if plan.unit.code not in UNITS or not cases:
        return
    cases[-1] = (shared_case_no(plan), *cases[-1][1:])
    sheets["explanations"] = [(RULE, EXPLANATION, filled_by)]
