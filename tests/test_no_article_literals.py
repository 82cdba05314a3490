"""No figure of the article is typed into the pipeline: ingest (outside the demo generator),
models, checks and reports must compute every figure from the data."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from domain.paths import REPO_ROOT

ROOT = REPO_ROOT
ARTICLE = ROOT / "demo" / "article_figures.yaml"
PIPELINE = ("domain", "ingest", "models", "checks", "reports", "seeds", "macros", "shushuo", "desk")


def article_numbers() -> set[str]:
    """Each figure's number as the article prints it and as its exact value, when it has three
    or more digits (two-digit numbers such as 17 or 97 occur in code for other reasons)."""
    numbers = set()
    for figure in yaml.safe_load(ARTICLE.read_text(encoding="utf-8"))["figures"]:
        for text in [*re.findall(r"\d+(?:\.\d+)?", figure["printed"]), str(figure.get("value", ""))]:
            if len(text.replace(".", "")) >= 3:
                numbers.add(text)
    return numbers


def pipeline_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", *PIPELINE], cwd=ROOT, capture_output=True, text=True, check=True)
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", *PIPELINE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    names = set(listed.stdout.split()) | set(untracked.stdout.split())
    return [ROOT / n for n in sorted(names) if not n.startswith("demo/") and (ROOT / n).is_file()]


def test_the_scan_knows_the_article_numbers():
    assert {"209301", "1704.81", "15797", "90.77", "312"} <= article_numbers()


def test_no_article_figure_is_a_literal_in_the_pipeline():
    numbers = article_numbers()
    pattern = re.compile(
        r"(?<![\d.])(" + "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True)) + r")(?![\d])"
    )
    found = []
    for path in pipeline_files():
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for match in pattern.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{lineno}: {match.group(1)}")
    assert not found, "article figures typed into the pipeline:\n" + "\n".join(found)
