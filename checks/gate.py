"""The quality gate between dbt and the reports: runs the schema-derived GE suites on the raw
tables and the business rules on the models, and decides whether the figures may be published.
Any blocking failure (or a check that could not run) stops publication; warnings are passed on
to the bulletin's notes. Every check is listed, with examples and lineage, in a Chinese HTML
page written next to the run's other outputs."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from checks.explanations import attach, read_explanations
from checks.outcome import INFO, VERIFY, CheckOutcome, describe_example
from checks.report_html import render_report
from checks.rule_results import read_rule_results

REPORT_FILE = "checks.html"
RESULTS_FILE = "checks.json"
EXAMPLES_IN_MESSAGE = 3
# Warnings of raw_suites' date windows, each folded into one line of the notes: a stock (members,
# cards, contracts, services online) dated after the period's end is not in the period-end count;
# a flow (a payment, a service, a case) dated outside the period is not in the period's figures.
DATE_WINDOW_NOTES = {
    ".not_after_period": "晚于统计期末、不计入期末数的记录",
    ".in_period": "不在统计期内、不计入本期数字的记录",
}
REJECTED_ROWS_CHECK = "rule.rejected_rows_in_current_returns"


@dataclass
class GateResult:
    period_start: dt.date
    period_end: dt.date
    outcomes: list[CheckOutcome]
    report_html: Path | None = None
    seconds: dict = field(default_factory=dict)
    unmatched_explanations: list[dict] = field(default_factory=list)  # 上报说明 that answered no check

    @property
    def blocking(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.is_blocking_failure]

    @property
    def warnings(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.is_warning]

    @property
    def verify_warnings(self) -> list[CheckOutcome]:
        return [o for o in self.warnings if o.severity == VERIFY]

    @property
    def info_warnings(self) -> list[CheckOutcome]:
        return [o for o in self.warnings if o.severity == INFO]

    @property
    def open_warnings(self) -> list[CheckOutcome]:
        """核实性 warnings no unit has explained yet: open problems for a release."""
        return [o for o in self.warnings if o.is_open]

    @property
    def passed(self) -> bool:
        return not self.blocking

    def notes(self) -> list[str]:
        """The warnings as short lines for the bulletin's notes: the rows left out because a
        clerk must correct them first, by unit; dates outside the period (which are simply not
        counted), one line for stocks and one for flows; every other warning on its own."""
        lines, folded = [], set()
        for outcome in self.warnings:
            if outcome.check_id == REJECTED_ROWS_CHECK:
                lines.append(_rejected_rows_note(outcome))
                folded.add(outcome.check_id)
        for suffix, heading in DATE_WINDOW_NOTES.items():
            dated = [o for o in self.warnings if o.check_id.endswith(suffix)]
            if dated:
                parts = "，".join(f"{_dated_column(o.title)} {o.failing_count} 行" for o in dated)
                lines.append(f"{heading}：{parts}")
                folded.update(o.check_id for o in dated)
        lines += [str(o) for o in self.warnings if o.check_id not in folded]
        return [
            line if line.endswith("。") else line + "。" for line in lines
        ]  # sentences, as the bulletin's other notes

    def message(self) -> str:
        """A Chinese summary for the operator: each blocking check with its table, the number
        of failing rows and a few examples with lineage; or that the gate passed."""
        period = f"{self.period_start.isoformat()} 至 {self.period_end.isoformat()}"
        if self.passed:
            text = f"质量检查通过（统计期 {period}，共 {len(self.outcomes)} 项检查"
            text += f"，{len(self.warnings)} 项警告，见检查报告）。" if self.warnings else "）。"
            if self.open_warnings:
                text += (
                    f"其中 {len(self.open_warnings)} 项核实性问题尚待单位说明（"
                    + "、".join(o.title for o in self.open_warnings)
                    + "），说明前不能正式发布。"
                )
            return text
        lines = [f"质量检查发现 {len(self.blocking)} 项阻断问题，统计期 {period} 的数字不能发布："]
        for number, outcome in enumerate(self.blocking, 1):
            lines.append(
                f"{number}. 【{outcome.title}】（{outcome.check_id}）表 {outcome.table}：{outcome.count_phrase()}。"
            )
            for example in outcome.examples[:EXAMPLES_IN_MESSAGE]:
                lines.append(f"   例：{describe_example(example)}")
            if outcome.detail:
                lines.append(f"   {outcome.detail}")
        if self.report_html:
            lines.append(f"全部检查结果见：{self.report_html}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        """The gate's results for the run manifest (JSON-ready)."""
        return {
            "passed": self.passed,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "checks": len(self.outcomes),
            "blocking": [o.check_id for o in self.blocking],
            "warnings": [o.check_id for o in self.warnings],
            "open_warnings": [o.check_id for o in self.open_warnings],
            "unmatched_explanations": self.unmatched_explanations,
            "notes": self.notes(),
            "seconds": self.seconds,
            # relative to the run folder: the folder is renamed when the run is published or fails
            "report_html": f"{self.report_html.parent.name}/{self.report_html.name}" if self.report_html else None,
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


def run(
    warehouse: Path,
    period_start: dt.date,
    period_end: dt.date,
    out_dir: Path,
    *,
    previous_indicators: pd.DataFrame | None = None,
    input_dir: Path | None = None,
    dbt_target: Path | None = None,
    raw_outcomes: list[CheckOutcome] | None = None,
    raw_cache: Path | None = None,
) -> GateResult:
    """Check the warehouse of one run (opened read-only) and write checks.html and checks.json
        into out_dir. `previous_indicators`, the previous period's marts_previous.indicators, enables the
        period-on-period comparison (the rule reads marts_previous.indicators itself; without them it is
        未比较); `dbt_target`, the target folder of the run's `dbt build`, holds the business rules'
        results (checks/rule_results.py); `input_dir`, the returns' folder, may hold the desk's 上报说明.csv
        (checks/explanations.py; the returns' own 上报说明 sheets are in the warehouse). `raw_outcomes`: the raw
    checks' outcomes when they ran beside dbt (checks/raw_beside_dbt.py); else they run here, with
    the findings kept per return in `raw_cache` (checks/raw_check_cache.py)."""
    period_start, period_end = _as_date(period_start), _as_date(period_end)
    started = time.perf_counter()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        if raw_outcomes is None:
            from checks.raw_validation import validate_raw  # GE: imported only where it runs (1–3 s)

            raw_outcomes = validate_raw(connection, period_start, period_end, cache=raw_cache)
        after_raw = time.perf_counter()
        rule_outcomes = read_rule_results(connection, dbt_target, previous_indicators is not None)
        explanations = read_explanations(connection, (period_start, period_end), input_dir)
    unmatched = attach(raw_outcomes + rule_outcomes, explanations)
    finished = time.perf_counter()
    result = GateResult(
        period_start,
        period_end,
        raw_outcomes + rule_outcomes,
        seconds={
            "raw_expectations": round(after_raw - started, 3),
            "business_rules": round(finished - after_raw, 3),
            "total": round(finished - started, 3),
        },
        unmatched_explanations=[e.to_dict() for e in unmatched],
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    result.report_html = out_dir / REPORT_FILE
    result.report_html.write_text(render_report(result), encoding="utf-8")
    (out_dir / RESULTS_FILE).write_text(
        json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return result


def _rejected_rows_note(outcome: CheckOutcome) -> str:
    """The rows left out until a clerk corrects them, as the bulletin (which is published) may say
    it: how many, from how many units; which units and sheets is in checks.html and the 整改清单."""
    units = outcome.examples[0].get("units_count", len(outcome.examples)) if outcome.examples else 0
    return (
        f"因填写有误、须由填报单位改正后才能计入的记录共 {outcome.failing_count} 行（涉及 {units} 个单位，"
        "明细见检查报告和各单位的整改清单），相关数字可能略低"
    )


def _dated_column(title: str) -> str:
    """ "送清凉·日期" from the title raw_suites gives a date-window check."""
    return title.split("在统计期内")[0].split("不晚于统计期末")[0]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
