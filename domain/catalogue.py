"""The figure catalogue (seeds/indicator_catalog.csv) and the sheets each figure is counted from
(seeds/figure_sheets.csv), dbt's seeds: the one reader every stage asks for a figure's label, the
catalogue's order or a figure's sheets. dbt loads the same files (reference.*), and
marts.figure_sources joins the sheets to the returns that loaded them."""

from __future__ import annotations

import csv
from functools import cache

from domain.paths import CATALOG_FILE, FIGURE_SHEETS_FILE


@cache
def rows() -> tuple[dict[str, str], ...]:
    """The catalogue's rows in its order (grouped by topic), every field as written."""
    with open(CATALOG_FILE, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def order() -> tuple[str, ...]:
    """The indicator ids in the catalogue's order."""
    return tuple(row["indicator_id"] for row in rows())


def labels() -> dict[str, str]:
    """indicator id → its label (办卡率, 送温暖款物, …)."""
    return {row["indicator_id"]: row["label"] for row in rows()}


@cache
def sheets_of() -> dict[str, tuple[str, ...]]:
    """indicator id → the canonical sheet names (domain/schema.yaml) whose rows the figure counts."""
    found: dict[str, list[str]] = {}
    with open(FIGURE_SHEETS_FILE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["indicator_id"], []).append(row["sheet_name"])
    return {indicator_id: tuple(found.get(indicator_id, ())) for indicator_id in order()}
