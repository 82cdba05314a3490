"""macros/table_materialization.sql, the project's table materialisation on DuckDB: a table in one
`create or replace table … as (…)`, replacing a view of the same name, and a model that asks for
what it does not do (here a contract) refused with a message naming the model, not built without it."""

from __future__ import annotations

import shutil

import duckdb
from dbt.cli.main import dbtRunner

from domain.paths import REPO_ROOT
from shushuo.dbt_runner import _release_warehouse

PROJECT = """name: materialisation_check
version: "1.0.0"
config-version: 2
profile: materialisation_check
models:
  materialisation_check:
    +materialized: table
"""
PROFILES = """materialisation_check:
  target: run
  outputs:
    run:
      type: duckdb
      path: "{path}"
      threads: 1
"""
CONTRACT = """version: 2
models:
  - name: contracted
    config:
      contract: {enforced: true}
    columns:
      - name: one
        data_type: integer
"""


def test_tables_are_built_in_one_statement_and_a_contract_is_refused(tmp_path):
    warehouse = tmp_path / "check.duckdb"
    (tmp_path / "models").mkdir()
    (tmp_path / "macros").mkdir()
    shutil.copy(REPO_ROOT / "macros" / "table_materialization.sql", tmp_path / "macros")
    (tmp_path / "dbt_project.yml").write_text(PROJECT)
    (tmp_path / "profiles.yml").write_text(PROFILES.format(path=warehouse))
    (tmp_path / "models" / "plain.sql").write_text("select 1 as one, 'a' as letter")
    (tmp_path / "models" / "contracted.sql").write_text("select 1 as one")
    (tmp_path / "models" / "contracted.yml").write_text(CONTRACT)
    with duckdb.connect(str(warehouse)) as con:  # what an earlier build left: a view of that name
        con.execute("create view main.plain as select 0 as one")

    try:
        folders = ["--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path)]
        folders += ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
        outcome = dbtRunner().invoke(["build", *folders, "--quiet"])
    finally:
        _release_warehouse()

    status = {r.node.name: (str(r.status), r.message or "") for r in outcome.result}
    assert status["plain"][0] == "success"
    assert status["contracted"][0] == "error"
    assert "model contracted asks for contract" in status["contracted"][1]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("select table_name, table_type from information_schema.tables order by 1").fetchall()
        assert tables == [("plain", "BASE TABLE")]
        assert con.execute("select * from plain").fetchall() == [(1, "a")]
