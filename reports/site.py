"""A static site for the publicity office: site/index.html and site/figures.html in the run folder.

It opens from file:// with no server (a shared folder, a USB stick): CSS, JS and the search data
are inline — browsers block fetch() on file:// — and every link is relative. figures.html lists
every headline figure by topic with its 发布用语 and a copy button, a search box (Chinese words or
figure ids; `?q=京卡` fills it), and a drill-down of each figure by unit, programme or category.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from reports.edition import Edition
from reports.provenance import FigureEntry, figure_catalogue, share_text

TEMPLATES = Path(__file__).resolve().parent / "site_templates"
KNOWN_OUTPUTS = {
    "bulletin": ("bulletin.html", "公报（网页版）"),
    "pdf": ("bulletin.pdf", "公报（PDF 版，可打印）"),
    "docx": ("bulletin.docx", "公报（Word 版，可编辑）"),
    "xlsx": ("figures.xlsx", "全部数字（Excel）"),
    "csv": ("figures.csv", "全部数字（CSV）"),
    "json": ("figures.json", "全部数字（JSON）"),
    "revision_xlsx": ("revision.xlsx", "数字变化（Excel）"),
}


def inline_json(data) -> Markup:
    """JSON safe inside <script>: no "</script>" or "<!--" can end the block early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _parts(entries: list[FigureEntry], head: FigureEntry) -> list[dict]:
    """The drill-down rows of one headline figure, largest first; withheld rows last."""
    rows: list[dict[str, Any]] = []
    for e in entries:
        if e.indicator_id != head.indicator_id or e.dim is None:
            continue
        share = "" if e.unit == "%" or e.withheld else share_text(e.exact, head.exact)
        rows.append({"entry": e, "share": share, "sort": float(e.exact) if e.exact else float("-inf")})
    rows.sort(key=lambda r: (r["entry"].dim, -r["sort"]))
    top = max((r["sort"] for r in rows), default=0) or 1
    for r in rows:
        r["bar"] = max(0.0, r["sort"] / top * 100) if r["sort"] != float("-inf") else 0
    return rows


def _overlaps(parts: list[dict], head: FigureEntry) -> bool:
    """True when the units' parts add up to more than the whole (a person counted in two units)."""
    values = [Decimal(p["entry"].exact) for p in parts if p["entry"].dim == "unit" and p["entry"].exact]
    return head.unit != "%" and bool(head.exact) and sum(values) > Decimal(head.exact)


def _topics(entries: list[FigureEntry]) -> list[dict]:
    topics: dict[str, list] = {}
    for e in entries:
        if e.dim is None:
            parts = _parts(entries, e)
            topics.setdefault(e.topic, []).append({"head": e, "parts": parts, "overlap": _overlaps(parts, e)})
    return [
        {"name": name, "anchor": f"topic-{i}", "figures": figures} for i, (name, figures) in enumerate(topics.items())
    ]


def _search_index(entries: list[FigureEntry]) -> list[dict]:
    """One entry per headline figure: the words a search may match, lower-cased."""
    index: dict[str, list[str]] = {}
    for e in entries:
        words = index.setdefault(e.indicator_id, [e.indicator_id, e.topic, e.label, e.definition])
        words += [e.phrase, e.printed] if e.dim is None else [e.key or ""]
    return [{"id": i, "text": " ".join(w for w in words if w).lower()} for i, words in index.items()]


def _links(run_dir: Path, site_dir: Path, outputs: Mapping[str, Path] | None) -> list[dict]:
    found = {key: run_dir / name for key, (name, _) in KNOWN_OUTPUTS.items()}
    found.update({k: Path(v) for k, v in (outputs or {}).items() if k in KNOWN_OUTPUTS})
    return [
        {"key": key, "title": KNOWN_OUTPUTS[key][1], "href": Path(os.path.relpath(path, site_dir)).as_posix()}
        for key, path in found.items()
        if path.is_file()
    ]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = lambda name: Markup((TEMPLATES / name).read_text(encoding="utf-8"))
    env.filters["inline_json"] = inline_json
    return env


def write_site(
    indicators: pd.DataFrame,
    run_dir: Path,
    *,
    run_id: str,
    generated_at: datetime,
    sources: pd.DataFrame,
    figure_sources: pd.DataFrame | None = None,
    outputs: Mapping[str, Path] | None = None,
    edition: Edition = Edition(),
) -> Path:
    """Write site/index.html and site/figures.html into run_dir; return site/index.html.

    Links go to the run's bulletin and exports found in run_dir (or named in `outputs`, keys as in
    KNOWN_OUTPUTS); call it after the bulletin and write_exports so the links are there."""
    run_dir = Path(run_dir)
    site_dir = run_dir / "site"
    site_dir.mkdir(parents=True, exist_ok=True)
    entries = figure_catalogue(indicators, sources, figure_sources)
    heads = [e for e in entries if e.dim is None]
    context = {
        "run_id": run_id,
        "generated_at": generated_at.strftime("%Y-%m-%d %H:%M"),
        "period": heads[0].period if heads else "",
        "topics": _topics(entries),
        "links": _links(run_dir, site_dir, outputs),
        "search_index": _search_index(entries),
        "figure_count": len(heads),
        "edition": edition,
    }
    env = _environment()
    revision = run_dir / "revision.json"  # reports/revision.py: what changed against the edition before
    context["revision"] = json.loads(revision.read_text(encoding="utf-8")) if revision.is_file() else None
    if context["revision"] is not None:
        page = env.get_template("revision.html.j2").render(**context)
        (site_dir / "revision.html").write_text(page, encoding="utf-8")
    (site_dir / "figures.html").write_text(env.get_template("figures.html.j2").render(**context), encoding="utf-8")
    index = site_dir / "index.html"
    index.write_text(env.get_template("index.html.j2").render(**context), encoding="utf-8")
    return index
