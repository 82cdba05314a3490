"""The dbt sources, staging models and units seed are generated from the submission schema;
the committed copies must match what the generator writes now."""

from __future__ import annotations

from datetime import date

import yaml

from domain import schema
from shushuo import dbt_sources
from shushuo.paths import REPO_ROOT


def test_generated_dbt_files_are_up_to_date():
    stale = dbt_sources.stale_files(REPO_ROOT)
    assert not stale, f"过期的生成文件：{[str(p) for p in stale]}；请运行 python -m shushuo.dbt_sources"


def test_sources_list_every_raw_column_in_order():
    document = yaml.safe_load(dbt_sources.sources_yaml())
    tables = {t["name"]: t for t in document["sources"][0]["tables"]}
    assert set(tables) == {s.name for s in schema.sheets()} | {"submissions", "ingest_sheets"}
    for sheet in schema.sheets():
        assert [c["name"] for c in tables[sheet.name]["columns"]] == [n for n, _ in sheet.raw_columns]
        assert sheet.title in tables[sheet.name]["description"]


def test_staging_documents_every_column_and_leaves_value_checks_to_the_gate():
    """Required and allowed values are checked once, by the gate's schema-derived suites, which
    name unit, file, sheet and row; a staging test would fail dbt first with less."""
    from checks import raw_suites

    document = dbt_sources.staging_document(schema.sheet("cards"))
    columns = {c["name"]: c for c in document["models"][0]["columns"]}
    assert "身份证号" in columns["holder_key"]["description"]
    assert all("data_tests" not in c for c in columns.values())
    # the one test a flagged sheet's model carries is the gate's rule that every unit filled it
    [rule] = document["models"][0]["data_tests"]
    meta = rule["sheet_filled"]["config"]["meta"]
    assert (meta["rule"], meta["severity"], meta["sheets"]) == ("sheet_filled.cards", "blocking", ["cards"])
    assert rule["sheet_filled"]["config"]["severity"] == "error" and rule["sheet_filled"]["config"]["store_failures"]
    assert (
        dbt_sources.staging_document(schema.sheet("stations"))["models"][0]["data_tests"][0]["sheet_filled"]["config"][
            "severity"
        ]
        == "warn"
    )
    assert "data_tests" not in dbt_sources.staging_document(schema.sheet("aid_payments"))["models"][0]
    expectations = raw_suites.expectations_for(schema.sheet("cards"), date(2018, 1, 1), date(2018, 12, 31))
    kinds = {(type(e).__name__, getattr(e, "column", None)) for e in expectations}
    assert ("ExpectColumnValuesToNotBeNull", "holder_key") in kinds
    assert ("ExpectColumnValuesToBeInSet", "status") in kinds


def test_units_seed_holds_every_unit(tmp_path):
    written = dbt_sources.write(tmp_path)
    assert dbt_sources.UNITS_SEED_FILE in written
    lines = (tmp_path / dbt_sources.UNITS_SEED_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(schema.units())
    assert dbt_sources.stale_files(tmp_path) == []
