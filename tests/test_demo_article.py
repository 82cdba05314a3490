"""Backtest of the demo data: at scale 1 the figures the generator's truth computes from its own
rows print exactly as the article prints them (demo/article_figures.yaml). The truth is
computed without writing workbooks, which is what makes this test take seconds, not a minute."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pytest
import yaml

from demo import compute_truth
from domain.paths import REPO_ROOT

FIGURES = REPO_ROOT / "demo" / "article_figures.yaml"


def number_text(style: str, entry: dict) -> str:
    """The numeric part of a printed figure, as the article writes it (a local formatter, kept
    separate from reports/ on purpose)."""
    if style.startswith("pct:"):
        places = int(style[4:])
        ratio = Decimal(entry["numerator"]) * 100 / Decimal(entry["denominator"])
        return f"{ratio.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)}%"
    value = Decimal(entry)
    if style == "exact":
        return str(value.quantize(Decimal(1)))
    if style.startswith("wan:"):
        places = int(style[4:])
        return f"{(value / 10000).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)}万"
    if style.startswith("yu:"):
        step = int(style[3:])
        floored = (value / step).to_integral_value(ROUND_FLOOR) * step
        assert value > floored, "余 needs a value above the printed one"
        return f"{floored // 10000}余万" if step >= 10000 else f"{floored}余"
    if style == "shangwan":
        assert 10000 <= value < 100000
        return "上万"
    raise AssertionError(f"unknown style {style}")


@pytest.fixture(scope="module")
def truth() -> dict:
    return compute_truth(scale=1.0)


def article() -> list[dict]:
    return yaml.safe_load(FIGURES.read_text(encoding="utf-8"))["figures"]


@pytest.mark.parametrize("figure", article(), ids=lambda f: f["id"])
def test_demo_prints_as_the_article(truth, figure):
    text = number_text(figure["style"], truth[figure["id"]])
    assert figure["printed"].startswith(text), f"{figure['id']}: demo gives {text}, article prints {figure['printed']}"
    assert not any(ch.isdigit() for ch in figure["printed"][len(text) :])
    if "value" in figure:
        assert Decimal(truth[figure["id"]]) == Decimal(str(figure["value"]))
    if "value_range" in figure:
        low, high = figure["value_range"]
        assert low <= Decimal(truth[figure["id"]]) < high + 1


def test_both_contract_rates_print_as_the_article(truth):
    printed = next(f["printed"] for f in article() if f["id"] == "contract_signing_rate")
    for rate in ("collective_contract_rate", "wage_agreement_rate"):
        assert number_text("pct:0", truth[rate]) == printed
    lower = min(Decimal(truth[r]["value"]) for r in ("collective_contract_rate", "wage_agreement_rate"))
    assert Decimal(truth["contract_signing_rate"]["value"]) == lower
