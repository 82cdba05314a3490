"""Statistical periods: which period comes before a given one (for 同比).

A domain fact beside the schema, read by the run (shushuo.dbt_runner.build_previous), 提交情况 and
the demo generator (ingest/demo writes the previous period's returns), so all agree on what "the
period before" is; no stage imports the runner for it.
"""

from __future__ import annotations

from datetime import date, timedelta


def whole_months(period_start: date, period_end: date) -> int | None:
    """How many calendar months the period spans when it is whole months (a year, a quarter),
    else None."""
    if period_start.day != 1 or (period_end + timedelta(days=1)).day != 1:
        return None
    return (period_end.year - period_start.year) * 12 + period_end.month - period_start.month + 1


def previous_period(period_start: date, period_end: date) -> tuple[date, date]:
    """The period of the same length just before this one: 2018年度 → 2017年度, a quarter → the
    quarter before; a period of whole months moves by its months (so February's length does not
    matter), any other by its number of days."""
    months = whole_months(period_start, period_end)
    if months is None:
        days = (period_end - period_start).days + 1
        return period_start - timedelta(days=days), period_start - timedelta(days=1)
    first = period_start.year * 12 + period_start.month - 1 - months
    return date(first // 12, first % 12 + 1, 1), period_start - timedelta(days=1)
