"""建会企业 and 集体合同 for one unit, and the grassroots unions its members belong to.

Each unit's enterprises fall into four planned groups: covered by an in-force comprehensive
contract and a wage agreement, by only one of them, or by neither. Single-enterprise contracts
come first; regional (区域性) and industry (行业性) contracts cover the rest, many enterprises
each. Noise: expired contracts and not-yet-valid ones that uncovered enterprises still name,
女职工专项集体合同 (never counted, sometimes named in the contract column), a contract row
entered twice, an enterprise entered twice, and a few enterprises of a neighbouring unit
listed again (the same credit code, counted once)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from demo.draw import day, shift, unit_rng, years_before
from demo.identifiers import credit_code
from demo.plan import UnitPlan, partition

REGION = "110102"
ENTERPRISES_PER_UNIT = 1_000_000  # organisation-code numbers: unit index * this + a counter
UNION_CODE_OFFSET = 50_000_000
NAME_WORDS = "华信泰安恒达宏远天成金源中和鑫盛嘉禾博雅汇通瑞丰永新同德盛世德润聚力卓越正阳明德京华博远长城"
TRADES = (
    "科技有限公司",
    "商贸有限公司",
    "餐饮管理有限公司",
    "物业管理有限公司",
    "文化传媒有限公司",
    "建筑工程有限公司",
    "投资管理有限公司",
    "咨询有限公司",
    "酒店管理有限公司",
    "医药连锁有限公司",
    "信息技术有限公司",
    "资产管理有限公司",
)
COMPREHENSIVE, WAGE, WOMEN = "综合集体合同", "工资专项集体协议", "女职工专项集体合同"
TERM_YEARS = 3


@dataclass
class Enterprise:
    name: str
    code: str
    employees: int
    contract_no: str | None = None
    wage_no: str | None = None

    @property
    def row(self) -> tuple:
        return (self.name, self.code, self.employees, self.contract_no, self.wage_no)


def _enterprise(rng: random.Random, p: UnitPlan, k: int) -> Enterprise:
    number = p.index * ENTERPRISES_PER_UNIT + k
    a, b = (
        NAME_WORDS[(k * 7 + p.index) % len(NAME_WORDS)],
        NAME_WORDS[(k // len(NAME_WORDS) + 3 * p.index) % len(NAME_WORDS)],
    )
    c = NAME_WORDS[(k * 13 + 5) % len(NAME_WORDS)]
    name = f"北京{a}{b}{c}{TRADES[k % len(TRADES)]}"
    mean = 4.0 if p.kind == "centre" else 3.0
    employees = min(5000, 3 + int(math.exp(rng.gauss(mean, 1.0))))
    return Enterprise(name, credit_code("91", REGION, number), employees)


def union_of(enterprise: Enterprise, p: UnitPlan, k: int) -> tuple[str, str]:
    """The enterprise's grassroots union (基层工会): its own name and an 81… credit code."""
    number = UNION_CODE_OFFSET + p.index * ENTERPRISES_PER_UNIT + k
    return f"{enterprise.name}工会", credit_code("81", REGION, number)


