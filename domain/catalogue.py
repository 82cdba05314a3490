"""The figure catalogue (seeds/indicator_catalog.csv, dbt's seed): the one reader every stage asks
for a figure's label or the catalogue's order. dbt loads the same file as reference.indicator_catalog."""

from __future__ import annotations

import csv
from functools import cache

from domain.paths import CATALOG_FILE


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
