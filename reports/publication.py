"""Every publishable file of a run, written from its warehouse: the bulletin (HTML, Markdown, DOCX,
charts; the PDF converted from the DOCX in the background) and the figures desk
(figures.xlsx/csv/json, the site). A run writes them as a
draft; a release (shushuo/releases.py) writes them again, from the same warehouse, as release n."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import pandas as pd

from reports.edition import Edition

if TYPE_CHECKING:
    from reports.pdf_export import PdfConversion


class _BulletinArgs(TypedDict):
    """What the bulletin's HTML/Markdown and its DOCX are both given."""

    notes: Sequence[str]
    run_id: str
    checks_href: str | None
    edition: Edition


class _FiguresArgs(TypedDict):
    """What the figures' exports and the site are both given."""

    run_id: str
    generated_at: dt.datetime
    sources: pd.DataFrame
    figure_sources: pd.DataFrame | None
    edition: Edition


def write_bulletin(
    indicators: pd.DataFrame,
    out_dir: Path,
    *,
    notes: Sequence[str],
    run_id: str,
    checks_href: str | None,
    edition: Edition,
    created: dt.datetime | None = None,
    chart_cache: Path | None = None,
) -> dict[str, Path]:
    """bulletin.html, bulletin.md, charts/*.png (reports.bulletin.render's keys) and bulletin.docx
    ("docx"), the charts drawn once for both. `created`: the run's time, in the DOCX's properties.
    `chart_cache`: charts drawn before from the same values are taken from there (reports/chart_cache.py)."""
    from reports.bulletin import render
    from reports.charts import draw_charts
    from reports.docx_export import prose_blocks, write_docx

    prose_blocks(indicators)  # a missing figure stops here, before any file (a chart) is written
    charts = draw_charts(indicators, Path(out_dir) / "charts", cache=chart_cache)
    common = _BulletinArgs(notes=notes, run_id=run_id, checks_href=checks_href, edition=edition)
    paths = render(indicators, out_dir, charts=charts, **common)
    paths["docx"] = write_docx(indicators, Path(out_dir) / "bulletin.docx", charts=charts, created=created, **common)
    return paths


def write_figures_desk(
    indicators: pd.DataFrame,
    warehouse: Path,
    out_dir: Path,
    *,
    period: tuple[dt.date, dt.date],
    notes: Sequence[str],
    run_id: str,
    checks_href: str | None,
    edition: Edition,
    generated_at: dt.datetime | None = None,
    compared_with: tuple[Path, str] | None = None,
    pdf: PdfConversion | None = None,
    say: Callable[[str], None] = print,
) -> dict[str, Path]:
    """figures.xlsx/csv/json, revision.xlsx/json when `compared_with` names the edition before (its
    folder, and a title such as 第 1 版 → 第 2 版), and site/ (last: it links the others and shows
    the revision). `pdf`: the bulletin's PDF being converted (reports.pdf_export: Office.convert), collected
    before the site is written; a conversion that fails is said and leaves no PDF."""
    from reports.exports import write_exports
    from reports.pdf_export import PdfFailed
    from reports.provenance import load_sources
    from reports.revision import compare, write_revision
    from reports.site import write_site

    sources, sheet_rows, figure_sources = load_sources(warehouse, period)
    figures = _FiguresArgs(
        run_id=run_id,
        generated_at=generated_at or dt.datetime.now(),
        sources=sources,
        figure_sources=figure_sources,
        edition=edition,
    )
    paths = write_exports(indicators, out_dir, sheet_rows=sheet_rows, **figures)
    if compared_with is not None:
        paths.update(write_revision(compare(compared_with[0], out_dir, period, compared_with[1]), out_dir))
    if pdf is not None:
        try:
            paths["pdf"] = pdf.result()
        except PdfFailed as failed:
            say(f"{failed}（其余文件照常发布）")
    paths["site"] = write_site(indicators, out_dir, **figures)
    return paths
