"""The bulletin as a Word document (bulletin.docx) for editors who work in Word or WPS.

The text is the bulletin's own prose (reports/templates/prose.j2) rendered through the same
FigureBook, so every figure is printed exactly as in bulletin.html; figures are set in bold, the
指标一览 table and the charts follow, then 数据说明. A4, 宋体 body and 黑体 headings, the
conventions of a Chinese office document.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import jinja2
import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ingest.periods import chinese_date, period_span
from reports.charts import draw_charts
from reports.edition import PROVISIONAL, Edition, provisional_notes
from reports.figure_book import FigureBook, period_of
from reports.period_change import comparison_note

REPORTS = Path(__file__).resolve().parent
MARKS = {"TITLE": "\x1c", "BLOCK": "\x1d", "HEAD": "\x1e", "TEXT": "\x1f"}
FIG_OPEN, FIG_CLOSE = "\x02", "\x03"
ACCENT = RGBColor(0xB3, 0x26, 0x1E)
INK = RGBColor(0x1D, 0x1D, 0x1F)
TABLE_WIDTHS = (Mm(45), Mm(27), Mm(91))
COMPARED_WIDTHS = (Mm(40), Mm(25), Mm(27), Mm(71))  # with the 同比 column


def _east_asian(style_or_run, font: str) -> None:
    """Word picks Chinese glyphs from w:eastAsia, which python-docx's font.name does not set."""
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def prose_blocks(indicators: pd.DataFrame) -> tuple[str, list[tuple[list[str], str]], FigureBook]:
    """(section title, [(heading lines, paragraph)], the book that printed the figures)."""
    start, end = period_of(indicators)
    book = FigureBook(indicators, mark=lambda text: f"{FIG_OPEN}{text}{FIG_CLOSE}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([REPORTS / "site_templates", REPORTS / "templates"]),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )
    text = env.get_template("docx_blocks.j2").render(
        book=book,
        fig=book.fig,
        same=book.same,
        change=book.change,
        period_end=chinese_date(end),
        period_text=period_span(start, end),
        **MARKS,
    )
    title, _, body = text.partition(MARKS["BLOCK"])
    blocks = []
    for chunk in body.split(MARKS["BLOCK"]):
        heads, _, paragraph = chunk.partition(MARKS["TEXT"])
        blocks.append(([h.strip() for h in heads.split(MARKS["HEAD"]) if h.strip()], paragraph.strip()))
    return title.replace(MARKS["TITLE"], "").strip(), blocks, book


def _runs(paragraph, marked: str, bold_figures: bool = True) -> None:
    """Add text to a paragraph, figures (between FIG_OPEN and FIG_CLOSE) in bold."""
    for i, piece in enumerate(marked.replace(FIG_CLOSE, FIG_OPEN).split(FIG_OPEN)):
        if piece:
            run = paragraph.add_run(piece)
            run.bold = bold_figures and i % 2 == 1


def _setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(25), Mm(22)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    _east_asian(normal, "宋体")
    for name in ("Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = "Times New Roman"
        style.font.color.rgb = ACCENT if name == "Title" else INK
        _east_asian(style, "黑体")


def _heading(document, text: str, level: int, colour: RGBColor | None = None):
    heading = document.add_heading(level=level)
    run = heading.add_run(text)
    run.bold = True
    run.font.color.rgb = colour or INK
    _east_asian(run, "黑体")
    return heading


def _figure_table(document, book: FigureBook, edition: Edition) -> None:
    printed = book.printed()
    titles = ("指标", "数值", book.comparison, "口径") if book.has_previous else ("指标", "数值", "口径")
    widths = COMPARED_WIDTHS if book.has_previous else TABLE_WIDTHS
    table = document.add_table(rows=1, cols=len(titles))
    table.style = "Table Grid"
    table.autofit = False
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for figure in printed:
        cells = table.add_row().cells
        cells[0].text, cells[-1].text = figure.label, figure.definition
        cells[1].paragraphs[0].add_run(figure.text).bold = True
        if figure.indicator_id in edition.provisional:
            cells[1].paragraphs[0].add_run(f"（{PROVISIONAL}）")
        if book.has_previous:
            cells[2].text = figure.change
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9.5)


def _mark_edition(document, edition: Edition) -> None:
    """草稿 / 演示数据 in the page header of every page and as a line above the title."""
    if not edition.marks:
        return
    header = document.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run(" · ".join(edition.marks))
    run.bold, run.font.color.rgb = True, ACCENT
    banner = document.add_paragraph()
    banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = banner.add_run(edition.banner)
    run.bold, run.font.color.rgb = True, ACCENT


def write_docx(
    indicators: pd.DataFrame,
    path: Path,
    *,
    run_id: str = "",
    notes: Sequence[str] = (),
    checks_href: str | None = None,
    edition: Edition = Edition(),
) -> Path:
    """Write the bulletin as .docx at `path` and return it. Charts are drawn afresh (same bytes as
    the run's charts/*.png: the drawing is deterministic) into a temporary folder. `checks_href`:
    the quality-check report relative to the docx's folder, named in 数据说明 as the HTML links it."""
    start, end = period_of(indicators)
    title, blocks, book = prose_blocks(indicators)
    document = Document()
    _setup(document)
    _mark_edition(document, edition)
    heading = _heading(document, "数说工会", 0, ACCENT)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(title).bold = True
    period = document.add_paragraph(f"统计期：{period_span(start, end)}")
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for heads, paragraph_text in blocks:
        heading = _heading(document, "", 2)
        for i, line in enumerate(heads):
            if i:
                heading.add_run().add_break()
            _runs(heading, line, bold_figures=False)
        for run in heading.runs:
            run.bold = True
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(24)
        paragraph.paragraph_format.line_spacing = 1.5
        _runs(paragraph, paragraph_text)
    _heading(document, "指标一览", 1)
    _figure_table(document, book, edition)
    with tempfile.TemporaryDirectory() as charts_dir:
        charts, chart_notes = draw_charts(indicators, Path(charts_dir))
        if charts:
            _heading(document, "图表", 1)
        for chart in charts:
            document.add_picture(str(chart.path), width=Mm(160))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = document.add_paragraph(chart.caption)
            caption.runs[0].font.size = Pt(9)
    _heading(document, "数据说明", 1)
    compared = comparison_note(indicators)
    for note in [
        f"统计期：{period_span(start, end)}。",
        *([compared] if compared else []),
        *provisional_notes(indicators, edition),
        *chart_notes,
        *([] if edition.is_draft else [f"本公报为{edition.status}正式发布的数字。"]),
    ]:
        document.add_paragraph(note, style="List Bullet")
    if edition.is_draft:  # the checks' notes are the analyst's: a release carries none of them
        _heading(document, "内部说明（供分析人员核对，发布版不含）", 2)
        for note in [
            *notes,
            *([f"运行编号：{run_id}（可据此查到本期使用的报表、代码版本与参数）。"] if run_id else []),
            *([f"质量检查报告：与本文件同一文件夹中的 {checks_href}。"] if checks_href else []),
        ]:
            document.add_paragraph(note, style="List Bullet")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
