"""Period over period (同比): each figure beside its value in the period before, and the change.

The run builds the previous period's indicators into `marts_previous.indicators` (shushuo.
previous_build.build) when the input holds returns for it. `with_previous` puts them beside
this period's rows as columns previous_value / previous_numerator / previous_denominator (matched
by indicator, breakdown and key), so every report reads one table. Without a previous period
those columns are simply absent and nothing prints a 同比.

How a change is written, the publicity office's habit:
- a rate (style pct:N) changes in 百分点, never in %: a rate of 85.40% after 82.15% is 提高3.25个百分点
  (N decimals, at least one), from the exact numerator ÷ denominator of both periods;
- anything else changes in % with one decimal: 增长7.5% / 下降2.9%; a previous value of 0 gives
  no percentage at all;
- no change at all is 持平; a change too small to show at that precision is 基本持平 (a rate of
  88.42% after 88.45% prints as 88.4% after 88.5%: 持平 would contradict the printed figures).
Rounding happens once, here, half up, from exact values (as reports/formatting does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import duckdb
import pandas as pd

from domain.periods import period_span
from reports.formatting import is_missing, to_decimal

PREVIOUS_TABLE = "marts_previous.indicators"
KEYS = ["indicator_id", "breakdown_dim", "breakdown_key"]
PREVIOUS_COLUMNS = [
    "previous_value",
    "previous_numerator",
    "previous_denominator",
    "previous_period_start",
    "previous_period_end",
]
NO_CHANGE = "—"  # a figure the previous period did not have


@dataclass(frozen=True)
class Change:
    """A figure's change against the previous period: `amount` signed and rounded, in 百分点
    (kind "points") or % (kind "percent"); `text` as printed: 增长7.5%, 提高3.31个百分点, 持平."""

    kind: str
    amount: Decimal
    unchanged: bool = False  # the exact values are equal (not only the rounded change 0)

    @property
    def text(self) -> str:
        if self.amount == 0:
            return "持平" if self.unchanged else "基本持平"
        if self.kind == "points":
            return f"{'提高' if self.amount > 0 else '下降'}{abs(self.amount):f}个百分点"
        return f"{'增长' if self.amount > 0 else '下降'}{abs(self.amount):f}%"


def load_previous(warehouse: Path) -> pd.DataFrame | None:
    """marts_previous.indicators (DECIMALs as Decimal), or None when the run built no previous
    period (no returns for it in the input) or it has no rows."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        table = con.sql(f"select * from {PREVIOUS_TABLE}").to_arrow_table()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    frame = table.to_pandas()
    return frame if len(frame) else None


def _key(frame: pd.DataFrame) -> pd.Series:
    """(id, dim, key) as one hashable value; a missing dim or key (headline rows) as ''."""
    parts = [frame[c].map(lambda v: "" if is_missing(v) else str(v)) for c in KEYS]
    return parts[0] + "\x1f" + parts[1] + "\x1f" + parts[2]


def with_previous(indicators: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """`indicators` with the previous period's value, numerator, denominator and period beside
    each row (None where the previous period had no such row); unchanged when `previous` is None."""
    if previous is None or previous.empty:
        return indicators
    before = previous.assign(_key=_key(previous)).drop_duplicates("_key").set_index("_key")
    keys = _key(indicators)
    frame = indicators.copy()
    for column, source in zip(
        PREVIOUS_COLUMNS, ["value", "numerator", "denominator", "period_start", "period_end"], strict=True
    ):
        values = before[source].to_dict()
        frame[column] = [values.get(k) for k in keys]
    start, end = before["period_start"].iloc[0], before["period_end"].iloc[0]
    frame["previous_period_start"], frame["previous_period_end"] = start, end  # also where the row is new
    return frame


def has_previous(indicators: pd.DataFrame) -> bool:
    return "previous_value" in indicators.columns


def previous_period_of(indicators: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    if not has_previous(indicators) or indicators.empty:
        return None
    row = indicators.iloc[0]
    return pd.Timestamp(row["previous_period_start"]).date(), pd.Timestamp(row["previous_period_end"]).date()


def comparison_word(indicators: pd.DataFrame) -> str:
    """同比 when the previous period is the same period a year earlier (a year against the year
    before, a quarter against the quarter before when the period is a year long …), else 环比."""
    before = previous_period_of(indicators)
    if before is None:
        return "同比"
    start = pd.Timestamp(indicators.iloc[0]["period_start"]).date()
    year_before = (
        start.replace(year=start.year - 1)
        if not (start.month == 2 and start.day == 29)
        else start.replace(year=start.year - 1, day=28)
    )
    return "同比" if before[0] == year_before else "环比"


def _ratio(numerator, denominator, value) -> Decimal | None:
    if not is_missing(numerator) and not is_missing(denominator):
        den = to_decimal(denominator)
        if den == 0:
            return None
        with localcontext() as ctx:
            ctx.prec = 60
            return to_decimal(numerator) / den
    return None if is_missing(value) else to_decimal(value)


def _round(number: Decimal, decimals: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def is_rate(row) -> bool:
    return str(row["style"]).startswith("pct")


def change_of(row) -> Change | None:
    """The change of one row of with_previous(), or None when there is nothing to compare with
    (no previous period, no previous row, a rate without a denominator, a count that was 0)."""
    if "previous_value" not in row.index:
        return None
    if is_rate(row):
        now = _ratio(row["numerator"], row["denominator"], row["value"])
        before = _ratio(row["previous_numerator"], row["previous_denominator"], row["previous_value"])
        if now is None or before is None:
            return None
        decimals = max(1, int(str(row["style"]).partition(":")[2] or 0))
        return Change("points", _round((now - before) * 100, decimals), now == before)
    if is_missing(row["value"]) or is_missing(row["previous_value"]):
        return None
    now, before = to_decimal(row["value"]), to_decimal(row["previous_value"])
    if before == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return Change("percent", _round((now - before) / before * 100, 1), now == before)


def previous_exact(row) -> str:
    """The previous value as the exports print 数值: exact, a rate as a percentage to six
    places; '' when there is none."""
    if "previous_value" not in row.index:
        return ""
    if is_rate(row):
        ratio = _ratio(row["previous_numerator"], row["previous_denominator"], row["previous_value"])
        return "" if ratio is None else _plain((ratio * 100).quantize(Decimal("0.000001")))
    return "" if is_missing(row["previous_value"]) else _plain(to_decimal(row["previous_value"]))


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in {"-0", ""} else text


def comparison_note(indicators: pd.DataFrame) -> str | None:
    """The 数据说明 line that says what 同比 compares with, or None without a previous period."""
    before = previous_period_of(indicators)
    if before is None:
        return None
    word = comparison_word(indicators)
    span = period_span(*before)
    return (
        f"{word}：与上一统计期（{span}）同一口径的数字相比；比率的变化以百分点计，小数位数与该比率印出的相同"
        f"（至少一位），其余数字以百分比计、保留一位小数；变化小到显示不出时记为“基本持平”；"
        f"上期没有该项或为0时记为“{NO_CHANGE}”。"
    )
