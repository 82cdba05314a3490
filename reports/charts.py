"""Bar charts of the breakdowns in `marts.indicators` (by street, by aid programme).

Drawn with matplotlib's Agg canvas and the Noto Sans CJK SC font shipped in the mplfonts package,
so Chinese labels render on a machine without system CJK fonts. PNGs carry no date or software
version, so the same data gives the same bytes. Bar labels use the bulletin's formatter: a chart
never shows a figure printed differently from the text.

Personal information (PIPL art. 28): two-cancer screening and hardship aid are sensitive. Per-unit
counts of people below SMALL_COUNT are not drawn for SENSITIVE_PEOPLE_COUNTS; amounts of aid by
unit are never drawn (the table carries no recipient count to judge them by).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pandas as pd
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reports.formatting import format_figure, is_missing, to_decimal

SMALL_COUNT = 5
SENSITIVE_PEOPLE_COUNTS = frozenset({"women_screening_cards"})
NEVER_BY_UNIT = frozenset({"aid_amount", "warmth_aid_amount"})
BAR_COLOUR, SECOND_COLOUR = "#b3261e", "#8c8c8c"
DIM_NAMES = {"unit": "单位", "programme": "项目", "category": "类别"}
PNG_METADATA = {"Software": None}  # no version string: identical bytes from identical data


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str
    indicator_id: str
    breakdown_dim: str
    scale: str = "value"  # value | ratio | wan
    compare_with: str | None = None  # a second indicator drawn beside the first


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    path: Path
    caption: str

    @property
    def href(self) -> str:
        return f"charts/{self.path.name}"

    @property
    def base64(self) -> str:
        return base64.b64encode(self.path.read_bytes()).decode("ascii")


CHARTS = (
    ChartSpec("card_uptake_by_unit", "各单位办卡率", "card_uptake_rate", "unit", scale="ratio"),
    ChartSpec("aid_by_programme", "帮扶救助款物（按项目，万元）", "aid_amount", "programme", scale="wan"),
    ChartSpec("contract_rate_by_unit", "各单位集体合同签订率", "collective_contract_rate", "unit", scale="ratio"),
    ChartSpec("members_cards_by_unit", "各单位会员人数与有效京卡数", "members", "unit", compare_with="cards_issued"),
)


def cjk_font_path() -> Path:
    return Path(str(resources.files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"))


@functools.cache
def cjk_font_name() -> str:
    """Register the bundled Noto Sans CJK SC with matplotlib (idempotent) and return its name."""
    path = cjk_font_path()
    if not path.is_file():
        raise FileNotFoundError(f"找不到中文字体 {path}：请安装 mplfonts 包（pip install mplfonts）")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


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
    if indicator_id in NEVER_BY_UNIT:
        return rows.iloc[0:0], len(rows)
    if indicator_id in SENSITIVE_PEOPLE_COUNTS:
        small = rows["value"].map(lambda v: to_decimal(v) < SMALL_COUNT).astype(bool)
        return rows.loc[~small], int(small.sum())
    return rows, 0


def _length(row, scale: str) -> float:
    """Bar length for drawing only; every printed number comes from the formatter."""
    if scale == "ratio" and not is_missing(row["denominator"]) and to_decimal(row["denominator"]) != 0:
        return float(to_decimal(row["numerator"]) / to_decimal(row["denominator"]) * 100)
    value = to_decimal(row["value"])
    return float(value * 100 if scale == "ratio" else value / Decimal(10000) if scale == "wan" else value)


def _draw(spec: ChartSpec, rows: pd.DataFrame, second: pd.DataFrame | None, path: Path, font: str) -> None:
    rows = rows.assign(_len=[_length(r, spec.scale) for _, r in rows.iterrows()])
    rows = rows.sort_values(["_len", "breakdown_key"], ascending=[True, False])  # largest on top
    keys = list(rows["breakdown_key"])
    with rc_context({"font.family": [font], "axes.unicode_minus": False}):
        fig = Figure(figsize=(6.8, 0.9 + 0.34 * len(keys) * (1.3 if second is not None else 1)), dpi=150)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        positions = list(range(len(keys)))
        height = 0.38 if second is not None else 0.62
        offset = height / 2 if second is not None else 0
        bars = ax.barh([p + offset for p in positions], rows["_len"], height=height, color=BAR_COLOUR,
                       label=str(rows["label"].iloc[0]))
        ax.bar_label(bars, labels=[format_figure(r) for _, r in rows.iterrows()], padding=3, fontsize=8)
        if second is not None:
            other = second.set_index("breakdown_key").reindex(keys)
            lengths = [_length(r, spec.scale) if not is_missing(r["value"]) else 0 for _, r in other.iterrows()]
            labels = [format_figure(r) if not is_missing(r["value"]) else "" for _, r in other.reset_index().iterrows()]
            bars2 = ax.barh([p - offset for p in positions], lengths, height=height, color=SECOND_COLOUR,
                            label=str(second["label"].iloc[0]))
            ax.bar_label(bars2, labels=labels, padding=3, fontsize=8)
            ax.legend(loc="lower right", fontsize=8, frameon=False)
        ax.set_yticks(positions, keys, fontsize=9)
        ax.set_title(spec.title, fontsize=11, loc="left")
        ax.margins(x=0.16)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        fig.savefig(path, format="png", metadata=PNG_METADATA)


def draw_charts(indicators: pd.DataFrame, charts_dir: Path, specs=CHARTS) -> tuple[list[Chart], list[str]]:
    """Write one PNG per spec that has rows; return the charts and notes for 数据说明."""
    charts_dir.mkdir(parents=True, exist_ok=True)
    font = cjk_font_name()
    charts, notes = [], []
    for spec in specs:
        rows, withheld = publishable(breakdown(indicators, spec.indicator_id, spec.breakdown_dim),
                                     spec.indicator_id, spec.breakdown_dim)
        undefined = undefined_rates(rows)
        if undefined.any():
            keys = "、".join(str(k) for k in rows.loc[undefined, "breakdown_key"])
            notes.append(f"图“{spec.title}”：{keys} 的分母为 0，比率无定义，未绘制。")
            rows = rows.loc[~undefined]
        if withheld:
            notes.append(f"图“{spec.title}”：{withheld} 个单位的数据涉及敏感个人信息且人数较少，未单列。")
        if rows.empty:
            if not withheld:
                notes.append(f"图“{spec.title}”未绘制：指标 {spec.indicator_id} 没有按{DIM_NAMES.get(spec.breakdown_dim, spec.breakdown_dim)}分列的数据。")
            continue
        second = breakdown(indicators, spec.compare_with, spec.breakdown_dim) if spec.compare_with else None
        path = charts_dir / f"{spec.name}.png"
        _draw(spec, rows, second, path, font)
        definitions = [rows["definition"].iloc[0]]
        if second is not None and not second.empty:
            definitions.append(second["definition"].iloc[0])
        caption = f"{spec.title}。口径：{'；'.join(d.rstrip('。') for d in definitions)}。"
        charts.append(Chart(spec.name, spec.title, path, caption))
    return charts, notes
