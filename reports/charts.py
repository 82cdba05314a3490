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

Which charts there are and the rows each may draw: reports/chart_specs.py; the words of a chart
(title, labels, caption, footer, alt text): reports/chart_words.py; this module draws them.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pandas as pd
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reports.chart_cache import ChartCache
from reports.chart_cache import key as chart_key
from reports.chart_specs import CHARTS, DIM_NAMES, Chart, ChartSpec, breakdown, publishable, undefined_rates
from reports.chart_words import alt_text, caption_of, district_line, footer_lines, rate_labels, title_of
from reports.formatting import format_figure, is_missing, to_decimal

BAR_COLOUR, SECOND_COLOUR = "#b3261e", "#8c8c8c"
PNG_METADATA = {"Software": None}  # no version string: identical bytes from identical data
SVG_METADATA = {"Date": None, "Creator": None}
PNG_DPI = 300
DISTRICT_COLOUR = "#1d1d1f"


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
