"""Bar charts of the breakdowns in `marts.indicators` (by street, by aid programme).

Drawn with matplotlib's Agg canvas and the Noto Sans CJK SC font shipped in the mplfonts package,
so Chinese labels render on a machine without system CJK fonts. Each chart is written twice: a
300 dpi PNG (the bulletins embed it; print quality) and an SVG beside it for the design desk, its
text kept as text (editable; set in Noto Sans CJK SC). Neither carries a date or software version,
so the same data gives the same bytes. Bar labels use the bulletin's formatter: a chart never shows
a figure printed differently from the text, except that a rate chart adds the decimals it takes to
tell apart bars that differ (five units at 99% are 98.6%–99.4%), and its caption says so.

Titles and legends name each figure by the catalogue's label (seeds/indicator_catalog.csv), the
name the bulletin's tables use. A by-unit rate chart draws the district's rate as a dashed line.

A caption says what the bars count, not what the headline counts: by-unit bars count each unit's
own roster (a member listed by two units is in both bars), so they add up to more than the
district's deduplicated total, and the caption says so. Each PNG carries its statistics period
(a chart pulled out of the bulletin alone still says when it is of).

Personal information: the rows reports/disclosure.py withholds are not drawn (small counts of a
sensitive figure, with the cell that would reveal them; aid amounts by unit).
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

from domain.periods import chinese_date, period_span
from reports.chart_cache import ChartCache
from reports.chart_cache import key as chart_key
from reports.disclosure import withheld_units
from reports.figure_book import period_of
from reports.formatting import format_figure, is_missing, to_decimal

BAR_COLOUR, SECOND_COLOUR = "#b3261e", "#8c8c8c"
DIM_NAMES = {"unit": "单位", "programme": "项目", "category": "类别"}
PNG_METADATA = {"Software": None}  # no version string: identical bytes from identical data
SVG_METADATA = {"Date": None, "Creator": None}
PNG_DPI = 300
MAX_EXTRA_DECIMALS = 3  # a rate chart shows at most this many decimals more than the bulletin
DISTRICT_COLOUR = "#1d1d1f"


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
PARTS_EXCEED = "各单位之和大于全区合计（全区合计按身份证去重，同一会员只计一次）。"
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


def cjk_font_path() -> Path:
    return Path(str(resources.files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"))


@functools.cache
def cjk_font_name() -> str:
    """Register the bundled Noto Sans CJK SC with matplotlib (idempotent) and return its name."""
    path = cjk_font_path()
    if not path.is_file():
        raise FileNotFoundError(f"找不到中文字体 {path}：请安装 mplfonts 包（pip install mplfonts）")
    manager = font_manager.fontManager
    manager.addfont(str(path))  # appends the file's entries and empties findfont's cache
    # A system copy of the family (Debian's fonts-noto-cjk, a .ttc) ties with the bundled file and
    # findfont takes the first of equals: the bundled entries go first, so every machine draws with
    # the same file (a stable sort, swapped in whole: a list sorted in place looks empty meanwhile;
    # nothing has looked a font up since addfont emptied findfont's cache).
    manager.ttflist = sorted(manager.ttflist, key=lambda entry: Path(entry.fname) != path)
    return font_manager.FontProperties(fname=str(path)).get_name()


def headline(indicators: pd.DataFrame, indicator_id: str):
    """The district's row of a figure (breakdown_dim NULL), or None."""
    rows = indicators[(indicators["indicator_id"] == indicator_id) & indicators["breakdown_dim"].map(is_missing)]
    return None if rows.empty else rows.iloc[0]


def title_of(spec: ChartSpec, indicators: pd.DataFrame) -> str:
    """The spec's title with the catalogue's labels: one name per figure, as the tables name it."""

    def label(indicator_id: str | None) -> str:
        row = headline(indicators, indicator_id) if indicator_id else None
        return "" if row is None else str(row["label"])

    return spec.title.format(label=label(spec.indicator_id), second=label(spec.compare_with))


