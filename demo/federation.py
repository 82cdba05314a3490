"""The sheets only the federation's own office (区总工会本级) fills: 互助保障 (plan totals),
农民工大学生, 京卡服务项目 and 社会组织活动. Noise: a student funded twice and one funded only
the period before, service items taken offline before the period end or going online after it,
activities outside the period."""

from __future__ import annotations

from demo.draw import day, shift, unit_rng, years_before, yuan
from demo.people import STUDENTS, person
from demo.plan import UnitPlan, partition

SCHOOLS = ("北京联合大学", "北京城市学院", "北京开放大学", "首都经济贸易大学", "北京工业大学", "北京石油化工学院")
MAJORS = ("工商管理", "会计学", "计算机科学与技术", "物流管理", "护理学", "土木工程", None)
ITEMS = (  # (service, category)
    ("公园年票", "文体休闲"),
    ("观影优惠", "文体休闲"),
    ("体检套餐", "医疗健康"),
    ("健身卡", "文体休闲"),
    ("书店折扣", "教育培训"),
    ("早餐工程", "餐饮优惠"),
    ("洗衣服务", "生活服务"),
    ("眼镜配镜", "医疗健康"),
    ("话剧演出", "文体休闲"),
    ("博物馆通票", "文体休闲"),
    ("游泳馆", "文体休闲"),
    ("家政服务", "生活服务"),
    ("口腔检查", "医疗健康"),
    ("理发优惠", "生活服务"),
    ("职工食堂", "餐饮优惠"),
    ("公交出行优惠", "交通出行"),
    ("理财咨询", "金融服务"),
    ("技能课程", "教育培训"),
)
ORG_CATEGORIES = ("就业", "文化", "体育", "维权", "帮困")
PREMIUM_PLAN, MEDICAL_PLAN = "保费型保障计划", "在职职工医疗互助保障计划"


def build(p: UnitPlan) -> dict[str, list[tuple]]:
    rng = unit_rng(p.seed, p.unit.code, "federation")
    return {
        "mutual_insurance": _insurance(rng, p),
        "migrant_students": _students(rng, p),
        "card_service_items": _service_items(rng, p),
        "social_org_activities": _social_org(rng, p),
    }


def _insurance(rng, p: UnitPlan) -> list[tuple]:
    parts = p.parts
    premium_claims = parts["insurance_benefited"] * rng.randint(800, 2500) * 100 + rng.randint(0, 99)
    medical_enrolled = parts["medical_benefited"] * 3 + rng.randint(0, 999)
    return [
        (PREMIUM_PLAN, parts["insurance_enrolled"], parts["insurance_benefited"], yuan(premium_claims)),
        (MEDICAL_PLAN, medical_enrolled, parts["medical_benefited"], yuan(parts["medical_claims_cents"])),
    ]


def _students(rng, p: UnitPlan) -> list[tuple]:
    start, end = p.period_start, p.period_end
    count = p.parts["migrant_students"]
    students = [person(STUDENTS, k, end) for k in range(count + 3)]
    rows = [
        (
            s.name,
            s.id_number,
            rng.choice(SCHOOLS),
            rng.choice(MAJORS),
            yuan(rng.choice((3000, 4000, 5000)) * 100),
            day(rng, start, end),
        )
        for s in students[:count]
    ]
    for s in rng.sample(students[:count], max(1, count // 20)):  # second instalment in the period
        rows.append((s.name, s.id_number, rng.choice(SCHOOLS), None, yuan(2000 * 100), day(rng, start, end)))
    for s in students[count:]:  # funded only in the previous period
        rows.append(
            (
                s.name,
                s.id_number,
                rng.choice(SCHOOLS),
                None,
                yuan(4000 * 100),
                day(rng, shift(start, -120), shift(start, -1)),
            )
        )
    rows.sort(key=lambda r: (r[5], r[1]))
    return rows


def _service_items(rng, p: UnitPlan) -> list[tuple]:
    """The items on line at the period end, plus items taken offline before it and items that
    go online only after it."""
    start, end = p.period_start, p.period_end
    online = p.parts["card_services"]
    launch = years_before(end, 4)
    rows = []
    for k in range(online):
        went_online = day(rng, launch, end)
        offline = day(rng, shift(end, 30), shift(end, 400)) if k % 25 == 0 else None  # taken offline later
        rows.append((*_item(k), went_online, offline))
    for k in range(online, online + max(2, online // 12)):
        went_online = day(rng, launch, shift(start, -60))
        rows.append((*_item(k), went_online, day(rng, shift(went_online, 30), shift(end, -1))))
    for k in range(online + max(2, online // 12), online + max(2, online // 12) + 2):
        rows.append((*_item(k), day(rng, shift(end, 1), shift(end, 30)), None))
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


def _item(k: int) -> tuple[str, str]:
    """(name, category) of the k-th service item: a neighbourhood merchant and a service."""
    merchant = ("西单", "什刹海", "金融街", "月坛", "德胜门", "白纸坊", "天桥", "牛街", "陶然亭", "展览馆")[
        k // len(ITEMS) % 10
    ]
    service, category = ITEMS[k % len(ITEMS)]
    return f"{merchant}{service}" + (f"（{k // (10 * len(ITEMS)) + 1}）" if k >= 10 * len(ITEMS) else ""), category


def _social_org(rng, p: UnitPlan) -> list[tuple]:
    count, served = p.parts["social_org_activities"], p.parts["social_org_served"]
    rows = [
        (
            f"{ORG_CATEGORIES[k % 5]}主题活动（第{k + 1}场）",
            ORG_CATEGORIES[k % 5],
            day(rng, p.period_start, p.period_end),
            n,
        )
        for k, n in enumerate(partition(served, count, rng))
    ]
    rows.append(
        (
            "文化主题活动（上年度）",
            "文化",
            day(rng, shift(p.period_start, -60), shift(p.period_start, -1)),
            rng.randint(50, 300),
        )
    )
    rows.sort(key=lambda r: r[2])
    return rows