def build(p: UnitPlan, neighbour: UnitPlan | None) -> tuple[dict[str, list[tuple]], list[tuple[str, str]]]:
    """The two sheets' rows and the unit's grassroots unions (for 会员名册)."""
    own, contracts = _unit_enterprises(p)
    unions = [union_of(e, p, k) for k, e in enumerate(own)]
    rows = [e.row for e in own]
    rng = unit_rng(p.seed, p.unit.code, "enterprise-noise")
    if own:
        rows.append(own[rng.randrange(len(own))].row)  # entered twice
    if contracts:
        contracts.append(contracts[rng.randrange(len(contracts))])
    if neighbour is not None:
        theirs, _ = _unit_enterprises(neighbour)
        for e in rng.sample(theirs, min(len(theirs), max(1, len(theirs) // 100))):
            rows.append(e.row)
    rng.shuffle(rows)
    contracts.sort(key=lambda r: (r[3], r[0]))
    return {"enterprises": rows, "contracts": contracts}, unions


def _unit_enterprises(p: UnitPlan) -> tuple[list[Enterprise], list[tuple]]:
    """The unit's own enterprises (with their contract numbers) and its contract rows."""
    rng = unit_rng(p.seed, p.unit.code, "enterprises")
    groups = {key: p.parts[f"enterprises_{key}"] for key in ("both", "comprehensive_only", "wage_only", "neither")}
    kinds = [key for key, n in groups.items() for _ in range(n)]
    rng.shuffle(kinds)
    firms = [_enterprise(rng, p, k) for k in range(len(kinds))]
    under_comprehensive = [e for e, kind in zip(firms, kinds, strict=True) if kind in ("both", "comprehensive_only")]
    under_wage = [e for e, kind in zip(firms, kinds, strict=True) if kind in ("both", "wage_only")]
    uncovered = [e for e, kind in zip(firms, kinds, strict=True) if kind == "neither"]
    writer = _ContractWriter(rng, p)
    for group in _cover(rng, under_comprehensive, p.parts["comprehensive_contracts"]):
        number = writer.add(COMPREHENSIVE, group, in_force=True)
        for e in group:
            e.contract_no = number
    for group in _cover(rng, under_wage, p.parts["wage_contracts"]):
        number = writer.add(WAGE, group, in_force=True)
        for e in group:
            e.wage_no = number
    for e in uncovered:  # their old contract expired, or the new one starts after the period
        draw = rng.random()
        if draw < 0.4:
            e.contract_no = writer.add(COMPREHENSIVE, [e], in_force=False)
        elif draw < 0.5:
            e.contract_no = writer.add(COMPREHENSIVE, [e], in_force=False, future=True)
        elif draw < 0.6:
            e.wage_no = writer.add(WAGE, [e], in_force=False)
        elif draw < 0.65:
            e.contract_no = writer.add(WOMEN, [e], in_force=True)  # a women's contract named in the wrong column
    for e in rng.sample(firms, min(len(firms), max(1, len(firms) // 12))):
        writer.add(WOMEN, [e], in_force=rng.random() < 0.7)
    for _ in range(max(1, len(firms) // 50)):
        writer.add(
            COMPREHENSIVE, rng.sample(firms, min(len(firms), rng.randint(1, 3))) if firms else [], in_force=False
        )
    return firms, writer.rows


def _cover(rng: random.Random, firms: list[Enterprise], contracts: int) -> list[list[Enterprise]]:
    """Group `firms` under `contracts` contracts: single-enterprise ones, and a few regional or
    industry contracts taking the rest."""
    contracts = min(contracts, len(firms)) or (1 if firms else 0)
    if contracts == 0:
        return []
    regional = max(1, round(contracts * 0.08)) if len(firms) > contracts else 0
    singles = contracts - regional
    groups = [[e] for e in firms[:singles]]
    rest = firms[singles:]
    start = 0
    for size in partition(len(rest), regional, rng):
        groups.append(rest[start : start + size])
        start += size
    return groups


class _ContractWriter:
    """Numbers contracts and writes their rows, dating them in force, expired or future."""

    PREFIX: ClassVar[dict[str, str]] = {COMPREHENSIVE: "JT", WAGE: "GZ", WOMEN: "NZ"}

    def __init__(self, rng: random.Random, p: UnitPlan):
        self.rng, self.p, self.count = rng, p, 0
        self.rows: list[tuple] = []

    def add(self, category: str, firms: list[Enterprise], *, in_force: bool, future: bool = False) -> str:
        rng, end = self.rng, self.p.period_end
        if future:
            signed = day(rng, shift(end, -40), shift(end, -5))
            valid_from = shift(end, rng.randint(1, 31))
        elif in_force:
            signed = day(rng, shift(years_before(end, TERM_YEARS), 40), shift(end, -10))
            valid_from = min(shift(signed, rng.randint(0, 15)), end)
        else:  # expired before the period end
            signed = day(rng, years_before(end, 2 * TERM_YEARS), shift(years_before(end, TERM_YEARS), -30))
            valid_from = shift(signed, rng.randint(0, 15))
        valid_to = date(valid_from.year + TERM_YEARS, valid_from.month, min(valid_from.day, 28)) - timedelta(days=1)
        self.count += 1
        number = f"XC{self.p.unit.code}-{self.PREFIX[category]}-{signed.year}-{self.count:04d}"
        form = "单独" if len(firms) <= 1 else ("区域性" if rng.random() < 0.7 else "行业性")
        covered = max(1, len(firms))
        workers = sum(e.employees for e in firms) or rng.randint(5, 200)
        self.rows.append((number, category, form, signed, valid_from, valid_to, covered, workers))
        return number
