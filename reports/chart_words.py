"""What a chart says (reports/charts.py draws it): its title by the catalogue's labels, the bar
labels (a rate with as many extra decimals as tell its bars apart), the period it is of, the caption
under it (what one bar counts, whether the bars add up to more than the total, the district's line),
the footer drawn into the PNG and the alt text that reads every bar."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from domain.periods import chinese_date, period_span
from reports.chart_specs import ChartSpec, breakdown, headline
from reports.figure_book import period_of
from reports.formatting import format_figure, is_missing, to_decimal

MAX_EXTRA_DECIMALS = 3  # a rate chart shows at most this many decimals more than the bulletin
PARTS_EXCEED = "各单位之和大于全区合计（全区合计按身份证去重，同一会员只计一次）。"


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
