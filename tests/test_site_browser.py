"""The figure site in a real browser (Debian's headless Chromium, from file:// like a user opening
the shared folder): searching 京卡 shows the card figures and hides the rest, and the page renders
(a screenshot is taken; with SHUSHUO_SCREENSHOTS=<folder> it is kept there to look at).

Chromium missing is a failure, not a skip: run scripts/setup_browser.sh (apt-get install chromium
fonts-noto-cjk)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from synthetic import synthetic_indicators
from test_exports_catalogue import fake_sources

from reports.site import write_site

CARD_FIGURES = {"cards_issued", "card_uptake_rate", "card_services"}


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(
            "找不到 chromium：请运行 scripts/setup_browser.sh（或 apt-get install -y chromium fonts-noto-cjk）后再测。"
        )
    return path


def headless(profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=3000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


@pytest.fixture(scope="module")
def figures_page(tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("run")
    index = write_site(
        synthetic_indicators(3),
        run_dir,
        run_id="20240115-093000-0001",
        generated_at=dt.datetime(2024, 1, 15, 9, 30),
        sources=fake_sources(),
    )
    return index.parent / "figures.html"


def test_search_for_jingka_shows_the_card_figures(figures_page, tmp_path):
    url = figures_page.as_uri() + "?q=" + quote("京卡")
    result = headless(tmp_path / "profile", "--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    articles = dict(re.findall(r'<article class="figure" id="([a-z_]+)" data-id="[a-z_]+"( hidden="")?', dom))
    visible = {i for i, hidden in articles.items() if not hidden}
    assert visible >= CARD_FIGURES
    assert "disputes_mediated" in articles and "disputes_mediated" not in visible
    assert re.search(r'id="result-count"[^>]*>找到 \d+ 个指标', dom), "the count says what the search found"


def test_screenshot_of_the_search(figures_page, tmp_path):
    shot = tmp_path / "figures-jingka.png"
    url = figures_page.as_uri() + "?q=" + quote("京卡")
    result = headless(tmp_path / "profile", "--window-size=1200,1600", f"--screenshot={shot}", url)
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    assert shot.stat().st_size > 30_000, "a blank page compresses to a few KB"
    keep = os.environ.get("SHUSHUO_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
