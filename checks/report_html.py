"""The gate's results as one self-contained Chinese HTML page (no GE Data Docs: they need a
file-backed context and speak English). Every check is listed with its status, severity,
failing count and a few failing rows with lineage, blocking failures first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape

from checks.outcome import (
    BLOCKING,
    LINEAGE_LABELS,
    SEVERITY_LABELS,
    SKIPPED,
    STATUS_LABELS,
    VERIFY,
    field_label,
    plain,
)

if TYPE_CHECKING:
    from checks.gate import GateResult

TEMPLATES = Path(__file__).with_name("templates")


def _order(outcome) -> tuple:
    """Blocking failures, then open 核实性 warnings, then the other warnings, then checks with
    nothing to compare, then passes."""
    rank: float
    if outcome.is_blocking_failure:
        rank = 0
    elif outcome.is_open:
        rank = 1
    elif outcome.is_warning:
        rank = 1.5
    elif outcome.status == SKIPPED:
        rank = 2
    else:
        rank = 3
    return (rank, outcome.source, outcome.check_id)


def _columns(examples: list[dict]) -> list[str]:
    """Lineage columns first (in their usual order), then the rest as they come."""
    seen = []
    for row in examples:
        for key in row:
            if key not in seen:
                seen.append(key)
    lineage = [k for k in LINEAGE_LABELS if k in seen]
    return lineage + [k for k in seen if k not in LINEAGE_LABELS]


def render_report(result: GateResult) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    environment.filters["plain"] = lambda v: "（空）" if plain(v) is None else plain(v)
    template = environment.get_template("gate_report.html.j2")
    return template.render(
        result=result,
        outcomes=sorted(result.outcomes, key=_order),
        columns=_columns,
        column_label=field_label,
        severity_labels=SEVERITY_LABELS,
        status_labels=STATUS_LABELS,
        BLOCKING=BLOCKING,
        VERIFY=VERIFY,
    )
