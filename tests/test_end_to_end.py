"""The backtest: the full demo through the whole pipeline reproduces the article's figures,
each printed in the bulletin exactly as the article prints it, next to its label."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest
import yaml

from domain.paths import REPO_ROOT
from tests.conftest import run_pipeline
from tests.pdf_reading import fonts, page_count, page_texts

ARTICLE = REPO_ROOT / "demo" / "article_figures.yaml"


def article_figures() -> list[dict]:
    return yaml.safe_load(ARTICLE.read_text(encoding="utf-8"))["figures"]


@pytest.fixture(scope="module")
def full_run(full_demo, tmp_path_factory):
    """The demo as `make report` runs it, bulletin.pdf included (LibreOffice converts the DOCX)."""
    return run_pipeline(full_demo, tmp_path_factory.mktemp("full-build"), pdf=True)


@pytest.fixture(scope="module")
def bulletin_pdf(full_run) -> tuple[Path, list[str]]:
    pdf = full_run.run_dir / "bulletin.pdf"
    assert pdf.is_file(), "bulletin.pdf 未生成：请运行 bash scripts/setup_office.sh 安装 LibreOffice"
    return pdf, page_texts(pdf)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


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


def test_the_bulletin_pdf_numbers_its_pages_and_keeps_each_table_row_on_one_page(full_run, bulletin_pdf):
    """Read back with pdftotext: 第 n 页 共 m 页 on every page; each row of the bulletin's tables
    (label, value, 同比, 口径 in drawing order) whole on one page; the header row on every page
    that holds rows of a table."""
    from docx import Document

    pdf, pages = bulletin_pdf
    assert len(pages) == page_count(pdf) > 3
    for number, text in enumerate(pages, 1):
        assert f"第{number}页共{len(pages)}页" in text, f"page {number} has no page number"
    for table in Document(str(full_run.run_dir / "bulletin.docx")).tables:
        header = squash("".join(c.text for c in table.rows[0].cells))
        holding = set()
        for row in table.rows[1:]:
            whole = squash("".join(c.text for c in row.cells))
            found = [n for n, text in enumerate(pages) if whole in text]
            assert found, f"row split across pages or missing: {row.cells[0].text}"
            holding.update(found)
        assert all(header in pages[n] for n in holding), "a page of the table has no header row"


def test_the_bulletin_pdf_embeds_cjk_fonts_and_holds_every_figure(full_run, bulletin_pdf):
    pdf, pages = bulletin_pdf
    found = fonts(pdf)
    assert found and all(f["emb"] for f in found), found
    assert any("CJK" in f["name"] for f in found), found
    text = "".join(pages)
    assert "数说工会" in text and "职工服务品牌" in text
    rows = csv.DictReader((full_run.run_dir / "figures.csv").read_text(encoding="utf-8-sig").splitlines())
    headline = {r["id"]: squash(r["印刷数字"]) for r in rows if r["分项"] == "合计"}
    missing = {i: printed for i, printed in headline.items() if printed not in text}
    assert len(headline) > 40 and not missing, missing
    manifest = json.loads((full_run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert "bulletin.pdf" in {o["path"] for o in manifest["outputs"]}
    assert 'href="../bulletin.pdf"' in (full_run.run_dir / "site" / "index.html").read_text(encoding="utf-8")


# The seed article the project is built from (shared/seed/), copied into the repository: CI's clone
# has no folder beside it.
SEED_ARTICLE = Path(__file__).resolve().parent / "seed_article.txt"
WORDING_DOC = Path(__file__).resolve().parent.parent / "docs" / "bulletin_wording.md"
COMPARISON = re.compile(r"，(?:同比|环比)[^，。]*")


def article_section() -> tuple[list[str], list[str]]:
    """The 数说工会 section of the seed article: (heading lines, sentences)."""
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    section = text.split(">>> 数说工会", 1)[1].split("紧贴职工需求", 1)[0]
    lines = [line.strip() for line in section.splitlines() if line.strip()][1:]  # after the section title
    headings = [line for line in lines if "。" not in line]
    sentences = [s + "。" for line in lines if "。" in line for s in line.split("。") if s]
    return headings, sentences


def departures(period_end: str) -> list[tuple[str, str]]:
    """The table of docs/bulletin_wording.md: (原文, 公报)."""
    table = WORDING_DOC.read_text(encoding="utf-8").split("## Intended departures", 1)[1]
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in table.splitlines()
        if line.startswith("| ") and not line.startswith("| 原文")
    ]
    return [(row[0], row[1].replace("{统计期末}", period_end)) for row in rows]


def test_the_bulletin_says_what_the_article_says(full_run):
    """Each heading and sentence of the article's section is in the bulletin, the 同比 clauses
    aside, once the departures documented in docs/bulletin_wording.md are applied."""
    from domain.periods import chinese_date

    markdown = (full_run.run_dir / "bulletin.md").read_text(encoding="utf-8").split("## 指标一览", 1)[0]
    prose = COMPARISON.sub("", markdown)
    changes = departures(chinese_date(full_run.period[1]))
    headings, sentences = article_section()
    assert len(headings) >= 10 and len(sentences) >= 15
    used = set()
    missing = []
    for text in headings + sentences:
        for original, replacement in changes:
            if original in text:
                text = text.replace(original, replacement)
                used.add(original)
        if text not in prose:
            missing.append(text)
    assert not missing, "article text not in the bulletin:\n" + "\n".join(missing)
    assert used == {original for original, _ in changes}, "a documented departure no longer applies"
