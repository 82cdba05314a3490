"""What the gate's Python readers share: the tables they read, named once (TABLES), the figure
catalogue's labels, and the sheets the schema flags `expected_nonempty`. The business rules
themselves are dbt tests (tests/dbt, read back by checks/rule_results.py)."""

from __future__ import annotations

import csv
from functools import cache

from ingest import schema
from ingest.paths import CATALOG_FILE

TABLES = {
    "indicators": "marts.indicators",
    "submissions": "raw.submissions",  # contract table: every workbook read, with its period
    "ingest_sheets": "raw.ingest_sheets",  # per file and sheet: rows read, loaded, rejected, skipped
    # which workbook of each unit counts this period (is_current); the GE suites check only its rows
    "current_submissions": "staging.stg_submissions",
}


@cache
def labels() -> dict[str, str]:
    with open(CATALOG_FILE, encoding="utf-8", newline="") as handle:
        return {row["indicator_id"]: row["label"] for row in csv.DictReader(handle)}


def expected_nonempty() -> dict[str, str]:
    """sheet name → severity, for the sheets the schema flags `expected_nonempty`."""
    return {s.name: s.expected_nonempty for s in schema.sheets() if s.expected_nonempty}
