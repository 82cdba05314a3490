"""shushuo.dbt_runner: a failing build says which node failed, and the warehouse is free for the
next stage once build() returns, whatever happened."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from fixtures_warehouse import new_warehouse, submit

from shushuo import dbt_runner

PERIOD = (date(2018, 1, 1), date(2018, 12, 31))


def test_a_failing_build_names_the_node_and_releases_the_warehouse(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    con = new_warehouse(warehouse)
    con.execute("drop table raw.mediation_cases")  # as if ingest had not created it
    submit(con, "S01", PERIOD, filled_on=date(2019, 1, 10))
    con.execute("update raw.submissions set unit_code = 'X99'")  # a unit units.yaml does not know
    con.close()
    with pytest.raises(dbt_runner.DbtBuildFailed) as failed:
        dbt_runner.build(warehouse, *PERIOD, target_dir=tmp_path / "target")
    message = str(failed.value)
    assert "stg_mediation_cases" in message and "models/staging/stg_mediation_cases.sql" in message
    assert "跳过" in message  # what depends on it did not run
    assert "报表的填报单位代码不在 domain/units.yaml 中：1 行" in message  # a failing test, in words
    with duckdb.connect(str(warehouse), read_only=True) as reader:
        assert reader.execute("select count(*) from raw.submissions").fetchone() == (1,)


def test_a_period_that_ends_before_it_starts_is_refused_before_dbt_runs(tmp_path):
    with pytest.raises(ValueError, match="统计期起"):
        dbt_runner.build(tmp_path / "none.duckdb", date(2018, 12, 31), date(2018, 1, 1))
    assert not (tmp_path / "none.duckdb").exists()


def test_a_build_folder_keeps_its_own_dbt_folder_and_the_docs_their_own(tmp_path, monkeypatch):
    """Runs of two build folders (the desk's, an analyst's trial) may run dbt at the same time, each
    under its own run lock: dbt's target folder (partial parse, manifest, run results) is the build
    folder's, and the docs, which take no lock, are written beside it, never into a run's."""
    monkeypatch.delenv("SHUSHUO_DBT_DIR", raising=False)  # the test workers' shared folder
    warehouse = tmp_path / "warehouse.duckdb"
    new_warehouse(warehouse).close()
    desk = tmp_path / "desk"
    built = dbt_runner.build(warehouse, *PERIOD, command="seed", build_dir=desk)
    target = desk / "dbt" / "target"
    assert built.target_dir == target.resolve()
    assert (target / "partial_parse.msgpack").is_file() and (target / "manifest.json").is_file()
    parsed = (target / "manifest.json").stat().st_mtime_ns
    docs = dbt_runner.docs(warehouse, *PERIOD, build_dir=desk)
    assert docs == (desk / "dbt" / "docs" / "target").resolve()
    assert (docs / "static_index.html").is_file()
    assert (target / "manifest.json").stat().st_mtime_ns == parsed  # the run's target folder untouched
    assert (desk / "dbt" / "docs" / "logs").is_dir()  # its log beside, not in the run's dbt.log
    assert [p.name for p in desk.iterdir()] == ["dbt"]


def test_a_new_target_folder_starts_from_the_default_build_folders_parse(tmp_path, monkeypatch):
    """A run in a build folder of its own (a trial's, a test's target folder) takes over the default
    build folder's parse of the project instead of parsing all of it again, and dbt accepts it."""
    from dbt.parser.manifest import ManifestLoader

    monkeypatch.setenv("SHUSHUO_DBT_DIR", str(tmp_path / "default"))
    warehouse = tmp_path / "warehouse.duckdb"
    new_warehouse(warehouse).close()
    dbt_runner.build(warehouse, *PERIOD, command="seed")  # the default build folder's parse
    taken_over: list[bool] = []
    read = ManifestLoader.read_manifest_for_partial_parse

    def spy(loader):
        manifest = read(loader)
        taken_over.append(manifest is not None)
        return manifest

    monkeypatch.setattr(ManifestLoader, "read_manifest_for_partial_parse", spy)
    fresh = tmp_path / "trial" / "dbt" / "target"
    dbt_runner.build(warehouse, *PERIOD, command="seed", target_dir=fresh)
    assert taken_over == [True]
    assert sorted(p.name for p in fresh.glob("*parse*")) == [dbt_runner.PARTIAL_PARSE]
