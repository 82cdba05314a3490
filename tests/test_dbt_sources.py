"""The dbt sources, staging models and units seed are generated from the submission schema;
the committed copies must match what the generator writes now."""

from __future__ import annotations

import yaml

from ingest import schema
from shushuo import dbt_sources
from shushuo.paths import REPO_ROOT


def test_generated_dbt_files_are_up_to_date():
    stale = dbt_sources.stale_files(REPO_ROOT)
    assert not stale, f"过期的生成文件：{[str(p) for p in stale]}；请运行 python -m shushuo.dbt_sources"


def test_sources_list_every_raw_column_in_order():
    document = yaml.safe_load(dbt_sources.sources_yaml())
    tables = {t["name"]: t for t in document["sources"][0]["tables"]}
    assert set(tables) == {s.name for s in schema.sheets()} | {"submissions"}
    for sheet in schema.sheets():
        assert [c["name"] for c in tables[sheet.name]["columns"]] == [n for n, _ in sheet.raw_columns]
        assert sheet.title in tables[sheet.name]["description"]


def test_staging_tests_follow_required_and_allowed_values():
    document = dbt_sources.staging_document(schema.sheet("cards"))
    columns = {c["name"]: c.get("data_tests", []) for c in document["models"][0]["columns"]}
    assert columns["holder_key"] == ["not_null"]
    assert columns["cancelled_on"] == []
    assert {"accepted_values": {"arguments": {"values": ["正常", "注销"]}}} in columns["status"]


def test_units_seed_holds_every_unit(tmp_path):
    written = dbt_sources.write(tmp_path)
    assert dbt_sources.UNITS_SEED_FILE in written
    lines = (tmp_path / dbt_sources.UNITS_SEED_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(schema.units())
    assert dbt_sources.stale_files(tmp_path) == []