def _exact_ratio(row) -> Decimal | None:
    if is_missing(row["denominator"]) or to_decimal(row["denominator"]) == 0:
        return None
    return to_decimal(row["numerator"]) / to_decimal(row["denominator"])


def rate_labels(rows: pd.DataFrame) -> tuple[list[str], int]:
    """Bar labels of a rate, with as few extra decimals (0 to MAX_EXTRA_DECIMALS) as tell apart
    every two bars whose exact rates differ; and the number of extra decimals used."""
    style = str(rows["style"].iloc[0])
    name, _, decimals = style.partition(":")
    if name != "pct":
        return [format_figure(r) for _, r in rows.iterrows()], 0
    exact = [_exact_ratio(r) for _, r in rows.iterrows()]
    for extra in range(MAX_EXTRA_DECIMALS + 1):
        labels = [
            format_figure({**r.to_dict(), "style": f"pct:{int(decimals or 0) + extra}"}) for _, r in rows.iterrows()
        ]
        printed: dict[str, set] = {}
        for ratio, text in zip(exact, labels, strict=True):
            printed.setdefault(text, set()).add(ratio)
        if all(len(ratios) == 1 for ratios in printed.values()):
            return labels, extra
    return labels, MAX_EXTRA_DECIMALS


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


def period_label(indicators: pd.DataFrame, stock: bool) -> str:
    """When the chart is of: a stock is dated at the period's end, a flow by the whole period."""
    start, end = period_of(indicators)
    return f"截至{chinese_date(end)}" if stock else period_span(start, end)


def period_footer(indicators: pd.DataFrame, stock: bool) -> str:
    """The line drawn at the foot of the PNG, so a chart used alone still says when it is of."""
    start, end = period_of(indicators)
    span = f"统计期：{period_span(start, end)}"
    return f"{span}；图中为期末（{chinese_date(end)}）数" if stock else span


def parts_exceed_total(indicators: pd.DataFrame, indicator_id: str, dim: str) -> bool:
    """True when the breakdown of a count adds up to more than its headline (people counted under
    two units): a caption must then not suggest the bars were deduplicated."""
    rows = indicators[indicators["indicator_id"] == indicator_id]
    parts = breakdown(indicators, indicator_id, dim)
    head = rows[rows["breakdown_dim"].map(is_missing).astype(bool)]
    if parts.empty or head.empty or is_missing(head["value"].iloc[0]):
        return False
    return sum(to_decimal(v) for v in parts["value"]) > to_decimal(head["value"].iloc[0])


def bars_exceed_total(spec: ChartSpec, indicators: pd.DataFrame) -> bool:
    ids = [spec.indicator_id, *([spec.compare_with] if spec.compare_with else [])]
    return spec.scale != "ratio" and any(parts_exceed_total(indicators, i, spec.breakdown_dim) for i in ids)


def district_line(spec: ChartSpec, indicators: pd.DataFrame):
    """The district's row to draw as a line across by-unit bars of a rate (the bars' parts of a
    count add up to the district, so a count has none), or None."""
    if spec.breakdown_dim != "unit" or spec.scale != "ratio":
        return None
    row = headline(indicators, spec.indicator_id)
    return None if row is None or is_missing(row["value"]) else row


def caption_of(spec: ChartSpec, indicators: pd.DataFrame, definitions: list[str], extra_decimals: int = 0) -> str:
    """The words under a chart: title and period, then what one bar counts (the spec's basis for
    by-unit bars, else the catalog's 口径), whether the bars add up to more than the total, the
    district's line, and the decimals a rate chart adds to tell its bars apart."""
    basis = spec.basis or f"口径：{'；'.join(d.rstrip('。') for d in definitions)}。"
    exceed = PARTS_EXCEED if bars_exceed_total(spec, indicators) else ""
    district = district_line(spec, indicators)
    line = f"虚线为全区{district['label']}（{format_figure(district)}）。" if district is not None else ""
    decimals = f"为区分相近的单位，图中比率比正文多保留 {extra_decimals} 位小数。" if extra_decimals else ""
    return f"{title_of(spec, indicators)}（{period_label(indicators, spec.stock)}）。{basis}{exceed}{line}{decimals}"


