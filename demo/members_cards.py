"""会员名册, 京卡办理 and 实名制服务 for one unit: the big record-level registers.

The unit's own members are global numbers member_base .. member_base+members-1. The first
`card_holders` of them hold an in-force card, the first `activated_holders` an activated one,
the first `service_users` used a service in the period; the plan's totals are hit exactly.
Around them sits the noise the definitions exclude: members listed by two units, people who
joined after the period, cancelled and replaced cards, second cards from another unit, cards
of non-members, cards issued after the period, cards cancelled only after it (still in force at
the period end), unactivated cards, and service uses outside the period."""

from __future__ import annotations

import random
from datetime import date

from demo.draw import day, shift, unit_rng, years_before
from demo.identifiers import card_number
from demo.people import MEMBERS, NON_MEMBERS, Person, person
from demo.plan import UnitPlan

SERVICE_ITEMS = (
    "职工体检优惠",
    "公园游览",
    "电影观影优惠",
    "健身场馆",
    "职工书屋借阅",
    "法律咨询",
    "心理咨询",
    "技能培训报名",
    "餐饮优惠",
    "职工疗休养预约",
    "子女托管",
    "博物馆参观",
    "文艺演出票",
    "京卡积分兑换",
)
CARDS_PER_UNIT = 10_000_000  # card numbers: unit index * this + a counter


class _Cards:
    """Collects 京卡办理 rows, numbering the cards of a unit."""

    def __init__(self, unit_index: int):
        self.rows: list[tuple] = []
        self.next = unit_index * CARDS_PER_UNIT

    def add(self, who: Person, issued: date, activated: date | None = None, cancelled: date | None = None) -> None:
        status = "注销" if cancelled else "正常"
        self.rows.append((who.name, who.id_number, card_number(self.next), issued, status, cancelled, activated))
        self.next += 1


def joined_date(rng: random.Random, who: Person, end: date) -> date:
    """Joined at 18 or later, mostly in recent years."""
    earliest = max(date(who.born.year + 18, who.born.month, min(who.born.day, 28)), years_before(end, 25))
    span = (end - earliest).days
    return shift(earliest, int(span * (1 - rng.random() ** 2)))


