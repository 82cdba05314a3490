"""The static site: two pages that work from file:// (inline CSS, JS and search data, relative
links), every headline figure with its 发布用语 on a copy button, and drill-downs by unit."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from synthetic import synthetic_indicators
from test_exports_catalogue import fake_sources

from reports.site import write_site

GENERATED = dt.datetime(2024, 1, 15, 9, 30)


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(5)


@pytest.fixture(scope="module")
def site(indicators, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("run")
    (run_dir / "bulletin.html").write_text("<html></html>", encoding="utf-8")
    (run_dir / "figures.xlsx").write_bytes(b"x")
    index = write_site(
        indicators, run_dir, run_id="20240115-093000-0001", generated_at=GENERATED, sources=fake_sources()
    )
    return index, (index.parent / "figures.html").read_text(encoding="utf-8")


def search_index(page: str) -> list[dict]:
    block = re.search(r'<script type="application/json" id="search-index">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def test_index_links_the_bulletin_and_exports_relatively(site):
    index, _ = site
    page = index.read_text(encoding="utf-8")
    assert 'href="../bulletin.html"' in page and 'href="../figures.xlsx"' in page
    assert 'href="figures.html"' in page
    assert "figures.csv" not in page, "a missing file is not linked"


def test_pages_need_no_server(site):
    index, figures = site
    for page in (index.read_text(encoding="utf-8"), figures):
        assert "fetch(" not in page
        assert not re.search(r'(src|href)="(/|https?:)', page), "all links and assets relative or inline"
        assert "<style>" in page


def test_every_headline_figure_has_a_card_and_a_search_entry(site, indicators):
    _, page = site
    ids = set(indicators.loc[indicators["breakdown_dim"].isna(), "indicator_id"])
    assert {e["id"] for e in search_index(page)} == ids
    for indicator_id in ids:
        assert f'<article class="figure" id="{indicator_id}"' in page


def test_copy_button_carries_the_wording(site):
    _, page = site
    card = page.split('id="card_uptake_rate"', 1)[1].split("</article>", 1)[0]
    phrase = html.unescape(re.search(r'class="phrase-text">([^<]+)<', card).group(1))
    assert phrase.startswith("办卡率达") and phrase.endswith("%")
    assert f'data-copy="{phrase}"' in card
    assert "navigator.clipboard" in page and 'execCommand("copy")' in page


def test_drill_down_lists_each_unit_and_withholds_small_sensitive_counts(site, indicators):
    _, page = site
    cards = page.split('id="cards_issued"', 1)[1].split("</article>", 1)[0]
    units = indicators[(indicators["indicator_id"] == "cards_issued") & (indicators["breakdown_dim"] == "unit")]
    assert cards.count("<tr>") == len(units) + 1  # header row + one per unit
    screening = page.split('id="women_screening_cards"', 1)[1].split("</article>", 1)[0]
    rows = indicators[(indicators["indicator_id"] == "women_screening_cards") & (indicators["breakdown_dim"] == "unit")]
    small = int((rows["value"] < 5).sum())
    withheld = small + 1  # the smallest other unit goes with them (reports/disclosure.py)
    assert small and screening.count("class=\"is-withheld\"") == withheld
    assert screening.count("copy small") == len(rows) - withheld


def test_search_data_cannot_close_its_script(indicators, tmp_path):
    poisoned = indicators.copy()
    poisoned.loc[poisoned["indicator_id"] == "job_fairs", "definition"] = "</script><script>alert(1)</script>"
    index = write_site(poisoned, tmp_path, run_id="r", generated_at=GENERATED, sources=fake_sources())
    page = (index.parent / "figures.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    entry = next(e for e in search_index(page) if e["id"] == "job_fairs")
    assert "</script>" in entry["text"]
