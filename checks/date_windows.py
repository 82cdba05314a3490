"""Which window each date column of the returns must fall in. The facts are the schema's
(domain/schema.yaml: each date column's `window`, and `plausible`): ingest rejects a cell outside
the plausible window with a reason, and the gate checks the same window again, so the two never
disagree; what the gate adds are the period warnings below.

- FLOW: the event is counted only inside the run's period (payments, classes, visits …). A date
  outside it is not counted: a warning that tells the clerk, not a reason to stop publication.
- HISTORY: the date of something that exists at the period's end (joined, issued, signed …): it
  may lie years back but not after the period's end; a later date is a warning (not counted).
- TERM: an end of validity that may lie in the future (a contract's 期限止, a planned offline).

Whatever the kind, a date outside the plausible window (before the earliest date, or absurdly far
past the period's end) is a typing error: ingest rejects its row, and should one reach the
warehouse anyway the gate blocks.
"""

from __future__ import annotations

import datetime as dt

from domain import schema

FLOW = "flow"
HISTORY = "history"
TERM = "term"

DATE_KINDS: dict[tuple[str, str], str] = {
    (s.name, c.name): c.window for s in schema.sheets() for c in s.columns if c.type == "date" and c.window
}


def kind_of(sheet: str, column: str) -> str:
    try:
        return DATE_KINDS[(sheet, column)]
    except KeyError:
        raise KeyError(
            f"日期列 {sheet}.{column} 未在 domain/schema.yaml 中写明 window：请指明它是 flow、history 还是 term"
        ) from None


def plausible_window(kind: str, period_end: dt.date) -> tuple[dt.date, dt.date]:
    facts = schema.plausible()
    return facts["earliest_date"], period_end + dt.timedelta(days=facts["days_after_period_end"][kind])
