"""What still stands between a run and a release (shushuo/releases.py):

- rows of a current return that ingest rejected (a clerk must correct them, so every figure counted
  from that sheet is understated until they do), one entry per file and sheet;
- returns held because their origin and their cover name different units (never counted: the
  figures counted from the sheets they hold may be low);
- 核实性 warnings of the gate that a unit has not explained yet (上报说明; checks/explanations.py).

Each problem names what it concerns (unit, file, sheet, rows, check) and the figures it can move:
those counted from its sheets (seeds/figure_sheets.csv) and those it names itself (a
figure that moved against the previous period)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from checks.outcome import FAILED, VERIFY
from domain.warehouse import TABLES

REJECTED_ROWS = "rejected_rows"
HELD = "held"
UNEXPLAINED = "unexplained"
# Rejected rows are listed per file and sheet below; the gate's rule that counts them is not listed again.
REJECTED_ROWS_RULE = "rule.rejected_rows_in_current_returns"


@dataclass(frozen=True)
class OpenProblem:
    kind: str  # REJECTED_ROWS, HELD or UNEXPLAINED
    text: str  # in Chinese, naming the unit, file, sheet or check
    sheets: tuple[str, ...] = ()  # canonical sheet names (schema.yaml) whose figures it can move
    figures: tuple[str, ...] = ()  # indicator ids it names itself

    def describe(self) -> str:
        return self.text


def open_problems(warehouse: Path, period: tuple[dt.date, dt.date], gate: dict | None = None) -> list[OpenProblem]:
    """The open problems of a run: from its warehouse (rejected rows, held returns) and from the
    gate's results as the run recorded them (checks.json / the manifest's `checks`)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        problems = _rejected_rows(con, period) + _held_returns(con, period)
    return problems + unexplained_warnings(gate or {})


def _rejected_rows(con, period) -> list[OpenProblem]:
    rows = con.execute(
        f"""
        select coalesce(current.unit_name, current.unit_code), current.source_file, sheets.sheet_name, sheets.sheet,
               sheets.rows_rejected
        from {TABLES["current_submissions"]} as current
        join {TABLES["ingest_sheets"]} as sheets on sheets.source_file = current.source_file
        where current.is_current and current.period_start = ? and current.period_end = ?
          and sheets.rows_rejected > 0 and sheets.sheet_name is not null
        order by current.unit_code, sheets.sheet
        """,
        list(period),
    ).fetchall()
    return [
        OpenProblem(REJECTED_ROWS, f"{unit}“{sheet}”表有 {int(n)} 行有误未计入（{source_file}）", (sheet_name,))
        for unit, source_file, sheet_name, sheet, n in rows
    ]


def _held_returns(con, period) -> list[OpenProblem]:
    try:
        rows = con.execute(
            f"""
            select coalesce(held.unit_name, held.unit_code), held.source_file, held.status_reason,
                   list(distinct sheets.sheet_name order by sheets.sheet_name)
                       filter (where sheets.sheet_name is not null)
            from {TABLES["submissions"]} as held
            left join {TABLES["ingest_sheets"]} as sheets on sheets.source_file = held.source_file
            where held.status = 'held' and held.period_start = ? and held.period_end = ?
            group by all
            order by held.source_file
            """,
            list(period),
        ).fetchall()
    except duckdb.Error:  # a warehouse made before returns could be held
        return []
    return [
        OpenProblem(
            HELD,
            f"{unit or '未知单位'}的报表 {source_file} 被暂扣、未计入（{reason or '来源与封面填报单位不一致'}）",
            tuple(sheets or ()),
        )
        for unit, source_file, reason, sheets in rows
    ]


def unexplained_warnings(gate: dict) -> list[OpenProblem]:
    """The gate's 核实性 warnings (as checks.json records them) that no unit has explained."""
    problems = []
    for outcome in gate.get("outcomes") or []:
        if outcome.get("severity") != VERIFY or outcome.get("status") != FAILED:
            continue
        if outcome["check_id"] == REJECTED_ROWS_RULE:
            continue
        units = outcome.get("unexplained_units") or []
        if outcome.get("explanations") and not units:
            continue
        who = f"，待 {'、'.join(units)} 说明" if units else "，待说明"
        count = f"{outcome.get('failing_count', 0)} {outcome.get('count_noun', '条')}"
        problems.append(
            OpenProblem(
                UNEXPLAINED,
                f"核实性问题「{outcome['title']}」{count}{who}（单位可在「上报说明」工作表或上报说明.csv 中说明）",
                tuple(outcome.get("sheets") or ()),
                tuple(outcome.get("figures") or ()),
            )
        )
    return problems
