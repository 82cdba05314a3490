"""Each figure of `marts.indicators` as the publicity office needs it: the printed figure, the
words the article uses around it (发布用语, from figure_wording.yaml), its 口径, and where it comes
from (which units and which submitted files). Exports, the static site, the DOCX and the CLI all
read this one catalogue, so a figure is worded and sourced the same way everywhere (the words
themselves: reports/figure_words.py).

Sources follow ingest's decision, recorded in raw.submissions (is_current; docs/architecture.md,
"Which file counts"): of several workbooks a unit sent for the period, the one ingest chose is
used (采用); the others are listed with the reason they are not (replaced, or held). Per-unit rows
withheld for privacy (reports/disclosure.py: aid by unit, small counts of a sensitive figure and
the cell that would reveal them) are withheld here too, with the reason, as in the charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from domain import catalogue
from domain.periods import period_span
from domain.schema import UNITS_FILE
from reports.chart_specs import DIM_NAMES
from reports.disclosure import hides_previous, withheld_rows
from reports.figure_book import period_of
from reports.figure_words import exact_number, exact_value, plain_number, rate_rounded_up, wording
from reports.formatting import FigureFormatError, format_figure, is_missing, to_decimal
from reports.period_change import NO_CHANGE, change_of, comparison_word, has_previous, previous_exact

UNITS = UNITS_FILE  # read through ingest's schema module, never by a path into ingest/
HEADLINE = "合计"
SUBMISSION_COLUMNS = [
    "unit_code",
    "unit_name",
    "source_file",
    "file_sha256",
    "filled_on",
    "file_modified_at",
    "is_current",
    "submission_rank",
    "status_reason",
]
SHEET_ROW_COLUMNS = ["source_file", "sheet_name", "rows_loaded", "rows_rejected"]
FIGURE_SOURCE_COLUMNS = ["indicator_id", "unit_code", "source_file"]


@cache
def unit_short_names(path: Path = UNITS) -> dict[str, str]:
    """unit code → short name (德胜, 区总工会本级): the name breakdown rows carry as their key."""
    units = yaml.safe_load(path.read_text(encoding="utf-8"))["units"]
    return {u["code"]: u["short"] for u in units}


def catalog_order() -> dict[str, int]:
    return {indicator_id: i for i, indicator_id in enumerate(catalogue.order())}


def adopted_submissions(sources: pd.DataFrame) -> pd.DataFrame:
    """raw.submissions with `adopted`: the workbook ingest decided counts (is_current; ingest/load/current.py),
    read, never decided again here. Listed by unit, the adopted first, then as ingest ranked them."""
    frame = sources.reindex(columns=SUBMISSION_COLUMNS).copy()
    frame["unit_short"] = [
        unit_short_names().get(c) or n for c, n in zip(frame["unit_code"], frame["unit_name"], strict=True)
    ]
    frame["adopted"] = frame["is_current"].eq(True)  # NULL (a warehouse made by hand): not adopted
    frame = frame.sort_values(["unit_code", "submission_rank", "source_file"], na_position="last", kind="stable")
    return frame.reset_index(drop=True)


def load_sources(
    warehouse: Path, period: tuple[dt.date, dt.date] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(raw.submissions of the period, rows loaded and rejected per file and sheet, marts.figure_sources:
    the returns each figure rests on) from a warehouse.

    The first two are empty, the last None, when the warehouse has no such table (a test warehouse)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:

        def read(sql: str, columns: list[str], *params) -> pd.DataFrame:
            try:
                return con.execute(sql, list(params)).df()
            except duckdb.CatalogException:
                return pd.DataFrame(columns=columns)

        where = "where period_start = ? and period_end = ?" if period else ""
        submissions = read(f"select * from raw.submissions {where}", SUBMISSION_COLUMNS, *(period or ()))
        sheet_rows = read(f"select {', '.join(SHEET_ROW_COLUMNS)} from raw.ingest_sheets", SHEET_ROW_COLUMNS)
        figure_sources = read(f"select {', '.join(FIGURE_SOURCE_COLUMNS)} from marts.figure_sources", [])
    finally:
        con.close()
    return submissions, sheet_rows, (figure_sources if len(figure_sources.columns) else None)


@dataclass
class FigureEntry:
    """One row of the figure catalogue; `record()` gives the export columns in Chinese."""

    indicator_id: str
    topic: str
    label: str
    breakdown: str
    dim: str | None
    key: str | None
    exact: str
    unit: str
    printed: str
    phrase: str
    definition: str
    numerator: str
    denominator: str
    period: str
    sources: str
    withheld: str | None
    units: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    comparison: str = ""  # 同比 / 环比 when the indicators carry a previous period, else ""
    previous: str = ""  # 上期数值, exact like `exact`
    change: str = ""  # 增长7.5% / 提高3.31个百分点 / 持平 / —

    def compared(self) -> dict[str, str]:
        """上期数值 and 同比 (or 环比), only when there is a previous period."""
        return {"上期数值": self.previous, self.comparison: self.change} if self.comparison else {}

    def record(self, run_id: str, generated_at: str) -> dict[str, str]:
        return {
            "id": self.indicator_id,
            "主题": self.topic,
            "指标": self.label,
            "分项": self.breakdown,
            "数值": self.exact,
            "单位": self.unit,
            **self.compared(),
            "印刷数字": self.printed,
            "发布用语": self.phrase,
            "口径": self.definition,
            "分子": self.numerator,
            "分母": self.denominator,
            "统计期": self.period,
            "数据来源": self.sources,
            "可否发布": f"否：{self.withheld}" if self.withheld else "是",
            "运行编号": run_id,
            "生成时间": generated_at,
        }


class Provenance:
    """Which adopted workbooks a figure rests on, as marts.figure_sources says (the returns that loaded
    rows into the sheets the figure is counted from); a unit's row rests on that unit's. Without that
    table (a warehouse made by hand): the units of its breakdown rows, or every adopted workbook."""

    def __init__(self, sources: pd.DataFrame, figure_sources: pd.DataFrame | None = None):
        self.submissions = adopted_submissions(sources)
        self.adopted = self.submissions[self.submissions["adopted"]]
        self._files_by_figure: dict[str, set[str]] | None = None
        if figure_sources is not None:
            grouped = figure_sources.groupby("indicator_id")["source_file"].apply(set)
            self._files_by_figure = {str(k): set(v) for k, v in grouped.items()}
        # each figure's files selected once, as (unit, file) pairs: a catalogue asks once per figure
        # and unit row (≈ 600 times at the district's scale), each otherwise a filter of a frame
        self._by_figure: dict[str, list[tuple[str, str]]] = {}
        self._by_units: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        self._adopted_pairs = _pairs(self.adopted)

    def files_of_unit(self, indicator_id: str, short: str) -> list[tuple[str, str]]:
        """(unit, file) of the adopted workbooks a unit's row of the figure rests on."""
        return [pair for pair in self.files_of(indicator_id, [short]) if pair[0] == short]

    def files_of(self, indicator_id: str, unit_keys: list[str]) -> list[tuple[str, str]]:
        """(unit, file) of the adopted workbooks the figure rests on."""
        if self._files_by_figure is not None:
            if indicator_id not in self._by_figure:
                files = self._files_by_figure.get(indicator_id, set())
                self._by_figure[indicator_id] = [pair for pair in self._adopted_pairs if pair[1] in files]
            return self._by_figure[indicator_id]
        if unit_keys:
            wanted = tuple(unit_keys)
            if wanted not in self._by_units:
                self._by_units[wanted] = [pair for pair in self._adopted_pairs if pair[0] in set(wanted)]
            return self._by_units[wanted]
        return self._adopted_pairs

    @staticmethod
    def describe(files: list[tuple[str, str]]) -> str:
        if not files:
            return "未记录报送文件"
        return "；".join(f"{u}：{f}" for u, f in files)


