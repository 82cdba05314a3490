"""What the demo must add up to. At scale 1 every figure of article_figures.yaml (a copy of the
article's) is hit exactly: printed integers as they are, rounded figures inside their
`value_range`, rates by counts chosen so the printed percentage comes out. Nothing else in the
project may know these numbers; everything here is read from the yaml, not typed."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml

FIGURES_FILE = Path(__file__).with_name("article_figures.yaml")

# Where inside a `value_range` the demo puts a rounded figure (0 = low end, 1 = high end).
RANGE_POSITION = {"social_org_served": 0.03}
DEFAULT_POSITION = 0.5
CENTS_JITTER = 37  # so amounts are not round yuan

# Shapes the article does not fix (shares of real-life plausibility).
ACTIVATED_SHARE = 0.87  # in-force cards that have been activated
COMPREHENSIVE_RATE = Decimal("0.972")  # enterprises under a comprehensive contract
WAGE_RATE = Decimal("0.969")  # enterprises under a wage agreement
COVERED_SHARE = Decimal("0.978")  # enterprises covered by either, of unionised enterprises
COMPREHENSIVE_SHARE_OF_CONTRACTS = 0.54


@cache
def figures() -> dict[str, dict]:
    document = yaml.safe_load(FIGURES_FILE.read_text(encoding="utf-8"))
    return {f["id"]: f for f in document["figures"]}


def half_up(value: Decimal, places: int = 0) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def printed_percent(figure_id: str) -> tuple[Decimal, int]:
    """(90.77, 2) from printed "90.77%"."""
    text = figures()[figure_id]["printed"].rstrip("%")
    places = len(text.split(".")[1]) if "." in text else 0
    return Decimal(text), places


def rounds_to(numerator: int, denominator: int, figure_id: str) -> bool:
    percent, places = printed_percent(figure_id)
    return half_up(Decimal(numerator) * 100 / Decimal(denominator), places) == percent


def _count(figure_id: str) -> int:
    figure = figures()[figure_id]
    if "value" in figure:
        return int(figure["value"])
    low, high = figure["value_range"]
    return int(low + (high - low) * RANGE_POSITION.get(figure_id, DEFAULT_POSITION))


def _cents(figure_id: str) -> int:
    """An amount in cents inside the figure's value_range (given in yuan)."""
    figure = figures()[figure_id]
    if "value" in figure:
        return int(Decimal(str(figure["value"])) * 100)
    low, high = figure["value_range"]
    return int((low + (high - low) * DEFAULT_POSITION) * 100) + CENTS_JITTER


def _members_for(cards: int) -> int:
    """The member count in the middle of those for which cards ÷ members prints as the article."""
    percent, _ = printed_percent("card_uptake_rate")
    guess = int(Decimal(cards) * 100 / percent)
    fitting = [m for m in range(guess - 50, guess + 50) if rounds_to(cards, m, "card_uptake_rate")]
    return fitting[len(fitting) // 2]


def _users_for(activated: int) -> int:
    percent, _ = printed_percent("participation_rate")
    users = int(half_up(Decimal(activated) * percent / 100))
    assert rounds_to(users, activated, "participation_rate")
    return users


def _enterprise_split(covered: int) -> dict[str, int]:
    """Unionised enterprises split into covered by both / comprehensive only / wage only /
    neither, so that both rates print as the article's and the union of the two is `covered`."""
    unionised = int(half_up(covered / COVERED_SHARE))
    comprehensive = int(half_up(unionised * COMPREHENSIVE_RATE))
    wage = int(half_up(unionised * WAGE_RATE))
    assert rounds_to(comprehensive, unionised, "contract_signing_rate")
    assert rounds_to(wage, unionised, "contract_signing_rate")
    both = comprehensive + wage - covered
    return {
        "both": both,
        "comprehensive_only": comprehensive - both,
        "wage_only": wage - both,
        "neither": unionised - covered,
    }


@cache
def article_targets() -> dict[str, int]:
    """Scale-1 targets; money in cents, everything else a count."""
    cards = _count("cards_issued")
    activated = int(cards * ACTIVATED_SHARE)
    contracts = _count("contracts_signed")
    comprehensive_contracts = int(contracts * COMPREHENSIVE_SHARE_OF_CONTRACTS)
    split = _enterprise_split(_count("enterprises_covered"))
    return {
        "members": _members_for(cards),
        "card_holders": cards,
        "activated_holders": activated,
        "service_users": _users_for(activated),
        "service_times": _count("real_name_service_times"),
        "card_services": _count("card_services"),
        "training_person_times": _count("training_person_times"),
        "training_units": _count("training_units"),
        "migrant_students": _count("migrant_students_funded"),
        "warmth_cents": _cents("warmth_aid_amount"),
        "insurance_enrolled": _count("mutual_insurance_enrolled"),
        "insurance_benefited": _count("mutual_insurance_benefited"),
        "medical_benefited": _count("medical_mutual_benefited"),
        "medical_claims_cents": _cents("medical_mutual_claims"),
        "job_fairs": _count("job_fairs"),
        "jobs_placed": _count("jobs_placed"),
        "recuperation": _count("model_worker_recuperation"),
        "checkups": _count("model_worker_checkups"),
        "summer_cents": _cents("summer_relief_amount"),
        "summer_packs": _count("summer_relief_packs"),
        "screened_women": _count("women_screening_cards"),
        "matchmaking_events": _count("matchmaking_events"),
        "matchmaking_participants": _count("matchmaking_participants"),
        "stations_qualified": _count("stations_qualified"),
        "stations_star": _count("stations_star_applied"),
        "social_org_activities": _count("social_org_activities"),
        "social_org_served": _count("social_org_served"),
        "retired_assistants": _count("retired_assistants"),
        "social_workers": _count("social_workers"),
        "comprehensive_contracts": comprehensive_contracts,
        "wage_contracts": contracts - comprehensive_contracts,
        **{f"enterprises_{k}": v for k, v in split.items()},
        "disputes_mediated": _count("disputes_mediated"),
        "disputes_cents": _cents("disputes_amount"),
    }


# Station figures describe the 17 stations themselves: they do not grow with the volume.
STRUCTURAL = {"stations_qualified", "stations_star", "retired_assistants", "social_workers"}


def targets(scale: float) -> dict[str, int]:
    """The targets at `scale`: counts and amounts multiplied, at least 1 so no sheet is empty."""
    base = article_targets()
    if scale == 1:
        return dict(base)
    return {
        k: v if k in STRUCTURAL else max(1, int(half_up(Decimal(v) * Decimal(str(scale))))) for k, v in base.items()
    }
