"""Statistical periods: which period comes before a given one (for 同比) and when it may be compared
with, and how a period is
written (2018年度, 2018年1月1日至2018年12月31日, 20181001-20190930 in file names): the one owner of
a period's label for the workbooks for clerks, the templates, the bulletin, charts and exports.

A domain fact beside the schema, read by the run (shushuo.previous_build.build), 提交情况 and
the demo generator (demo writes the previous period's returns), so all agree on what "the
period before" is; no stage imports the runner for it.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def comparable(units_sent: Iterable[str]) -> bool:
    """Whether a period whose returns came from these units may be compared with (同比): only when
    every expected unit (units.yaml) sent one, as a comparison with a period that only some units
    reported would set a whole district beside a part of it. The one rule for the run (which builds
    the previous period's indicators only then, shushuo/previous_build.py) and 提交情况 (which says
    whether the previous period's files are used)."""
    from domain.schema import units

    return {u.code for u in units()} <= set(units_sent)


def is_calendar_year(period_start: date, period_end: date) -> bool:
    return (period_start.month, period_start.day, period_end.month, period_end.day) == (1, 1, 12, 31) and (
        period_start.year == period_end.year
    )


def chinese_date(day: date) -> str:
    """2018年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_span(period_start: date, period_end: date) -> str:
    """2018年1月1日至2018年12月31日."""
    return f"{chinese_date(period_start)}至{chinese_date(period_end)}"


def period_label(period_start: date, period_end: date) -> str:
    """2018年度 for a calendar year, else its span (period_span)."""
    if is_calendar_year(period_start, period_end):
        return f"{period_start.year}年度"
    return period_span(period_start, period_end)


def period_file_label(period_start: date, period_end: date) -> str:
    """A period in a file name: 2018年度 for a calendar year, else 20181001-20190930."""
    if is_calendar_year(period_start, period_end):
        return f"{period_start.year}年度"
    return f"{period_start:%Y%m%d}-{period_end:%Y%m%d}"