def _pairs(submissions: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(submissions["unit_short"], submissions["source_file"], strict=True))


def _comparison(row, withheld: str | None, dim: str | None) -> tuple[str, str]:
    """(上期数值, 同比) of a row; blank for a withheld row (a previous value would reveal it) and for
    every unit of a sensitive figure (reports/disclosure.hides_previous)."""
    if withheld or hides_previous(str(row["indicator_id"]), dim):
        return "", ""
    change = change_of(row)
    return previous_exact(row), change.text if change else NO_CHANGE


def _entry(
    row, provenance: Provenance, period: str, unit_keys: list[str], comparison: str = "", withheld: str | None = None
) -> FigureEntry:
    dim = None if is_missing(row["breakdown_dim"]) else str(row["breakdown_dim"])
    key = None if dim is None else str(row["breakdown_key"])
    exact, unit = exact_value(row)
    printed = phrase = ""
    if withheld is None:
        try:
            printed = format_figure(row)
            phrase = wording(
                row["indicator_id"],
                printed,
                key,
                rounded_up=key is not None and rate_rounded_up(row, printed),
                exact=exact_number(row),
            )
        except FigureFormatError as exc:
            withheld = f"无法印刷（{exc}）"
    if withheld:
        exact = ""
    files = (
        provenance.files_of_unit(str(row["indicator_id"]), key)
        if dim == "unit" and key
        else provenance.files_of(row["indicator_id"], unit_keys)
    )
    previous, change = _comparison(row, withheld, dim) if comparison else ("", "")
    return FigureEntry(
        indicator_id=str(row["indicator_id"]),
        topic=str(row["topic"]),
        label=str(row["label"]),
        breakdown=HEADLINE if dim is None else f"按{DIM_NAMES.get(dim, dim)}：{key}",
        dim=dim,
        key=key,
        exact=exact,
        unit=unit,
        printed=printed,
        phrase=phrase,
        definition=str(row["definition"]),
        numerator="" if is_missing(row["numerator"]) else plain_number(to_decimal(row["numerator"])),
        denominator="" if is_missing(row["denominator"]) else plain_number(to_decimal(row["denominator"])),
        period=period,
        sources=Provenance.describe(files),
        withheld=withheld,
        units=[unit for unit, _ in files],
        files=[file for _, file in files],
        comparison=comparison,
        previous=previous,
        change=change,
    )


