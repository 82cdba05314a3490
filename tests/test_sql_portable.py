"""The dbt project compiles on DuckDB and on Spark (docs/architecture.md, the engines): no model,
rule, seed type or shared macro uses what only DuckDB knows; that goes in a macro's DuckDB
implementation (`default__…`, next to its `spark__…`). A quick guard without Spark; the
engines' comparison (tests/test_spark_engine.py) is the real proof."""

from __future__ import annotations

import re

from domain.paths import REPO_ROOT

# DuckDB-only SQL, and what to write instead
DUCKDB_ONLY = {
    r"\bvarchar\b": "{{ dbt.type_string() }} (Spark's VARCHAR needs a length); a seed's column type: string",
    r"\bhugeint\b": "a macro with one implementation per adapter (macros/figures.sql exact_ratio)",
    r"//": "integer division is `div` on Spark: a macro per adapter (exact_ratio)",
    r"\bstring_agg\s*\(": "sorted_distinct_list / sorted_list (macros/lists.sql)",
    r"\bunnest\s*\(": "a union all of the columns",
    r"::": "cast(… as …)",
}
SQL_FOLDERS = ("models", "tests/dbt", "macros")


def _without_comments(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def _shared_sql(path) -> str:
    """A file's SQL outside the macros written for one adapter (default__/duckdb__ … endmacro)."""
    text = _without_comments(path.read_text(encoding="utf-8"))
    return re.sub(r"\{%-?\s*macro\s+(default|duckdb)__.*?endmacro\s*-?%\}", "", text, flags=re.S)


def test_models_rules_and_macros_use_sql_both_engines_compile():
    found = []
    for folder in SQL_FOLDERS:
        for path in sorted((REPO_ROOT / folder).rglob("*.sql")):
            sql = _shared_sql(path)
            found += [
                f"{path.relative_to(REPO_ROOT)}: {pattern} → {instead}"
                for pattern, instead in DUCKDB_ONLY.items()
                if re.search(pattern, sql, flags=re.I)
            ]
    assert not found, "DuckDB-only SQL:\n" + "\n".join(found)


def test_seed_column_types_are_spelled_for_both_engines():
    found = [
        f"{path.relative_to(REPO_ROOT)}: {line.strip()}"
        for path in sorted((REPO_ROOT / "seeds").glob("*.yml"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r":\s*varchar\s*$", line, flags=re.I)
    ]
    assert not found, "seed column types: write string (VARCHAR on DuckDB, STRING on Spark):\n" + "\n".join(found)