def footer_lines(spec: ChartSpec, indicators: pd.DataFrame) -> list[str]:
    """Drawn under the bars: the period, and, when the bars add up to more than the total, why."""
    lines = [period_footer(indicators, spec.stock)]
    if bars_exceed_total(spec, indicators):
        lines.append("各单位按自己的名册计，同一会员在两个单位各计一次，故各单位之和大于全区合计")
    return lines


def alt_text(title: str, rows: pd.DataFrame, second: pd.DataFrame | None, district) -> str:
    """横向条形图，按…从大到小：广宁门 92.31%、…: every bar as printed, largest first."""
    others = {}
    if second is not None and not second.empty:
        others = {str(r["breakdown_key"]): format_figure(r) for _, r in second.iterrows() if not is_missing(r["value"])}
    bars = "、".join(
        f"{r['breakdown_key']} {r['_label']}" + (f"（{others.get(str(r['breakdown_key']), '—')}）" if others else "")
        for _, r in rows.iterrows()
    )
    pair = f"；括号内为{second['label'].iloc[0]}" if second is not None and others else ""
    line = f"；虚线为全区{district['label']} {format_figure(district)}" if district is not None else ""
    return f"{title}，横向条形图，按{rows['label'].iloc[0]}从大到小{pair}{line}：{bars}。"


def _length(row, scale: str) -> float:
    """Bar length for drawing only; every printed number comes from the formatter."""
    if scale == "ratio" and not is_missing(row["denominator"]) and to_decimal(row["denominator"]) != 0:
        return float(to_decimal(row["numerator"]) / to_decimal(row["denominator"]) * 100)
    value = to_decimal(row["value"])
    return float(value * 100 if scale == "ratio" else value / Decimal(10000) if scale == "wan" else value)


def _draw(
    spec: ChartSpec,
    title: str,
    rows: pd.DataFrame,
    second: pd.DataFrame | None,
    district,
    path: Path,
    font: str,
    footer: list[str],
) -> None:
    """Horizontal bars, largest on top, labelled as printed; the district's line when given; the
    footer lines under the plot. `rows` come from _ordered (largest first). Written as PNG and SVG."""
    rows = rows.iloc[::-1]  # barh draws the first row at the bottom
    keys = list(rows["breakdown_key"])
    with rc_context(
        {"font.family": [font], "axes.unicode_minus": False, "svg.fonttype": "none", "svg.hashsalt": "shushuo"}
    ):
        per_bar = 0.3 if second is not None else 0.2
        fig_height = 1.05 + 0.2 * len(footer) + per_bar * len(keys) + (0.25 if district is not None else 0)
        fig = Figure(figsize=(6.8, fig_height), dpi=PNG_DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        positions = list(range(len(keys)))
        height = 0.42 if second is not None else 0.64
        offset = height / 2 if second is not None else 0
        bars = ax.barh(
            [p + offset for p in positions],
            rows["_len"],
            height=height,
            color=BAR_COLOUR,
            label=str(rows["label"].iloc[0]),
        )
        if district is None:
            ax.bar_label(bars, labels=list(rows["_label"]), padding=3, fontsize=7.5)
        else:  # one column right of every bar: the district's line never runs through a label
            column = max([*rows["_len"], _length(district, spec.scale)]) * 1.015
            for position, text in zip(positions, rows["_label"], strict=True):
                ax.text(column, position + offset, text, va="center", ha="left", fontsize=7.5)
        if second is not None:
            other = second.set_index("breakdown_key").reindex(keys)
            lengths = [_length(r, spec.scale) if not is_missing(r["value"]) else 0 for _, r in other.iterrows()]
            labels = [format_figure(r) if not is_missing(r["value"]) else "" for _, r in other.reset_index().iterrows()]
            bars2 = ax.barh(
                [p - offset for p in positions],
                lengths,
                height=height,
                color=SECOND_COLOUR,
                label=str(second["label"].iloc[0]),
            )
            ax.bar_label(bars2, labels=labels, padding=3, fontsize=7.5)
        if district is not None:
            ax.axvline(
                _length(district, spec.scale),
                color=DISTRICT_COLOUR,
                linestyle=(0, (4, 3)),
                linewidth=1,
                label=f"全区{district['label']} {format_figure(district)}",
            )
        if second is not None or district is not None:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.01), ncols=2, fontsize=8, frameon=False)
        ax.set_yticks(positions, keys, fontsize=8)
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.set_title(title, fontsize=11, loc="left")
        ax.margins(x=0.16)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        fig.text(
            0.01,
            0.1 / fig_height,
            "\n".join(footer),
            fontsize=7.5,
            color=SECOND_COLOUR,
            ha="left",
            va="bottom",
            linespacing=1.4,
        )
        legend_room = 0.22 if second is not None or district is not None else 0
        fig.tight_layout(rect=(0, (0.15 + 0.17 * len(footer) + legend_room) / fig_height, 1, 1))
        fig.savefig(path, format="png", metadata=PNG_METADATA)
        fig.savefig(path.with_suffix(".svg"), format="svg", metadata=SVG_METADATA)


