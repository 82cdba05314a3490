"""bulletin.docx: the bulletin's prose with every figure printed exactly as in bulletin.html, the
指标一览 table, the charts as pictures, A4 pages, and a file Word/WPS can open."""

from __future__ import annotations

import re
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from synthetic import synthetic_indicators

from domain.schema import federation
from reports.bulletin import TEMPLATES
from reports.docx_export import prose_blocks, write_docx
from reports.figure_book import FigureBook


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(21)


@pytest.fixture(scope="module")
def document(indicators, tmp_path_factory):
    path = write_docx(
        indicators,
        tmp_path_factory.mktemp("docx") / "bulletin.docx",
        run_id="20240115-093000-0001",
        notes=["本期有一条提示。"],
    )
    return path, Document(str(path))


def all_text(doc) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_every_figure_of_the_section_is_in_the_document(document, indicators):
    _, doc = document
    text = all_text(doc)
    ids = set(re.findall(r"fig\('([a-z_]+)'\)", (TEMPLATES / "prose.j2").read_text(encoding="utf-8")))
    book = FigureBook(indicators)
    assert len(ids) > 20
    for indicator_id in ids - {"collective_contract_rate", "wage_agreement_rate"}:  # printed only when they differ
        assert book.text(indicator_id) in text, indicator_id


def test_prose_figures_are_bold_and_the_table_lists_them(document, indicators):
    _, doc = document
    bold = {r.text for p in doc.paragraphs for r in p.runs if r.bold}
    book = FigureBook(indicators)
    assert book.text("cards_issued") in bold
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["指标", "数值", "口径"]
    labels = {r.cells[0].text for r in table.rows[1:]}
    assert "办卡率" in labels and len(table.rows) > 20


def test_charts_are_embedded_and_the_page_is_a4(document):
    path, doc = document
    assert len(doc.inline_shapes) >= 3
    with zipfile.ZipFile(path) as archive:
        assert sum(n.startswith("word/media/") for n in archive.namelist()) >= 3
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)


def test_notes_and_run_id_close_the_document(document):
    _, doc = document
    text = all_text(doc)
    assert "本期有一条提示。" in text and "20240115-093000-0001" in text


def test_blocks_follow_the_prose_template(indicators):
    title, blocks, _ = prose_blocks(indicators)
    assert title and len(blocks) == (TEMPLATES / "prose.j2").read_text(encoding="utf-8").count("{{ block(")
    assert all(heads and paragraph for heads, paragraph in blocks)


def test_styles_declare_chinese_and_name_cjk_fonts(document):
    """w:lang eastAsia zh-CN (en-US made quotation marks narrow Latin glyphs), 宋体 text, 黑体
    headings, no theme fonts left to override them, and no blue rule under the title."""
    path, _ = document
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
    defaults = styles.split("<w:docDefaults>", 1)[1].split("</w:docDefaults>", 1)[0]
    assert 'w:eastAsia="zh-CN"' in defaults and 'w:eastAsia="宋体"' in defaults
    assert "Theme=" not in styles and 'w:eastAsia="en-US"' not in defaults
    assert 'w:eastAsia="黑体"' in styles and 'w:eastAsia="zh-CN"' in settings
    assert "w:pBdr" not in styles.split('w:styleId="公报标题"', 1)[1].split("</w:style>", 1)[0]


def test_table_rows_stay_whole_and_pages_are_numbered(document):
    path, doc = document
    table = doc.tables[0]
    assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    with zipfile.ZipFile(path) as archive:
        footers = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("word/footer")]
    assert any(" PAGE " in f and " NUMPAGES " in f for f in footers)


def test_core_properties_and_alt_text_are_real(document):
    _, doc = document
    properties = doc.core_properties
    assert properties.title.startswith("数说工会") and properties.author == federation()
    assert properties.created.year >= 2024 and "python-docx" not in (properties.comments + properties.author)
    shapes = doc.inline_shapes
    assert len(shapes) >= 3
    for shape in shapes:
        doc_pr = shape._inline.docPr
        assert doc_pr.get("title") and len(doc_pr.get("descr", "")) > 20, doc_pr.get("name")


def test_without_libreoffice_no_pdf_is_started_and_a_stale_one_is_removed(tmp_path, monkeypatch):
    from reports import pdf_export

    monkeypatch.setattr(pdf_export.shutil, "which", lambda name: None)
    (tmp_path / "bulletin.pdf").write_bytes(b"%PDF- an earlier edition")
    assert pdf_export.start(tmp_path / "bulletin.docx") is None
    assert not (tmp_path / "bulletin.pdf").exists()
    assert "scripts/setup_office.sh" in pdf_export.MISSING
