"""The headline figures of one period, looked up by indicator id while a template renders.

A template asks for a figure by id (`fig('cards_issued')`); the book formats it once and remembers
it, so the table 指标一览 lists exactly the figures the prose printed, each beside its label and
口径, in the order a reader met them. A figure the template needs but the data lacks stops the
render with the indicator's id: a bulletin never prints a gap.

When the indicators carry the previous period (reports/period_change), each printed figure also
carries its change (增长7.5%, 提高3.31个百分点) for the table's 同比 column, and `change(id)` gives
the prose "，同比增长7.5%" — or "" when there is no previous period, so the prose reads the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from domain import catalogue
from reports.figure_words import exact_number, reach_word
from reports.formatting import MissingFigureError, format_figure, is_missing, to_decimal
from reports.period_change import NO_CHANGE, change_of, comparison_word, has_previous

OTHERS_TITLE = "其他指标（正文未引用）"  # the table after 指标一览: the catalogue's figures the prose does not print
REQUIRED_COLUMNS = (
    "indicator_id",
    "label",
    "unit",
    "printed_unit",
    "style",
    "definition",
    "breakdown_dim",
    "breakdown_key",
    "value",
    "numerator",
    "denominator",
    "period_start",
    "period_end",
)


class BulletinDataError(ValueError):
    """The indicators table cannot make a bulletin (missing columns, rows or one period)."""


@dataclass(frozen=True)
class PrintedFigure:
    indicator_id: str
    label: str
    text: str
    definition: str
    change: str = ""  # 增长7.5% / 提高3.31个百分点 / 持平 / — (no previous row); "" without a previous period


def _as_date(value) -> dt.date:
    return pd.Timestamp(value).date()


def headline_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """The rows without breakdown, indexed by indicator id; checks the table's shape first."""
    missing = [c for c in REQUIRED_COLUMNS if c not in indicators.columns]
    if missing:
        raise BulletinDataError(f"指标表缺少列：{'、'.join(missing)}（见 docs/architecture.md 的 marts.indicators）")
    headline = indicators.loc[indicators["breakdown_dim"].map(is_missing).astype(bool)]
    repeated = sorted(headline.loc[headline["indicator_id"].duplicated(), "indicator_id"].unique())
    if repeated:
        raise BulletinDataError(f"指标 {'、'.join(repeated)} 的总数行不止一行：每个指标只能有一个总数")
    return headline.set_index("indicator_id", drop=False)


def period_of(indicators: pd.DataFrame) -> tuple[dt.date, dt.date]:
    periods = {
        (_as_date(s), _as_date(e)) for s, e in zip(indicators["period_start"], indicators["period_end"], strict=True)
    }
    if len(periods) != 1:
        shown = "；".join(f"{s}至{e}" for s, e in sorted(periods)) or "无"
        raise BulletinDataError(f"指标表应只含一个统计期，实际为：{shown}")
    return periods.pop()


class FigureBook:
    """Headline figures for a template: `fig(id)` prints and records, `same(a, b)` compares."""

    def __init__(self, indicators: pd.DataFrame, mark: Callable[[str], str] = str):
        self._rows = headline_rows(indicators)
        self._mark = mark
        self._printed: dict[str, PrintedFigure] = {}
        self.has_previous = has_previous(indicators)
        self.comparison = comparison_word(indicators) if self.has_previous else ""  # 同比 or 环比

    def _row(self, indicator_id: str):
        self._format(indicator_id)  # names a missing figure
        return self._rows.loc[indicator_id]

    def _format(self, indicator_id: str) -> PrintedFigure:
        if indicator_id not in self._rows.index:
            raise MissingFigureError(
                f"公报需要指标 {indicator_id}，但指标表中没有它的总数行（breakdown_dim 为空）："
                "请检查 dbt 模型 marts.indicators 是否产出了该指标"
            )
        row = self._rows.loc[indicator_id]
        change = ""
        if self.has_previous:
            found = change_of(row)
            change = found.text if found else NO_CHANGE
        return PrintedFigure(indicator_id, str(row["label"]), format_figure(row), str(row["definition"]), change)

    def text(self, indicator_id: str) -> str:
        """The printed figure without recording it (for comparisons)."""
        return self._format(indicator_id).text

    def fig(self, indicator_id: str) -> str:
        printed = self._printed.get(indicator_id) or self._format(indicator_id)
        self._printed[indicator_id] = printed
        return self._mark(printed.text)

    def change(self, indicator_id: str) -> str:
        """ "，同比增长7.5%" for the prose after the figure, or "" when there is nothing to compare
        with (no previous period, or no previous value for this figure)."""
        printed = self._printed.get(indicator_id) or self._format(indicator_id)
        if printed.change in ("", NO_CHANGE):
            return ""
        return "，" + self.comparison + self._mark(printed.change)

    def reach(self, indicator_id: str) -> str:
        """达到, or the evaluative word (高达) the figure's exact value earns by the rule of
        reports/evaluative_words.yaml."""
        return reach_word(indicator_id, exact_number(self._row(indicator_id)))

    def covers(self, part_id: str, whole_id: str) -> bool:
        """True when the count `part_id` is all of `whole_id` and not zero (e.g. every station is
        staffed to its quota: 满编配备); False when either is missing."""
        if part_id not in self._rows.index or whole_id not in self._rows.index:
            return False
        part, whole = self._rows.loc[part_id, "value"], self._rows.loc[whole_id, "value"]
        return (
            not is_missing(part)
            and not is_missing(whole)
            and to_decimal(whole) > 0
            and to_decimal(part) == to_decimal(whole)
        )

    def same(self, *indicator_ids: str) -> bool:
        """True when the figures print identically (e.g. both signing rates → 均达到)."""
        return len({self.text(i) for i in indicator_ids}) == 1

    def printed(self) -> list[PrintedFigure]:
        return list(self._printed.values())

    def others(self) -> list[PrintedFigure]:
        """The headline figures the prose did not print, in the catalogue's order: the bulletin
        lists them after 指标一览, so every figure of the catalogue is in it. Not recorded."""
        order = {i: n for n, i in enumerate(catalogue.order())}
        rest = [i for i in self._rows.index if i not in self._printed]
        return [self._format(i) for i in sorted(rest, key=lambda i: (order.get(i, len(order)), i))]
