"""The period before the article's: the same district, a little smaller and a little less
organised, so that the bulletin has something to compare with (同比). The article says nothing
about it: these shapes are the demo's own, chosen to look like an ordinary year of growth with a
few figures that fell (more job fairs and more mediated disputes the year before)."""

from __future__ import annotations

from decimal import Decimal

from demo.targets import half_up

# Previous value ÷ this period's, per target key (keys of targets.article_targets()).
BEFORE_SHARE = {
    "members": 0.965,
    "card_holders": 0.93,  # the card uptake rate was some 3 points lower
    "activated_holders": 0.90,
    "service_users": 0.89,
    "service_times": 0.84,
    "card_services": 0.86,
    "training_person_times": 0.91,
    "training_units": 0.92,
    "migrant_students": 0.93,
    "warmth_cents": 0.94,
    "insurance_enrolled": 0.90,
    "insurance_benefited": 0.95,
    "medical_benefited": 0.93,
    "medical_claims_cents": 0.90,
    "job_fairs": 1.07,
    "jobs_placed": 0.94,
    "recuperation": 0.97,
    "checkups": 0.98,
    "summer_cents": 0.92,
    "summer_packs": 0.90,
    "screened_women": 0.85,
    "matchmaking_events": 0.88,
    "matchmaking_participants": 0.86,
    "stations_qualified": 0.83,
    "stations_star": 0.67,
    "social_org_activities": 0.85,
    "social_org_served": 0.90,
    "retired_assistants": 0.87,
    "social_workers": 0.90,
    "comprehensive_contracts": 0.95,
    "wage_contracts": 0.93,
    "enterprises_both": 0.95,
    "enterprises_comprehensive_only": 1.0,
    "enterprises_wage_only": 1.1,
    "enterprises_neither": 1.3,  # fewer enterprises under contract: both rates a little lower
    "disputes_mediated": 1.04,
    "disputes_cents": 0.97,
}


def previous_targets(goal: dict[str, int]) -> dict[str, int]:
    """The previous period's targets from this period's (at any scale), at least 1 each."""
    missing = sorted(set(goal) - set(BEFORE_SHARE))
    if missing:
        raise KeyError(f"no previous-period share for {missing}")
    return {key: max(1, int(half_up(Decimal(value) * Decimal(str(BEFORE_SHARE[key]))))) for key, value in goal.items()}
