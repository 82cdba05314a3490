"""How the district's totals are shared out among the units: big streets get more, the building
centre has many enterprises, the federation fills its own sheets. The plan is made once, in the
parent process, so each unit's worker knows exactly what its part must add up to and which
global person numbers are its members."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from demo.targets import targets
from domain import schema

# Relative size of each unit (by short name); streets not named weigh 1.
SIZE = {
    "西长安街": 1.3,
    "新街口": 1.1,
    "月坛": 1.5,
    "展览路": 1.6,
    "德胜": 1.4,
    "金融街": 1.9,
    "什刹海": 1.0,
    "大栅栏": 0.5,
    "天桥": 0.6,
    "椿树": 0.45,
    "陶然亭": 0.7,
    "广安门内": 1.2,
    "牛街": 0.6,
    "白纸坊": 0.8,
    "广安门外": 1.5,
    "金融街楼宇": 1.2,
    "区总工会本级": 1.0,
}
# The centre's enterprises are many and large for its size.
ENTERPRISE_SIZE = {"金融街楼宇": 2.4}
STAR_STATIONS = ("金融街", "展览路", "月坛")


@dataclass
class UnitPlan:
    """What one unit's return must hold: counts and sums (cents for money) per target key,
    and where its people sit in the global numbering."""

    unit: schema.Unit
    index: int
    seed: int
    period_start: date
    period_end: date
    parts: dict[str, int] = field(default_factory=dict)
    member_base: int = 0  # first global member number owned by this unit
    next_member_base: int = 0  # the next member-holding unit's base (for people listed twice)
    next_member_count: int = 0
    next_holder_count: int = 0  # of those, how many hold an in-force card
    neighbour: int = -1  # index of the unit whose members/enterprises this one also lists
    late_base: int = 0  # global numbers of people who join after the period
    other_base: int = 0  # non-member card holders
    model_base: int = 0

    @property
    def kind(self) -> str:
        return self.unit.kind


def split(total: int, weights: list[float]) -> list[int]:
    """Integer parts proportional to `weights` that add up to `total` exactly (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def partition(total: int, count: int, rng: random.Random, minimum: int = 1, spread: float = 0.6) -> list[int]:
    """`count` positive parts adding up to `total`, each at least `minimum`, randomly uneven."""
    if count <= 0:
        return []
    base = minimum * count
    if total < base:
        raise ValueError(f"cannot split {total} into {count} parts of at least {minimum}")
    weights = [1 - spread + 2 * spread * rng.random() for _ in range(count)]
    return [minimum + p for p in split(total - base, weights)]


def split_capped(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """split(), but no part above its cap (a unit cannot have more card holders than members):
    parts that would pass their cap are held at it and the rest is split among the others."""
    if total > sum(caps):
        raise ValueError(f"cannot split {total} under caps adding up to {sum(caps)}")
    held: set[int] = set()
    while True:
        free = [i for i in range(len(weights)) if i not in held]
        shares = split(total - sum(caps[i] for i in held), [weights[i] for i in free])
        over = [i for i, part in zip(free, shares, strict=True) if part > caps[i]]
        if not over:
            parts = list(caps)
            for i, part in zip(free, shares, strict=True):
                parts[i] = part
            return parts
        held.update(over)


# Each unit's own habits, as multipliers of its share: how keen its members are on the card
# (a rate near 84%..97%), how many activate it and use it, and how many of its enterprises
# lack a contract (collective-contract rates near 92%..99.5%). Drawn per unit, not per period.
UNIT_HABITS = {
    "card_holders": (0.845, 0.965),
    "activated_holders": (0.80, 0.94),
    "service_users": (0.85, 0.95),
    "service_times": (0.98, 1.04),
}
GAP_KEYS = ["enterprises_neither", "enterprises_comprehensive_only", "enterprises_wage_only"]
# Most units bargain well, a few lag: the share of enterprises without a contract, relative to
# the district's, runs from about a sixth to about two and a half times it.
GAP_HABIT = (0.25, 3.9)


def unit_shape(seed: int, unit_code: str) -> dict[str, float]:
    rng = random.Random(f"{seed}:{unit_code}:habits")
    shape = {key: low + (high - low) * rng.random() for key, (low, high) in UNIT_HABITS.items()}
    gaps = GAP_HABIT[0] + (GAP_HABIT[1] - GAP_HABIT[0]) * rng.random() ** 2
    shape |= {key: gaps * rng.uniform(0.8, 1.2) for key in GAP_KEYS}
    return shape


# Target keys and who shares them. Sums follow their counts' split (a unit with no events has
# no participants), so pairs are listed as (count key, sum keys).
MEMBER_KINDS = ("street", "centre")
ALL_KINDS = ("street", "centre", "federation")
SHARED = [
    (MEMBER_KINDS, "members", ()),
    (MEMBER_KINDS, "warmth_cents", ()),
    (MEMBER_KINDS, "summer_packs", ("summer_cents",)),
    (MEMBER_KINDS, "screened_women", ()),
    (ALL_KINDS, "training_person_times", ()),
    (ALL_KINDS, "training_units", ()),
    (ALL_KINDS, "job_fairs", ()),
    (ALL_KINDS, "jobs_placed", ()),
    (ALL_KINDS, "recuperation", ()),
    (ALL_KINDS, "checkups", ()),
    (ALL_KINDS, "matchmaking_events", ("matchmaking_participants",)),
    (ALL_KINDS, "disputes_mediated", ("disputes_cents",)),
    (ALL_KINDS, "retired_assistants", ()),
    (ALL_KINDS, "social_workers", ()),
]
# Shares of members: each follows the previous one so that holders <= members etc.
MEMBER_CHAIN = ["members", "card_holders", "activated_holders", "service_users", "service_times"]
ENTERPRISE_KEYS = ["enterprises_both", "enterprises_comprehensive_only", "enterprises_wage_only", "enterprises_neither"]
CONTRACT_KEYS = ["comprehensive_contracts", "wage_contracts"]
FEDERATION_ONLY = [
    "card_services",
    "migrant_students",
    "insurance_enrolled",
    "insurance_benefited",
    "medical_benefited",
    "medical_claims_cents",
    "social_org_activities",
    "social_org_served",
]


def make_plan(
    scale: float,
    period_start: date,
    period_end: date,
    seed: int,
    *,
    goal: dict[str, int] | None = None,
    shape_seed: int | None = None,
) -> list[UnitPlan]:
    """Each unit's part of every target (`goal`, by default the article's at `scale`). The units'
    own habits (how keen on cards, how well bargained) come from `shape_seed` (default `seed`),
    so two periods made with one shape seed show the same units strong and weak."""
    goal = goal if goal is not None else targets(scale)
    units = list(schema.units())
    plans = [UnitPlan(u, i, seed, period_start, period_end) for i, u in enumerate(units)]
    weight = [SIZE.get(u.short, 1.0) for u in units]

    def share(kinds, key: str, weights: list[float]) -> list[int]:
        w = [wt if p.kind in kinds else 0.0 for p, wt in zip(plans, weights, strict=True)]
        parts = split(goal[key], w)
        for p, part in zip(plans, parts, strict=True):
            p.parts[key] = part
        return parts

    for kinds, key, sums in SHARED:
        counts = share(kinds, key, weight)
        for sum_key in sums:
            share(kinds, sum_key, [float(c) for c in counts])
    shapes = [unit_shape(shape_seed if shape_seed is not None else seed, u.code) for u in units]
    before = [p.parts["members"] for p in plans]
    for key in MEMBER_CHAIN[1:]:
        weights = [b * s[key] if p.kind in MEMBER_KINDS else 0.0 for b, s, p in zip(before, shapes, plans, strict=True)]
        # Uses are counted per visit: more than users, so they are not capped by them.
        before = split(goal[key], weights) if key == "service_times" else split_capped(goal[key], weights, before)
        for p, part in zip(plans, before, strict=True):
            p.parts[key] = part
    enterprise_weight = [wt * ENTERPRISE_SIZE.get(u.short, 1.0) for u, wt in zip(units, weight, strict=True)]
    _enterprise_groups(plans, goal, enterprise_weight, shapes)
    for key in CONTRACT_KEYS:
        share(MEMBER_KINDS, key, enterprise_weight)
    for key in FEDERATION_ONLY:
        share(("federation",), key, weight)
    _stations(plans, goal)
    _number_people(plans)
    return plans


def _enterprise_groups(plans: list[UnitPlan], goal: dict[str, int], weight: list[float], shapes: list[dict]) -> None:
    """Unionised enterprises per unit by its size; then the few without a comprehensive contract
    or a wage agreement by each unit's habit, so signing rates differ between units; the rest
    are under both."""
    room = split(
        sum(goal[k] for k in ENTERPRISE_KEYS),
        [w if p.kind in MEMBER_KINDS else 0.0 for p, w in zip(plans, weight, strict=True)],
    )
    unionised = list(room)
    for key in GAP_KEYS:
        parts = split_capped(goal[key], [n * s[key] for n, s in zip(unionised, shapes, strict=True)], room)
        room = [r - part for r, part in zip(room, parts, strict=True)]
        for p, part in zip(plans, parts, strict=True):
            p.parts[key] = part
    for p, part in zip(plans, room, strict=True):
        p.parts["enterprises_both"] = part


def _stations(plans: list[UnitPlan], goal: dict[str, int]) -> None:
    """Every unit runs one station; the first `stations_qualified` (all, in the article) qualify."""
    order = sorted(plans, key=lambda p: (-SIZE.get(p.unit.short, 1.0), p.index))
    for rank, p in enumerate(order):
        p.parts["station_qualified"] = int(rank < goal["stations_qualified"])
    stars = [p for p in plans if p.unit.short in STAR_STATIONS][: goal["stations_star"]]
    stars += [p for p in order if p not in stars][: goal["stations_star"] - len(stars)]
    for p in plans:
        p.parts["station_star"] = int(p in stars)


def _number_people(plans: list[UnitPlan]) -> None:
    """Give each member-holding unit a block of global member numbers, and blocks for the people
    who are not members (late joiners, non-member card holders) and for model workers."""
    holders = [p for p in plans if p.kind in MEMBER_KINDS]
    base = 0
    for p in holders:
        p.member_base = base
        base += p.parts["members"]
    late = base
    for i, p in enumerate(holders):
        following = holders[(i + 1) % len(holders)]
        p.next_member_base, p.next_member_count = following.member_base, following.parts["members"]
        p.next_holder_count, p.neighbour = following.parts["card_holders"], following.index
        p.late_base = late
        late += p.parts["members"] // 100 + 10
    other = model = 0
    for p in plans:
        p.other_base, p.model_base = other, model
        other += p.parts.get("members", 0) // 50 + 20
        model += (p.parts.get("recuperation", 0) + p.parts.get("checkups", 0)) + 50
