"""Which per-unit rows are not published, and why (PIPL art. 28: two-cancer screening and hardship
aid are sensitive personal information). Every output that leaves the federation (charts, the
figures desk's exports and site, `shushuo figure`) asks this module, so a row withheld in one is
withheld in all.

- Aid amounts by unit are never published (NEVER_BY_UNIT): the table carries no recipient count
  to judge them by.
- A unit's count of people below SMALL_COUNT for a sensitive figure is withheld (primary).
- A withheld cell could still be worked out as the headline minus every published unit. Wherever
  one cell is withheld, the smallest other unit's cell is withheld too (secondary suppression, as
  τ-ARGUS and sdcTable do for official tables). Both carry the same reason, so a reader cannot tell
  which is which. A reader then knows only the withheld cells' sum and that each lies between 0
  and the smallest published cell; as the secondary cell is at least SMALL_COUNT and a primary is
  below it, the sum never pins a single cell down (tests/test_disclosure.py proves it by
  enumeration). Their previous-period values are not published either, and a sensitive figure's
  units carry no 上期 at all (a published unit's 上期 could be last year's small count)."""

from __future__ import annotations

import pandas as pd

from reports.formatting import is_missing, to_decimal

SMALL_COUNT = 5
SENSITIVE_PEOPLE_COUNTS = frozenset({"women_screening_cards"})
NEVER_BY_UNIT = frozenset({"aid_amount", "warmth_aid_amount"})
NEVER_REASON = "救助金额不按单位公布（涉及困难职工个人信息）"
SMALL_REASON = f"涉及敏感个人信息，人数少于{SMALL_COUNT}的单位及为防止推算而一并隐去的单位不单列"


def withheld_units(indicator_id: str, values: dict[str, object]) -> dict[str, str]:
    """unit key → reason, for the by-unit rows of one figure that must not be published
    (`values`: unit key → exact value; a missing value is not withheld: there is nothing to print)."""
    if indicator_id in NEVER_BY_UNIT:
        return dict.fromkeys(values, NEVER_REASON)
    if indicator_id not in SENSITIVE_PEOPLE_COUNTS:
        return {}
    known = {key: to_decimal(value) for key, value in values.items() if not is_missing(value)}
    primary = {key for key, value in known.items() if value < SMALL_COUNT}
    if not primary:
        return {}
    others = sorted((value, key) for key, value in known.items() if key not in primary)
    secondary = {others[0][1]} if others else set()
    return dict.fromkeys(sorted(primary | secondary), SMALL_REASON)


def withheld_rows(indicators: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """(indicator_id, 'unit', unit key) → reason, over every by-unit row of the indicators table."""
    units = indicators[indicators["breakdown_dim"] == "unit"]
    out: dict[tuple[str, str, str], str] = {}
    for indicator_id, rows in units.groupby("indicator_id", sort=False):
        values = dict(zip(rows["breakdown_key"].astype(str), rows["value"], strict=True))
        out.update(
            {
                (str(indicator_id), "unit", key): reason
                for key, reason in withheld_units(str(indicator_id), values).items()
            }
        )
    return out


def hides_previous(indicator_id: str, dim: str | None) -> bool:
    """A sensitive figure's unit rows show no 上期 (last year's small count could be among them)."""
    return dim == "unit" and (indicator_id in SENSITIVE_PEOPLE_COUNTS or indicator_id in NEVER_BY_UNIT)