def figure_catalogue(
    indicators: pd.DataFrame, sources: pd.DataFrame, figure_sources: pd.DataFrame | None = None
) -> list[FigureEntry]:
    """Every row of the indicators table, headline first, in the catalog's order."""
    start, end = period_of(indicators)
    period = period_span(start, end)
    provenance = Provenance(sources, figure_sources)
    order = catalog_order()
    unit_order = {short: i for i, short in enumerate(unit_short_names().values())}
    frame = indicators.assign(
        _order=indicators["indicator_id"].map(lambda i: order.get(i, len(order))),
        _headline=indicators["breakdown_dim"].map(is_missing).astype(bool),
        _key_order=indicators["breakdown_key"].map(lambda k: unit_order.get(k, len(unit_order))),
    ).sort_values(
        ["_order", "indicator_id", "_headline", "breakdown_dim", "_key_order", "breakdown_key"],
        ascending=[True, True, False, True, True, True],
        kind="stable",
    )
    unit_rows = frame[frame["breakdown_dim"] == "unit"]
    unit_keys = unit_rows.groupby("indicator_id")["breakdown_key"].apply(list).to_dict()
    comparison = comparison_word(indicators) if has_previous(indicators) else ""
    withheld = withheld_rows(indicators)
    return [
        _entry(
            row,
            provenance,
            period,
            unit_keys.get(row["indicator_id"], []),
            comparison,
            withheld.get((row["indicator_id"], row["breakdown_dim"], row["breakdown_key"])),
        )
        for _, row in frame.iterrows()
    ]


def share_text(part: str, whole: str) -> str:
    """A unit's share of the headline, two decimals; blank when either side is blank or zero."""
    if not part or not whole or Decimal(whole) == 0:
        return ""
    return f"{(Decimal(part) / Decimal(whole) * 100).quantize(Decimal('0.01')):f}%"


def unit_contributions(entries: list[FigureEntry]) -> list[dict[str, str | None]]:
    """Per headline figure with a unit breakdown, each unit's part (分单位): value, share, files.

    Shares of a rate are left blank (a rate is not a part of the whole); units may overlap, so
    shares of a deduplicated count (members, cards) can add up to more than 100%."""
    headlines = {e.indicator_id: e for e in entries if e.dim is None}
    rows = []
    for entry in entries:
        if entry.dim != "unit":
            continue
        head = headlines.get(entry.indicator_id)
        is_rate = entry.unit == "%"
        rows.append(
            {
                "id": entry.indicator_id,
                "指标": entry.label,
                "单位名称": entry.key,
                "数值": entry.exact,
                "单位": entry.unit,
                **entry.compared(),
                "印刷数字": entry.printed,
                "发布用语": entry.phrase,
                "占合计": "" if is_rate or head is None or entry.withheld else share_text(entry.exact, head.exact),
                "分子": entry.numerator,
                "分母": entry.denominator,
                "来源文件": entry.sources,
                "可否发布": f"否：{entry.withheld}" if entry.withheld else "是",
            }
        )
    return rows
