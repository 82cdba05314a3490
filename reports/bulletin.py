"""Render the 数说工会 bulletin (HTML and Markdown) and its charts from `marts.indicators`.

The prose lives in templates/prose.j2 and names figures by indicator id only; this module hands
the templates a FigureBook (formats and records each figure), the charts and the notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
from markupsafe import Markup, escape

from domain.periods import chinese_date, period_span
from reports.chart_specs import Chart
from reports.charts import draw_charts
from reports.edition import Edition, provisional_notes
from reports.figure_book import OTHERS_TITLE, BulletinDataError, FigureBook, period_of
from reports.formatting import register_filters
from reports.period_change import comparison_note, load_previous, with_previous

TEMPLATES = Path(__file__).resolve().parent / "templates"
INDICATORS_QUERY = """
    select * from marts.indicators
    order by indicator_id, breakdown_dim nulls first, breakdown_key
"""


def load_indicators(warehouse: Path, *, previous: bool = True) -> pd.DataFrame:
    """`marts.indicators` read-only; DECIMAL columns arrive as Decimal (via Arrow), never float.
    With `previous` and a previous period built beside it (marts_previous.indicators), each row
    also carries its previous value (reports/period_change.with_previous) for 同比."""
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise BulletinDataError(f"找不到数据库文件 {warehouse}：请先运行读取与建模步骤")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        table = con.sql(INDICATORS_QUERY).to_arrow_table()
    except duckdb.CatalogException as exc:
        raise BulletinDataError(f"数据库 {warehouse} 中没有 marts.indicators 表：请先运行 dbt build（{exc}）") from exc
    finally:
        con.close()
    indicators = table.to_pandas()
    return with_previous(indicators, load_previous(warehouse)) if previous else indicators


def md_cell(text) -> str:
    """A Markdown table cell: pipes escaped, line breaks flattened."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md_cell"] = md_cell
    return register_filters(env)


def _html_figure(text: str) -> Markup:
    return Markup('<span class="fig">{}</span>').format(escape(text))


def _render(template: str, indicators: pd.DataFrame, context: dict[str, object], *, html: bool) -> str:
    book = FigureBook(indicators, mark=_html_figure if html else str)
    env = _environment(autoescape=html)
    return env.get_template(template).render(book=book, fig=book.fig, same=book.same, change=book.change, **context)


def render(
    indicators: pd.DataFrame,
    out_dir: Path,
    *,
    notes: Sequence[str] = (),
    run_id: str = "",
    checks_href: str | None = None,
    edition: Edition = Edition(),
    charts: tuple[list[Chart], list[str]] | None = None,
) -> dict[str, Path]:
    """Write bulletin.html, bulletin.md and charts/*.png into out_dir; return their paths.
    `charts`: reports.charts.draw_charts(indicators, out_dir / "charts") when already drawn.

    Keys: "html", "md" and "chart:<name>" per chart. Raises MissingFigureError naming the
    indicator when a headline figure is absent or has no value, before anything is written.
    """
    out_dir = Path(out_dir)
    start, end = period_of(indicators)
    context: dict[str, object] = {
        "OTHERS_TITLE": OTHERS_TITLE,
        "period_text": period_span(start, end),
        "period_end": chinese_date(end),
        "run_id": run_id,
        "checks_href": checks_href,
        "edition": edition,
        "css": (TEMPLATES / "bulletin.css").read_text(encoding="utf-8"),
    }
    # A dry render first: a missing figure stops the run here, before any file is written.
    _render(
        "bulletin.md.j2", indicators, {**context, "charts": [], "notes": [], "internal_notes": list(notes)}, html=False
    )
    drawn, chart_notes = charts if charts is not None else draw_charts(indicators, out_dir / "charts")
    compared = comparison_note(indicators)
    # What a reader of the article needs (同比's basis, provisional figures, what a chart leaves out)
    # is published; the checks' notes (units, files, rows) are the analyst's, shown in a draft only.
    public = [*([compared] if compared else []), *provisional_notes(indicators, edition), *chart_notes]
    context.update(charts=drawn, notes=public, internal_notes=list(notes) if edition.is_draft else [])
    markdown = _render("bulletin.md.j2", indicators, context, html=False)
    page = _render("bulletin.html.j2", indicators, context, html=True)
    paths = {"html": out_dir / "bulletin.html", "md": out_dir / "bulletin.md"}
    paths["html"].write_text(page, encoding="utf-8")
    paths["md"].write_text(markdown, encoding="utf-8")
    return {**paths, **{f"chart:{c.name}": c.path for c in drawn}}
