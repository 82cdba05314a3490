"""Every publishable file of a run, written from its warehouse: the bulletin (HTML, Markdown,
charts) and the figures desk (figures.xlsx/csv/json, the DOCX, the site). A run writes them as a
draft; a release (shushuo/releases.py) writes them again, from the same warehouse, as release n."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from reports.edition import Edition


def write_bulletin(
    indicators: pd.DataFrame,
    out_dir: Path,
    *,
    notes: Sequence[str],
    run_id: str,
    checks_href: str | None,
    edition: Edition,
) -> dict[str, Path]:
    """bulletin.html, bulletin.md and charts/*.png (reports.bulletin.render's keys)."""
    from reports.bulletin import render

    return render(indicators, out_dir, notes=notes, run_id=run_id, checks_href=checks_href, edition=edition)


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
) -> dict[str, Path]:
    """figures.xlsx/csv/json, bulletin.docx, revision.xlsx/json when `compared_with` names the
    edition before (its folder, and a title such as 第 1 版 → 第 2 版), and site/ (last: it links
    the others and shows the revision)."""
    from reports.docx_export import write_docx
    from reports.exports import write_exports
    from reports.provenance import load_sources
    from reports.revision import compare, write_revision
    from reports.site import write_site

    sources, sheet_rows = load_sources(warehouse, period)
    figures: dict[str, Any] = dict(
        run_id=run_id,
        generated_at=generated_at or dt.datetime.now(),
        sources=sources,
        sheet_rows=sheet_rows,
        edition=edition,
    )
    paths = write_exports(indicators, out_dir, **figures)
    if compared_with is not None:
        paths.update(write_revision(compare(compared_with[0], out_dir, period, compared_with[1]), out_dir))
    paths["docx"] = write_docx(
        indicators, out_dir / "bulletin.docx", run_id=run_id, notes=notes, checks_href=checks_href, edition=edition
    )
    paths["site"] = write_site(indicators, out_dir, **figures)
    return paths
