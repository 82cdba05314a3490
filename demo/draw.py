"""Small random draws shared by the demo's sheet builders (dates, amounts), all from an explicit
random.Random so every unit's data depends only on the seed and the unit."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal


def unit_rng(seed: int, unit_code: str, topic: str) -> random.Random:
    """One stream per unit and topic: adding rows to one sheet never shifts another's."""
    return random.Random(f"{seed}:{unit_code}:{topic}")


def day(rng: random.Random, first: date, last: date) -> date:
    """A day in [first, last]; `first` if the interval is empty."""
    if last <= first:
        return first
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def shift(d: date, days: int) -> date:
    return d + timedelta(days=days)


def years_before(d: date, years: int) -> date:
    return date(d.year - years, d.month, min(d.day, 28))


def yuan(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def summer_day(rng: random.Random, start: date, end: date) -> date:
    """A hot-season day (June–August) inside the period if the period has one, else any day."""
    candidates = [date(y, 6, 1) for y in range(start.year, end.year + 1)]
    for first in candidates:
        last = date(first.year, 8, 31)
        lo, hi = max(first, start), min(last, end)
        if lo <= hi:
            return day(rng, lo, hi)
    return day(rng, start, end)


def amounts(rng: random.Random, total_cents: int, count: int, low: int, high: int) -> list[int]:
    """`count` amounts in cents, roughly uniform in [low, high] yuan, adding up to `total_cents`
    exactly: draw, then scale and give the rounding remainder to random rows."""
    if count <= 0:
        return []
    draws = [rng.uniform(low, high) for _ in range(count)]
    scale = total_cents / sum(draws)
    parts = [max(1, int(x * scale)) for x in draws]
    gap = total_cents - sum(parts)
    i = 0
    while gap != 0:
        step = 1 if gap > 0 else -1
        k = (i * 7919) % count
        if parts[k] + step >= 1:
            parts[k] += step
            gap -= step
        i += 1
    return parts
