"""Which window each date column of the returns must fall in: the one table that decides it.

Every date column of the schema must be classified here (a test enforces it), so a new date
column forces a decision instead of silently escaping the checks.

- FLOW: the event is counted only inside the run's period (payments, classes, visits …). A date
  outside it is not counted: a warning that tells the clerk, not a reason to stop publication.
- HISTORY: the date of something that exists at the period's end (joined, issued, signed …): it
  may lie years back but not after the period's end; a later date is a warning (not counted).
- TERM: an end of validity that may lie in the future (a contract's 期限止, a planned offline).

Whatever the kind, a date outside the plausible window (before EARLIEST, or absurdly far past
the period's end) is a typing error and blocks.
"""

from __future__ import annotations

import datetime as dt

FLOW = "flow"
HISTORY = "history"
TERM = "term"

# No return of a union of the People's Republic predates it; Excel's day 0 (1899/1900) and
# two-digit years typed as 00xx fall before it.
EARLIEST = dt.date(1949, 10, 1)
# How far past the period's end a date may lie before it is a typo: returns are filled in the
# weeks after the period closes; terms of contracts run a few years, never decades.
LATEST_AFTER_END = {FLOW: dt.timedelta(days=366), HISTORY: dt.timedelta(days=366), TERM: dt.timedelta(days=366 * 30)}

DATE_KINDS: dict[tuple[str, str], str] = {
    ("members", "joined_on"): HISTORY,
    ("cards", "issued_on"): HISTORY,
    ("cards", "cancelled_on"): TERM,  # cancelled after the end: the card was in force then, and counts
    ("cards", "activated_on"): HISTORY,
    ("service_uses", "served_on"): FLOW,
    ("contracts", "signed_on"): HISTORY,
    ("contracts", "valid_from"): HISTORY,
    ("contracts", "valid_to"): TERM,
    ("aid_payments", "paid_on"): FLOW,
    ("trainings", "started_on"): FLOW,
    ("job_events", "held_on"): FLOW,
    ("model_worker_services", "served_on"): FLOW,
    ("summer_relief", "delivered_on"): FLOW,
    ("women_care", "given_on"): FLOW,
    ("matchmaking_events", "held_on"): FLOW,
    ("social_org_activities", "held_on"): FLOW,
    ("mediation_cases", "accepted_on"): HISTORY,  # a case accepted last year may close this year
    ("mediation_cases", "closed_on"): FLOW,
    ("migrant_students", "funded_on"): FLOW,
    ("card_service_items", "online_on"): HISTORY,
    ("card_service_items", "offline_on"): TERM,
}


def kind_of(sheet: str, column: str) -> str:
    try:
        return DATE_KINDS[(sheet, column)]
    except KeyError:
        raise KeyError(
            f"日期列 {sheet}.{column} 未在 checks/date_windows.py 的 DATE_KINDS 中分类：请指明它是 FLOW、HISTORY 还是 TERM"
        ) from None


def plausible_window(kind: str, period_end: dt.date) -> tuple[dt.date, dt.date]:
    return EARLIEST, period_end + LATEST_AFTER_END[kind]
