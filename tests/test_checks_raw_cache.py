"""The raw checks' findings kept per return (checks/raw_check_cache.py): outcomes made from kept
findings equal those of validating every row; a run where every return is kept sets up no GE; the
same bytes sent under another name are not validated again and show the name they have now; only
a return not kept is validated; returns validated in batches of bounded rows find what one batch of
all finds."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from checks import raw_batches, raw_validation
from checks.outcome import FAILED
from checks.raw_check_cache import generation
from checks.raw_validation import current_in_raw, validate_raw
from tests.test_load_from_last_run import _ingest, _linked

PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


@pytest.fixture(scope="module")
def warehouses(small_demo, tmp_path_factory) -> tuple[Path, Path]:
    """(the small demo ingested, the same plus one return sent again under another name)."""
    base = tmp_path_factory.mktemp("raw-cache")
    folder = _linked(small_demo, base / "input")
    first, _ = _ingest(folder, base / "run-1", base / "ingest-cache")
    again = _linked(small_demo, base / "input-again")
    current = sorted(small_demo.glob("*2018*.xlsx"))[0]
    shutil.copyfile(current, again / current.name.replace(".xlsx", "（更正）.xlsx"))
    second, _ = _ingest(again, base / "run-2", base / "ingest-cache")
    return first, second


def _validated(warehouse: Path, cache: Path | None) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        outcomes = validate_raw(connection, *PERIOD, current_in_raw(*PERIOD), cache=cache)
    return [vars(o) for o in outcomes]


def _no_ge(monkeypatch) -> None:
    def refused(*_args, **_kwargs):
        raise AssertionError("GE was set up although every return was kept")

    monkeypatch.setattr(raw_validation, "_Validator", refused)


def test_kept_findings_give_the_outcomes_of_validating_every_row(warehouses, tmp_path, monkeypatch):
    first, _ = warehouses
    every_row = _validated(first, None)
    assert any(o["status"] == FAILED and o["examples"] for o in every_row), "the demo has findings to keep"
    assert _validated(first, tmp_path) == every_row
    _no_ge(monkeypatch)
    assert _validated(first, tmp_path) == every_row


def test_the_same_bytes_under_another_name_are_not_validated_again(warehouses, tmp_path, monkeypatch):
    first, second = warehouses
    every_row = _validated(second, None)
    _validated(first, tmp_path)
    _no_ge(monkeypatch)
    kept = _validated(second, tmp_path)
    assert kept == every_row
    renamed = [e for o in kept for e in o["examples"] if "（更正）" in str(e.get("source_file"))]
    assert renamed, "the resubmitted return's examples carry its present name"


def test_only_a_return_not_kept_is_validated(warehouses, tmp_path, monkeypatch):
    first, _ = warehouses
    every_row = _validated(first, None)
    _validated(first, tmp_path)
    entries = sorted((tmp_path / generation()).glob("*/*.json"))
    dropped = next(p for p in entries if p.name != "suites.json")
    dropped.unlink()
    validated: list[list[tuple[str, str]]] = []
    validate = raw_validation._Validator.validate

    def recording(self, connection, sheet, returns):
        validated.append(returns)
        return validate(self, connection, sheet, returns)

    monkeypatch.setattr(raw_validation._Validator, "validate", recording)
    assert _validated(first, tmp_path) == every_row
    assert validated and all(returns == [(returns[0][0], dropped.stem)] for returns in validated)


def test_returns_validated_in_batches_of_bounded_rows_find_what_one_batch_finds(warehouses, monkeypatch):
    first, _ = warehouses
    monkeypatch.setattr(raw_batches, "ROWS_PER_VALIDATION", 10**12)
    one_batch = _validated(first, None)
    monkeypatch.setattr(raw_batches, "ROWS_PER_VALIDATION", 300)
    batches: list[tuple[str, list[int]]] = []  # (table, rows of each return in the batch)
    validate = raw_validation._Validator.validate

    def recording(self, connection, sheet, returns):
        rows = [
            connection.execute(
                f"select count(*) from {sheet.raw_table} where source_file = ? and file_sha256 = ?", list(of_return)
            ).fetchall()[0][0]
            for of_return in returns
        ]
        batches.append((sheet.raw_table, rows))
        return validate(self, connection, sheet, returns)

    monkeypatch.setattr(raw_validation._Validator, "validate", recording)
    assert _validated(first, None) == one_batch
    assert any(o["status"] == FAILED and o["examples"] for o in one_batch)
    assert all(len(rows) == 1 or sum(rows) <= 300 for _, rows in batches)
    tables = [table for table, _ in batches]
    assert any(tables.count(table) > 1 for table in tables), "some table was split into batches"
