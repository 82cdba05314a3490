"""The bulletin as a Word document (bulletin.docx) for editors who work in Word or WPS.

The text is the bulletin's own prose (reports/templates/prose.j2) rendered through the same
FigureBook, so every figure is printed exactly as in bulletin.html; figures are set in bold, the
指标一览 table and the charts follow, then 数据说明. A4, 宋体 body and 黑体 headings, the
conventions of a Chinese office document.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

import jinja2
import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from domain.periods import chinese_date, period_span
from domain.schema import federation
from reports import docx_style
from reports.chart_specs import Chart
from reports.charts import draw_charts
from reports.edition import PROVISIONAL, Edition, provisional_notes
from reports.figure_book import OTHERS_TITLE, FigureBook, PrintedFigure, period_of
from reports.period_change import comparison_note

REPORTS = Path(__file__).resolve().parent
MARKS = {"TITLE": "\x1c", "BLOCK": "\x1d", "HEAD": "\x1e", "TEXT": "\x1f"}
FIG_OPEN, FIG_CLOSE = "\x02", "\x03"
# The text is 163 mm wide (A4 less 25 + 22 mm margins); 同比 wide enough for 提高3.29个百分点.
TABLE_WIDTHS = (Mm(45), Mm(27), Mm(91))
COMPARED_WIDTHS = (Mm(38), Mm(26), Mm(33), Mm(66))
CHART_WIDTH, CHART_MAX_HEIGHT = Mm(140), Mm(135)


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
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(25), Mm(22)
    section.footer_distance = Mm(10)
    docx_style.set_up_styles(document)
    docx_style.page_numbers(section)


def _heading(document, text: str, level: int):
    heading = document.add_heading(level=level)
    heading.add_run(text)
    return heading


def _table_text(cell, text: str = "", *, bold: bool = False):
    paragraph = cell.paragraphs[0]
    paragraph.style = docx_style.TABLE_TEXT_STYLE
    if text:
        paragraph.add_run(text).bold = bold
    return paragraph


def _figure_table(document, book: FigureBook, edition: Edition, printed: list[PrintedFigure]) -> None:
    """One row per figure: label, printed value, 同比 (when there is a previous period), 口径. The
    header row repeats on every page and no row is split across two pages."""
    titles = ("指标", "数值", book.comparison, "口径") if book.has_previous else ("指标", "数值", "口径")
    widths = COMPARED_WIDTHS if book.has_previous else TABLE_WIDTHS
    table = document.add_table(rows=1, cols=len(titles))
    table.style = "Table Grid"
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        _table_text(cell, title, bold=True)
        docx_style.shade(cell)
    for figure in printed:
        cells = table.add_row().cells
        _table_text(cells[0], figure.label)
        value = _table_text(cells[1], figure.text, bold=True)
        if figure.indicator_id in edition.provisional:
            value.add_run(f"（{PROVISIONAL}）")
        if book.has_previous:
            _table_text(cells[2], figure.change)
            docx_style.no_wrap(cells[2])
        _table_text(cells[-1], figure.definition)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    docx_style.table_rows_stay_whole(table)


def _chart(document, chart: Chart) -> None:
    """The chart at the text width or CHART_MAX_HEIGHT, whichever is smaller (two charts fit a page:
    no page left half empty by a tall chart), with its caption kept under it and alt text."""
    document.add_paragraph(style=docx_style.PICTURE_STYLE).add_run().add_picture(str(chart.path), width=CHART_WIDTH)
    shape = document.inline_shapes[-1]
    if shape.height > CHART_MAX_HEIGHT:
        shape.width, shape.height = int(shape.width * CHART_MAX_HEIGHT / shape.height), CHART_MAX_HEIGHT
    docx_style.describe_picture(shape, chart.title, chart.alt)
    document.add_paragraph(chart.caption, style=docx_style.CAPTION_STYLE)


def _mark_edition(document, edition: Edition) -> None:
    """草稿 / 演示数据 in the page header of every page and as a line above the title."""
    if not edition.marks:
        return
    header = document.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run(" · ".join(edition.marks))
    run.bold, run.font.color.rgb = True, docx_style.ACCENT
    banner = document.add_paragraph()
    banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
    banner.paragraph_format.space_after = Mm(3)
    run = banner.add_run(edition.banner)
    run.bold, run.font.color.rgb = True, docx_style.ACCENT


def write_docx(
    indicators: pd.DataFrame,
    path: Path,
    *,
    run_id: str = "",
    notes: Sequence[str] = (),
    checks_href: str | None = None,
    edition: Edition = Edition(),
    charts: tuple[list[Chart], list[str]] | None = None,
    created: dt.datetime | None = None,
) -> Path:
    """Write the bulletin as .docx at `path` and return it. `charts`: the run's charts and their
    notes (reports.charts.draw_charts), drawn afresh into a temporary folder when not given.
    `checks_href`: the quality-check report relative to the docx's folder, named in 数据说明 as the
    HTML links it. `created`: the run's time, for the document's properties (now when not given)."""
    if charts is None:
        with tempfile.TemporaryDirectory() as charts_dir:
            return write_docx(
                indicators,
                path,
                run_id=run_id,
                notes=notes,
                checks_href=checks_href,
                edition=edition,
                charts=draw_charts(indicators, Path(charts_dir)),
                created=created,
            )
    start, end = period_of(indicators)
    period_text = period_span(start, end)
    title, blocks, book = prose_blocks(indicators)
    document = Document()
    _setup(document)
    docx_style.core_properties(
        document,
        title=f"数说工会（{period_text}）",
        subject=title,
        author=federation(),
        created=(created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0),
    )
    _mark_edition(document, edition)
    document.add_paragraph("数说工会", style=docx_style.TITLE_STYLE)
    document.add_paragraph(title, style=docx_style.SUBTITLE_STYLE)
    period = document.add_paragraph(f"统计期：{period_text}")
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period.paragraph_format.space_after = Mm(2)
    for heads, paragraph_text in blocks:
        heading = document.add_paragraph(style=docx_style.BLOCK_HEAD_STYLE)
        for i, line in enumerate(heads):
            if i:
                heading.add_run().add_break()
            _runs(heading, line, bold_figures=False)
        _runs(document.add_paragraph(style=docx_style.BODY_STYLE), paragraph_text)
    _heading(document, "指标一览", 1)
    _figure_table(document, book, edition, book.printed())
    others = book.others()
    if others:
        _heading(document, OTHERS_TITLE, 1)
        _figure_table(document, book, edition, others)
    drawn, chart_notes = charts
    if drawn:
        _heading(document, "图表", 1)
    for chart in drawn:
        _chart(document, chart)
    _heading(document, "数据说明", 1)
    compared = comparison_note(indicators)
    for note in [
        f"统计期：{period_text}。",
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