def build(p: UnitPlan, unions: list[tuple[str, str]]) -> tuple[dict[str, list[tuple]], list[Person]]:
    """The three sheets' rows, and the unit's own members (for the sheets that pick people)."""
    rng = unit_rng(p.seed, p.unit.code, "members")
    start, end = p.period_start, p.period_end
    era = years_before(end, 4)  # when the unit began issuing cards
    n_members = p.parts["members"]
    holders, activated_n, users_n = p.parts["card_holders"], p.parts["activated_holders"], p.parts["service_users"]
    members = [person(MEMBERS, p.member_base + j, end) for j in range(n_members)]
    joined = [joined_date(rng, m, end) for m in members]

    roster = [_member_row(rng, m, joined[j], unions) for j, m in enumerate(members)]
    if p.next_member_count:
        for k in rng.sample(range(p.next_member_count), min(p.next_member_count, max(1, round(n_members * 0.004)))):
            twice = person(MEMBERS, p.next_member_base + k, end)
            roster.append(_member_row(rng, twice, joined_date(rng, twice, end), unions))
    late = [person(MEMBERS, p.late_base + k, end) for k in range(max(1, round(n_members * 0.002)))]
    roster += [_member_row(rng, m, day(rng, shift(end, 1), shift(end, 20)), unions) for m in late]

    cards = _Cards(p.index)
    activated_on: list[date | None] = [None] * n_members
    # A few unactivated holders whose card was cancelled only after the period: in force at its end.
    cancelled_later = set(rng.sample(range(activated_n, holders), min(holders - activated_n, holders // 10_000)))
    for j in range(holders):
        issued = day(rng, max(joined[j], era), end)
        if j < activated_n:
            activated_on[j] = min(shift(issued, rng.randint(0, 60)), end)
        if rng.random() < 0.01 and (issued - max(joined[j], era)).days > 60:  # lost card replaced
            old = day(rng, max(joined[j], era), shift(issued, -45))
            old_activated = shift(old, rng.randint(0, 20))
            cards.add(members[j], old, old_activated if old_activated < issued else None, issued)
        cancelled = day(rng, shift(end, 1), shift(end, 25)) if j in cancelled_later else None
        cards.add(members[j], issued, activated_on[j], cancelled)
    if p.next_holder_count:
        for k in rng.sample(range(p.next_holder_count), min(p.next_holder_count, max(1, round(holders * 0.003)))):
            cards.add(person(MEMBERS, p.next_member_base + k, end), day(rng, era, end))  # a second card, not activated

    noise_uses: list[tuple[Person, date, date]] = []  # (who, first day, last day) of one use
    spare = list(range(holders, n_members))
    cancelled_only = spare[: max(1, len(spare) // 10)] if spare else []
    for j in cancelled_only:
        first = max(joined[j], era)
        if (end - first).days < 60:
            continue
        issued = day(rng, first, shift(end, -45))
        cancelled = day(rng, shift(issued, 30), end)
        active = shift(issued, rng.randint(0, 25)) if rng.random() < 0.6 else None
        cards.add(members[j], issued, active if active and active < cancelled else None, cancelled)
        if active and active < cancelled and cancelled > start and rng.random() < 0.5:
            noise_uses.append((members[j], max(start, active), shift(cancelled, -1)))
    for j in spare[len(cancelled_only) : len(cancelled_only) + max(1, n_members // 2000)]:
        cards.add(members[j], day(rng, shift(end, 1), shift(end, 15)))  # issued after the period
    outsiders = [person(NON_MEMBERS, p.other_base + k, end) for k in range(max(1, round(holders * 0.004)))]
    for k, who in enumerate(late[: max(1, len(late) // 2)] + outsiders):
        issued = day(rng, era, shift(end, -30))
        active = shift(issued, rng.randint(0, 30)) if k % 10 < 7 else None
        cards.add(who, issued, active)
        if active and rng.random() < 0.5:
            noise_uses += [(who, max(start, active), end)] * rng.randint(1, 3)

    uses = _service_uses(rng, p, members[:users_n], activated_on[:users_n], noise_uses)
    cards.rows.sort(key=lambda r: (r[3], r[2]))
    roster.sort(key=lambda r: (r[2], r[4], r[1]))
    return {"members": roster, "cards": cards.rows, "service_uses": uses}, members


def _member_row(rng: random.Random, who: Person, joined: date, unions: list[tuple[str, str]]) -> tuple:
    union_name, union_code = unions[rng.randrange(len(unions))]
    declared = who.sex if rng.random() > 0.03 else None
    return (who.name, who.id_number, union_name, union_code, joined, declared, who.migrant)


def _service_uses(rng, p: UnitPlan, users: list[Person], activated: list[date | None], noise: list) -> list[tuple]:
    """Each user once in the period, the rest of the unit's in-period uses spread over users,
    plus noise uses (counted in 人次, not in the participation rate) and a few out of period."""
    start, end = p.period_start, p.period_end
    total = p.parts["service_times"]
    noise = noise[: max(0, total - len(users))]
    extra = total - len(users) - len(noise) if users else 0
    counts = [1] * len(users)
    for k in (rng.randrange(len(users)) for _ in range(extra)) if users else ():
        counts[k] += 1
    item = SERVICE_ITEMS
    rows = []
    for who, since, n in zip(users, activated, counts, strict=True):
        assert since is not None, "users are holders of activated cards"
        for _ in range(n):
            rows.append((who.name, who.id_number, item[rng.randrange(len(item))], day(rng, max(start, since), end)))
    for who, first, last in noise:
        rows.append((who.name, who.id_number, item[rng.randrange(len(item))], day(rng, first, last)))
    for k in rng.sample(range(len(users)), min(len(users), max(1, total // 200))):
        if k % 2 and activated[k] < shift(start, -1):
            when = day(rng, max(activated[k], shift(start, -60)), shift(start, -1))
        else:
            when = day(rng, shift(end, 1), shift(end, 20))
        rows.append((users[k].name, users[k].id_number, item[rng.randrange(len(item))], when))
    rows.sort(key=lambda r: (r[3], r[1]))
    return rows
