"""Which charts the bulletin draws (CHARTS: the figure, its breakdown, the scale, what one bar
counts) and which rows of `marts.indicators` each may draw: the breakdown's rows with a value, less
those reports/disclosure.py withholds (small counts of a sensitive figure, the cell that would reveal
them; aid amounts by unit). What a chart says is reports/chart_words.py, how it is drawn
reports/charts.py."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reports.disclosure import withheld_units
from reports.formatting import is_missing, to_decimal

DIM_NAMES = {"unit": "单位", "programme": "项目", "category": "类别"}


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str  # {label} / {second}: the catalogue's labels of indicator_id / compare_with
    indicator_id: str
    breakdown_dim: str
    scale: str = "value"  # value | ratio | wan
    compare_with: str | None = None  # a second indicator drawn beside the first
    stock: bool = False  # taken at the period's end (members, cards, contracts) rather than inside it
    basis: str = ""  # what one bar counts, in place of the catalog's 口径 (which is the headline's)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    path: Path
    caption: str
    alt: str = ""  # alt text: what the chart shows, bar by bar, for a reader who cannot see it

    @property
    def href(self) -> str:
        return f"charts/{self.path.name}"

    @property
    def svg_path(self) -> Path:
        return self.path.with_suffix(".svg")

    @property
    def base64(self) -> str:
        return base64.b64encode(self.path.read_bytes()).decode("ascii")


TWICE = "同一会员被两个单位填报时在两个单位各计一次"
CHARTS = (
    ChartSpec(
        "card_uptake_by_unit",
        "各单位{label}",
        "card_uptake_rate",
        "unit",
        scale="ratio",
        stock=True,
        basis="按各单位自己的名册计：办卡率＝该单位名册中期末持有效京卡的会员数÷该单位名册中的期末会员数"
        f"（卡由哪个单位办理不限），由原始计数计算一次；{TWICE}。",
    ),
    ChartSpec("aid_by_programme", "{label}（按项目，万元）", "aid_amount", "programme", scale="wan"),
    ChartSpec(
        "contract_rate_by_unit",
        "各单位{label}",
        "collective_contract_rate",
        "unit",
        scale="ratio",
        stock=True,
        basis="按各单位填报的建会企业计：签订率＝其中被期限内综合集体合同覆盖的企业数÷该单位填报的已建会企业数"
        "（合同由哪个单位报送不限）；一家企业被两个单位填报时在两个单位各计一次。",
    ),
    ChartSpec(
        "members_cards_by_unit",
        "各单位{label}与{second}",
        "members",
        "unit",
        compare_with="cards_issued",
        stock=True,
        basis="按各单位自己的名册计：期末会员人数为该单位名册中入会日期不晚于期末的会员，京卡·互助服务卡办卡数为其中"
        f"期末持有效京卡的会员（一人多卡计一张，卡由哪个单位办理不限）；{TWICE}。",
    ),
)


def headline(indicators: pd.DataFrame, indicator_id: str):
    """The district's row of a figure (breakdown_dim NULL), or None."""
    rows = indicators[(indicators["indicator_id"] == indicator_id) & indicators["breakdown_dim"].map(is_missing)]
    return None if rows.empty else rows.iloc[0]


def breakdown(indicators: pd.DataFrame, indicator_id: str, dim: str) -> pd.DataFrame:
    rows = indicators[(indicators["indicator_id"] == indicator_id) & (indicators["breakdown_dim"] == dim)]
    missing = rows["value"].map(is_missing).astype(bool)  # bool even when empty: else [] picks columns
    return rows.loc[~missing]


def undefined_rates(rows: pd.DataFrame) -> pd.Series:
    """Rows of a rate whose denominator is 0 (e.g. a unit with no enterprises): no rate to draw."""
    return rows["denominator"].map(lambda d: not is_missing(d) and to_decimal(d) == 0).astype(bool)


def publishable(rows: pd.DataFrame, indicator_id: str, dim: str) -> tuple[pd.DataFrame, int]:
    """The rows that may be drawn, and how many were withheld to protect people."""
    if dim != "unit":
        return rows, 0
    withheld = withheld_units(indicator_id, dict(zip(rows["breakdown_key"].astype(str), rows["value"], strict=True)))
    hidden = rows["breakdown_key"].astype(str).isin(withheld).astype(bool)
    return rows.loc[~hidden], int(hidden.sum())
