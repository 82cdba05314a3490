"""The reporting period (统计期) the desk collects, with its deadline, and each unit's task
(报送任务): the sheets its kind of unit fills (schema.yaml `submitted_by`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desk.db import Database, now
from domain.periods import period_label
from domain.schema import Unit, sheets, units


@dataclass(frozen=True)
class Period:
    id: int
    start: dt.date
    end: dt.date
    deadline: dt.date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    def overdue(self, today: dt.date | None = None) -> bool:
        return (today or dt.date.today()) > self.deadline


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date, dt.date]:
    """Last calendar year, due on 31 January: the annual return of the federation."""
    today = today or dt.date.today()
    return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31), dt.date(today.year, 1, 31)


def set_period(db: Database, start: dt.date, end: dt.date, deadline: dt.date) -> Period:
    if end < start:
        raise ValueError(f"统计期止（{end}）早于统计期起（{start}）")
    new_id = db.execute(
        "insert into periods (period_start, period_end, deadline, created_at) values (?, ?, ?, ?)",
        start.isoformat(),
        end.isoformat(),
        deadline.isoformat(),
        now(),
    )
    return Period(new_id, start, end, deadline)


def current_period(db: Database) -> Period:
    """The period set last; the default one is set when none was."""
    row = db.one("select * from periods order by id desc limit 1")
    if row is None:
        return set_period(db, *default_period())
    return Period(
        row["id"],
        dt.date.fromisoformat(row["period_start"]),
        dt.date.fromisoformat(row["period_end"]),
        dt.date.fromisoformat(row["deadline"]),
    )


def unit(code: str) -> Unit:
    return next(u for u in units() if u.code == code)


def task_sheets(code: str) -> list[str]:
    """Titles of the sheets the unit fills."""
    kind = unit(code).kind
    return [s.title for s in sheets() if kind in s.submitted_by]