def draw_charts(
    indicators: pd.DataFrame, charts_dir: Path, specs=CHARTS, cache: Path | None = None
) -> tuple[list[Chart], list[str]]:
    """Write one PNG and one SVG per spec that has rows; return the charts and notes for 数据说明.
    `cache`: a folder of charts drawn before (reports/chart_cache.py); a chart drawn from the same
    values by the same code is copied from it, not drawn again."""
    charts_dir.mkdir(parents=True, exist_ok=True)
    font = cjk_font_name()
    drawn_before = ChartCache(cache)
    charts, notes = [], []
    for spec in specs:
        title = title_of(spec, indicators)
        rows, withheld = publishable(
            breakdown(indicators, spec.indicator_id, spec.breakdown_dim), spec.indicator_id, spec.breakdown_dim
        )
        undefined = undefined_rates(rows)
        if undefined.any():
            keys = "、".join(str(k) for k in rows.loc[undefined, "breakdown_key"])
            notes.append(f"图“{title}”：{keys} 的分母为 0，比率无定义，未绘制。")
            rows = rows.loc[~undefined]
        if withheld:
            notes.append(
                f"图“{title}”：{withheld} 个单位的数据涉及敏感个人信息"
                "（人数较少，或可据以推算出人数较少的单位），未单列。"
            )
        if rows.empty:
            if not withheld:
                dim = DIM_NAMES.get(spec.breakdown_dim, spec.breakdown_dim)
                notes.append(f"图“{title}”未绘制：指标 {spec.indicator_id} 没有按{dim}分列的数据。")
            continue
        second = breakdown(indicators, spec.compare_with, spec.breakdown_dim) if spec.compare_with else None
        district = district_line(spec, indicators)
        rows = rows.assign(_len=[_length(r, spec.scale) for _, r in rows.iterrows()])
        rows = rows.sort_values(["_len", "breakdown_key"], ascending=[False, True])
        labels, extra = (
            rate_labels(rows) if spec.scale == "ratio" else ([format_figure(r) for _, r in rows.iterrows()], 0)
        )
        rows = rows.assign(_label=labels)
        path = charts_dir / f"{spec.name}.png"
        footer = footer_lines(spec, indicators)
        key = chart_key(spec, title, rows, second, district, path.name, font, footer)
        if not drawn_before.fetch(key, path):
            _draw(spec, title, rows, second, district, path, font, footer)
            drawn_before.keep(key, path)
        definitions = [rows["definition"].iloc[0]]
        if second is not None and not second.empty:
            definitions.append(second["definition"].iloc[0])
        charts.append(
            Chart(
                spec.name,
                title,
                path,
                caption_of(spec, indicators, definitions, extra),
                alt_text(title, rows, second, district),
            )
        )
    drawn_before.prune()
    return charts, notes
