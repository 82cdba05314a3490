"""A made-up `marts.indicators` table, to test and preview the bulletin without running the
pipeline. Values are random (seeded), consistent with each other (headlines are the sums of
their breakdowns, rates are numerator ÷ denominator) and deliberately not the article's."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from domain.paths import CATALOG_FILE
from domain.schema import UNITS_FILE

CATALOG = CATALOG_FILE
UNITS = UNITS_FILE
PROGRAMMES = ("送温暖", "金秋助学", "医疗救助", "困难职工生活补助")
COLUMNS = [
    "indicator_id",
    "topic",
    "label",
    "unit",
    "printed_unit",
    "style",
    "definition",
    "breakdown_dim",
    "breakdown_key",
    "value",
    "numerator",
    "denominator",
    "period_start",
    "period_end",
]


def read_catalog(path: Path = CATALOG) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def street_names(path: Path = UNITS) -> list[str]:
    units = yaml.safe_load(path.read_text(encoding="utf-8"))["units"]
    return [u["short"] for u in units if u["kind"] == "street"]


def _headline_value(style: str, unit: str, rng: random.Random) -> Decimal:
    name, _, arg = style.partition(":")
    cents = Decimal(rng.randint(0, 99)) / 100 if unit == "元" else Decimal(0)
    if name == "wan":
        return Decimal(rng.randint(20_000, 30_000_000)) + cents
    if name == "yu":
        step = int(arg)
        return Decimal(step * rng.randint(2, 400 if unit == "元" else 9) + rng.randint(1, step - 1)) + cents
    if name == "shangwan":
        return Decimal(rng.randint(10_001, 99_999))
    if unit in {"个", "家", "项", "场", "场次"}:
        return Decimal(rng.randint(2, 400))
    return Decimal(rng.randint(200, 60_000))


def _rate(numerator: int, denominator: int) -> tuple[Decimal, Decimal, Decimal]:
    num, den = Decimal(numerator), Decimal(denominator)
    return (num / den).quantize(Decimal("0.000001")), num, den


def synthetic_indicators(
    seed: int = 7,
    *,
    period: tuple[dt.date, dt.date] = (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    same_signing_rates: bool = True,
    drop: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One headline row per catalog id plus breakdowns by street and by aid programme.

    `same_signing_rates` makes the collective-contract and wage-agreement rates print the same
    (the bulletin then says 均达到); `drop` leaves headline rows out to test missing figures.
    """
    rng = random.Random(seed)
    catalog = read_catalog().set_index("indicator_id")
    streets = street_names()
    rows: list[dict] = []

    def add(indicator_id, value, dim=None, key=None, num=None, den=None):
        rows.append(
            {
                "indicator_id": indicator_id,
                **catalog.loc[indicator_id].to_dict(),
                "breakdown_dim": dim,
                "breakdown_key": key,
                "value": value,
                "numerator": num,
                "denominator": den,
                "period_start": period[0],
                "period_end": period[1],
            }
        )

    def add_rate(indicator_id, num, den, dim=None, key=None):
        value, n, d = _rate(num, den)
        add(indicator_id, value, dim, key, n, d)

    members = {s: rng.randint(3_000, 25_000) for s in streets}
    cards = {s: int(m * rng.uniform(0.7, 0.99)) for s, m in members.items()}
    unionised = {s: rng.randint(200, 1_500) for s in streets}
    signed = {s: int(n * rng.uniform(0.85, 0.995)) for s, n in unionised.items()}
    for s in streets:
        add("members", Decimal(members[s]), "unit", s)
        add("cards_issued", Decimal(cards[s]), "unit", s)
        add_rate("card_uptake_rate", cards[s], members[s], "unit", s)
        add_rate("collective_contract_rate", signed[s], unionised[s], "unit", s)
        add("women_screening_cards", Decimal(rng.choice([0, 2, 4, 5, rng.randint(6, 800)])), "unit", s)
    aid = {p: Decimal(rng.randint(50_000, 9_000_000)) + Decimal(rng.randint(0, 99)) / 100 for p in PROGRAMMES}
    for programme, amount in aid.items():
        add("aid_amount", amount, "programme", programme)

    union_total, signed_total = sum(unionised.values()), sum(signed.values())
    wage_signed = signed_total if same_signing_rates else int(union_total * 0.6)
    rates = {
        "card_uptake_rate": (sum(cards.values()), sum(members.values())),
        "collective_contract_rate": (signed_total, union_total),
        "wage_agreement_rate": (wage_signed, union_total),
        "contract_signing_rate": (min(signed_total, wage_signed), union_total),
    }
    totals = {
        "members": sum(members.values()),
        "cards_issued": sum(cards.values()),
        "aid_amount": sum(aid.values()),
        "enterprises_unionised": union_total,
        "enterprises_covered": signed_total,
    }
    for index, entry in catalog.iterrows():
        indicator_id = str(index)
        if indicator_id in drop:
            continue
        if entry["style"].startswith("pct"):
            add_rate(indicator_id, *rates.get(indicator_id, (rng.randint(50, 900), 1_000)))
        elif indicator_id in totals:
            add(indicator_id, Decimal(totals[indicator_id]))
        else:
            add(indicator_id, _headline_value(entry["style"], entry["unit"], rng))
    return pd.DataFrame(rows, columns=COLUMNS)
