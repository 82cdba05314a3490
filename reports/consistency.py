"""One figure, one value: after rendering, every output of a run is read back as written and each
headline figure must print the same value (and, where an output carries it, the same 发布用语)
everywhere. The bulletin (HTML, Markdown, DOCX), figures.csv/json/xlsx and the site are read from
the files themselves, not from the values that were handed to their writers; figures.csv is the
reference each is compared with. A mismatch blocks the run (or the release)."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import openpyxl

from reports.edition import PROVISIONAL

HEADLINE = "合计"
TAGS = re.compile(r"<[^>]+>")
MARK = f"（{PROVISIONAL}）"


def _clean(text: str) -> str:
    return html.unescape(TAGS.sub("", text)).replace(MARK, "").strip()


def _reference(folder: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader((folder / "figures.csv").read_text(encoding="utf-8-sig").splitlines())
    return {
        r["id"]: {"printed": r["印刷数字"], "phrase": r["发布用语"], "label": r["指标"]}
        for r in rows
        if r["分项"] == HEADLINE
    }


def _json(folder: Path) -> dict[str, dict[str, str]]:
    document = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    return {
        r["id"]: {"printed": r["印刷数字"], "phrase": r["发布用语"]}
        for r in document["figures"]
        if r["分项"] == HEADLINE
    }


def _xlsx(folder: Path) -> dict[str, dict[str, str]]:
    book = openpyxl.load_workbook(folder / "figures.xlsx", read_only=True)
    try:
        rows = book["指标"].iter_rows(values_only=True)
        header = list(next(rows))
        at = {name: header.index(name) for name in ("id", "分项", "印刷数字", "发布用语")}
        return {
            str(row[at["id"]]): {"printed": str(row[at["印刷数字"]] or ""), "phrase": str(row[at["发布用语"]] or "")}
            for row in rows
            if row[at["分项"]] == HEADLINE
        }
    finally:
        book.close()


def _bulletin_html(folder: Path) -> dict[str, dict[str, str]]:
    page = (folder / "bulletin.html").read_text(encoding="utf-8")
    found = re.findall(r'<tr id="fig-([A-Za-z0-9_]+)">.*?<td class="value">(.*?)</td>', page, flags=re.S)
    return {i: {"printed": _clean(v)} for i, v in found}


def _by_label(pairs, labels: dict[str, str]) -> dict[str, dict[str, str]]:
    ids = {label: i for i, label in labels.items()}
    return {ids[label]: {"printed": value.replace(MARK, "").strip()} for label, value in pairs if label in ids}


def _bulletin_md(folder: Path, labels: dict[str, str]) -> dict[str, dict[str, str]]:
    text = (folder / "bulletin.md").read_text(encoding="utf-8")
    table = text.split("## 指标一览", 1)[-1].split("\n## ", 1)[0]
    cells = [
        [c.strip() for c in line.strip().strip("|").split(" | ")]
        for line in table.splitlines()
        if line.startswith("| ")
    ]
    return _by_label(((c[0], c[1]) for c in cells if len(c) > 1), labels)


def _bulletin_docx(folder: Path, labels: dict[str, str]) -> dict[str, dict[str, str]]:
    from docx import Document

    document = Document(str(folder / "bulletin.docx"))
    pairs = [
        (row.cells[0].text, row.cells[1].text) for table in document.tables for row in table.rows if len(row.cells) > 1
    ]
    return _by_label(pairs, labels)


def _site(folder: Path) -> dict[str, dict[str, str]]:
    page = (folder / "site" / "figures.html").read_text(encoding="utf-8")
    out = {}
    for chunk in page.split('<article class="figure" id="')[1:]:
        indicator_id = chunk.split('"', 1)[0]
        printed = re.search(r'<div class="printed">(.*?)</div>', chunk, flags=re.S)
        phrase = re.search(r'class="copy" data-copy="(.*?)"', chunk)
        entry = {"printed": "" if printed is None or _clean(printed.group(1)) == "—" else _clean(printed.group(1))}
        if phrase:
            entry["phrase"] = html.unescape(phrase.group(1))
        out[indicator_id] = entry
    return out


def disagreements(folder: Path) -> list[str]:
    """Every place where an output prints a headline figure differently from figures.csv, as
    `文件：指标（id）印刷为 X，figures.csv 为 Y`; empty when they all agree."""
    reference = _reference(folder)
    labels = {i: r["label"] for i, r in reference.items()}
    readers = {
        "figures.json": lambda: _json(folder),
        "figures.xlsx": lambda: _xlsx(folder),
        "bulletin.html": lambda: _bulletin_html(folder),
        "bulletin.md": lambda: _bulletin_md(folder, labels),
        "bulletin.docx": lambda: _bulletin_docx(folder, labels),
        "site/figures.html": lambda: _site(folder),
    }
    problems = []
    for name, read in readers.items():
        if not (folder / name).is_file():
            continue
        for indicator_id, seen in read().items():
            expected = reference.get(indicator_id)
            if expected is None:
                problems.append(f"{name}：有 figures.csv 中没有的指标 {indicator_id}")
                continue
            for field, word in (("printed", "印刷为"), ("phrase", "发布用语为")):
                if field in seen and seen[field] != expected[field]:
                    problems.append(
                        f"{name}：{expected['label']}（{indicator_id}）{word}“{seen[field]}”，"
                        f"figures.csv 为“{expected[field]}”"
                    )
    return problems
