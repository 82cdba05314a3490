"""The backtest: the full demo through the whole pipeline reproduces the article's figures,
each printed in the bulletin exactly as the article prints it, next to its label."""

from __future__ import annotations

import html
import json
import re

import pytest
import yaml

from ingest.paths import REPO_ROOT
from tests.conftest import run_pipeline

ARTICLE = REPO_ROOT / "ingest" / "demo" / "article_figures.yaml"


def article_figures() -> list[dict]:
    return yaml.safe_load(ARTICLE.read_text(encoding="utf-8"))["figures"]


@pytest.fixture(scope="module")
def full_run(full_demo, tmp_path_factory):
    return run_pipeline(full_demo, tmp_path_factory.mktemp("full-build"))


def table_rows(bulletin_html: str) -> dict[str, str]:
    """指标一览: label → printed figure, read back from the rendered HTML table."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", bulletin_html, flags=re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        if len(cells) >= 2:
            rows[cells[0]] = cells[1]
    return rows


def test_every_article_figure_is_printed_next_to_its_label(full_run):
    page = full_run.bulletin.read_text(encoding="utf-8")
    printed = table_rows(page)
    wrong = {
        f["id"]: (f["printed"], printed.get(f["label"]))
        for f in article_figures()
        if printed.get(f["label"]) != f["printed"]
    }
    assert not wrong, f"figures not printed as in the article (expected, got): {wrong}"


def test_the_article_prose_carries_the_figures(full_run):
    text = (full_run.run_dir / "bulletin.md").read_text(encoding="utf-8")
    missing = [f["printed"] for f in article_figures() if f["printed"] not in text]
    assert not missing


def test_the_run_is_published_with_its_manifest(full_run, full_demo):
    current = full_run.run_dir.parent.parent / "current"
    assert current.resolve() == full_run.run_dir
    manifest = json.loads((full_run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "published"
    workbooks = {p.name for p in full_demo.glob("*.xlsx")}
    assert {i["source_file"] for i in manifest["inputs"]} == workbooks
    assert all(len(i["file_sha256"]) == 64 for i in manifest["inputs"])
    assert {"bulletin.html", "figures.xlsx", "warehouse.duckdb"} <= {o["path"] for o in manifest["outputs"]}
    assert [s["stage"] for s in manifest["stages"]][:4] == ["ingest", "dbt build", "checks", "reports"]
    assert manifest["checks"]["passed"] is True
