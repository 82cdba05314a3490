"""The flow sheets of one unit (帮扶救助, 培训, 就业服务, 劳模服务, 送清凉, 女职工关爱,
婚恋交友, 服务站, 劳动争议调解): the planned part of each figure hit exactly, plus rows the
definitions exclude (other programmes and categories, other kinds of class or event, rows
dated outside the period, duplicates that count once)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from demo.draw import amounts, day, shift, summer_day, unit_rng, yuan
from demo.people import MODEL_WORKERS, Person, person
from demo.plan import UnitPlan, partition, split

HARDSHIP_KINDS = ("深度困难", "相对困难", "意外致困")
GENERAL, OTHER_CLASSES = "通用能力", ("专业技能", "安全生产")
GENERAL_COURSES = ("职工沟通与协作", "办公软件应用", "职业素养提升", "心理健康与压力管理", "法律知识普及", "公文写作")
OTHER_COURSES = {
    "专业技能": ("电工取证", "厨师技能提升", "养老护理员"),
    "安全生产": ("消防安全", "安全生产法规", "应急救护"),
}
TRAINEE_WORDS = "华信泰安恒达宏远天成金源中和鑫盛嘉禾博雅汇通瑞丰"
SITES = ("建筑工地", "环卫作业点", "快递分拣中心", "公交场站", "社区服务站", "园林绿化队", "交通执勤岗", "物业项目部")
CAUSES = ("拖欠工资", "解除劳动合同", "加班费", "工伤待遇", "社会保险", "经济补偿金")
MATCH_NAMES = ("青春有约", "缘来是你", "职工单身联谊会", "鹊桥相会", "相约西城")


def trainee_unit(k: int) -> str:
    """The k-th name in the district's list of trainee units (shared by all units; distinct for
    k below 8000)."""
    words = TRAINEE_WORDS
    n = len(words)
    extra = words[(k // (n * n)) % n] if k >= n * n else ""
    return (
        f"北京{words[k % n]}{words[(k // n + 7) % n]}{extra}{('科技', '商贸', '物业', '文化', '餐饮')[k % 5]}有限公司"
    )


def build(p: UnitPlan, members: list[Person], name_offset: int) -> dict[str, list[tuple]]:
    rng = unit_rng(p.seed, p.unit.code, "activities")
    sheets = {
        "trainings": _trainings(rng, p, name_offset),
        "job_events": _job_events(rng, p),
        "model_worker_services": _model_workers(rng, p),
        "matchmaking_events": _matchmaking(rng, p),
        "stations": [_station(rng, p)],
        "mediation_cases": _mediation(rng, p),
    }
    if p.kind in ("street", "centre"):
        sheets["aid_payments"] = _aid(rng, p, members)
        sheets["summer_relief"] = _summer(rng, p)
        sheets["women_care"] = _women_care(rng, p, members)
    return sheets


def _in_period(rng, p: UnitPlan) -> date:
    return day(rng, p.period_start, p.period_end)


def _outside(rng, p: UnitPlan) -> date:
    return day(rng, shift(p.period_start, -90), shift(p.period_start, -1))


def _aid(rng, p: UnitPlan, members: list[Person]) -> list[tuple]:
    """送温暖 to registered hardship workers and hardship model workers, exactly the planned sum;
    then 金秋助学/医疗救助/其他帮扶, 送温暖 to 其他职工, and last period's 送温暖."""
    total = p.parts["warmth_cents"]
    count = max(1, total // 250_000)
    pool = members[: max(1, min(len(members), count))]
    rows = []
    for cents in amounts(rng, total, count, 1200, 3800):
        goods = cents * rng.choice((0, 0, 20, 25, 30)) // 100
        if rng.random() < 0.1:
            who, category, kind = (
                person(MODEL_WORKERS, p.model_base + rng.randrange(40), p.period_end),
                "困难劳模",
                None,
            )
        else:
            who, category, kind = rng.choice(pool), "在档困难职工", rng.choice(HARDSHIP_KINDS)
        rows.append(
            (who.name, who.id_number, category, kind, "送温暖", yuan(cents - goods), yuan(goods), _in_period(rng, p))
        )
    for _ in range(max(3, count // 4)):
        who = rng.choice(pool)
        programme = rng.choice(("金秋助学", "医疗救助", "其他帮扶"))
        rows.append(
            (
                who.name,
                who.id_number,
                "在档困难职工",
                rng.choice(HARDSHIP_KINDS),
                programme,
                yuan(rng.randint(1000, 6000) * 100),
                yuan(0),
                _in_period(rng, p),
            )
        )
    for _ in range(max(2, count // 40)):
        who = rng.choice(members) if members else pool[0]
        rows.append(
            (
                who.name,
                who.id_number,
                "其他职工",
                None,
                "送温暖",
                yuan(rng.randint(20_000, 80_000)),
                yuan(rng.randint(0, 20_000)),
                _in_period(rng, p),
            )
        )
        rows.append(
            (
                who.name,
                who.id_number,
                "在档困难职工",
                rng.choice(HARDSHIP_KINDS),
                "送温暖",
                yuan(rng.randint(50_000, 200_000)),
                yuan(0),
                _outside(rng, p),
            )
        )
    rows.sort(key=lambda r: (r[7], r[1]))
    return rows


def _trainings(rng, p: UnitPlan, name_offset: int) -> list[tuple]:
    """通用能力 classes carry the unit's planned person-times and trainee-unit names (the unit's
    own names from the shared list, plus names other units also use: counted once)."""
    total, own_names = p.parts["training_person_times"], p.parts["training_units"]
    rows = []
    if total:
        classes = max(own_names, 1, total // 70)
        names = [trainee_unit(name_offset + k) for k in range(own_names)] or [trainee_unit(0)]
        for k, times in enumerate(partition(total, classes, rng)):
            unit = (
                names[k]
                if k < len(names)
                else [*names, trainee_unit(rng.randrange(max(1, name_offset + own_names)))][
                    rng.randrange(len(names) + 1)
                ]
            )
            course = GENERAL_COURSES[rng.randrange(len(GENERAL_COURSES))]
            rows.append((f"{course}培训班（第{k + 1}期）", GENERAL, unit, _in_period(rng, p), times))
    for k in range(max(2, len(rows) // 3)):
        category = OTHER_CLASSES[k % 2]
        course = rng.choice(OTHER_COURSES[category])
        rows.append(
            (
                f"{course}培训班",
                category,
                trainee_unit(1000 + rng.randrange(200)),
                _in_period(rng, p),
                rng.randint(15, 60),
            )
        )
    rows.append(
        (
            f"{GENERAL_COURSES[0]}培训班（上年度）",
            GENERAL,
            trainee_unit(2000 + p.index),
            _outside(rng, p),
            rng.randint(20, 50),
        )
    )
    rows.sort(key=lambda r: r[3])
    return rows


def _job_events(rng, p: UnitPlan) -> list[tuple]:
    fairs, placed = p.parts["job_fairs"], p.parts["jobs_placed"]
    others = max(1, fairs // 2 + 1) if placed else 1
    events = [("招聘会" if k % 3 else "专项招聘会") for k in range(fairs)] + [
        ("职业指导", "政策宣讲")[k % 2] for k in range(others)
    ]
    weights = [3.0 if e in ("招聘会", "专项招聘会") else 1.0 for e in events]
    rows = []
    for category, got in zip(events, split(placed, weights) if placed else [0] * len(events), strict=True):
        employers = rng.randint(15, 120) if category in ("招聘会", "专项招聘会") else None
        rows.append((f"{p.unit.short}{category}", category, _in_period(rng, p), employers, got))
    rows.append(
        (
            f"{p.unit.short}春风行动招聘会（上年度）",
            "招聘会",
            _outside(rng, p),
            rng.randint(20, 60),
            rng.randint(10, 80),
        )
    )
    rows.sort(key=lambda r: r[2])
    return rows


def _model_workers(rng, p: UnitPlan) -> list[tuple]:
    """One row per visit; a model worker may go to recuperation twice. Checkups once a year."""
    rows = []
    recuperation, checkups = p.parts["recuperation"], p.parts["checkups"]
    people = max(1, recuperation * 4 // 5)
    for k in range(recuperation):
        who = person(MODEL_WORKERS, p.model_base + (k if k < people else rng.randrange(people)), p.period_end)
        rows.append((who.name, who.id_number, "疗休养", _in_period(rng, p)))
    for k in range(checkups):
        who = person(MODEL_WORKERS, p.model_base + k, p.period_end)
        rows.append((who.name, who.id_number, "体检", _in_period(rng, p)))
    who = person(MODEL_WORKERS, p.model_base, p.period_end)
    rows.append((who.name, who.id_number, "疗休养", _outside(rng, p)))
    rows.sort(key=lambda r: (r[3], r[1]))
    return rows


def _summer(rng, p: UnitPlan) -> list[tuple]:
    packs, cents = p.parts["summer_packs"], p.parts["summer_cents"]
    visits = max(1, packs // 400)
    rows = [
        (rng.choice(SITES), summer_day(rng, p.period_start, p.period_end), yuan(money), n)
        for money, n in zip(amounts(rng, cents, visits, 15, 30), partition(packs, visits, rng), strict=True)
    ]
    rows.append((rng.choice(SITES), _outside(rng, p), yuan(rng.randint(500_000, 2_000_000)), rng.randint(50, 300)))
    rows.sort(key=lambda r: r[1])
    return rows


def _women_care(rng, p: UnitPlan, members: list[Person]) -> list[tuple]:
    """两癌筛查 cards to the planned number of distinct women; some get a second card."""
    women = [m for m in members if m.female][: p.parts["screened_women"]]
    rows = [(w.name, w.id_number, "两癌筛查", _in_period(rng, p)) for w in women]
    rows += [(w.name, w.id_number, "两癌筛查", _in_period(rng, p)) for w in rng.sample(women, len(women) // 50)]
    rows += [
        (w.name, w.id_number, rng.choice(("母婴关爱", "其他关爱")), _in_period(rng, p))
        for w in rng.sample(women, min(len(women), max(1, len(women) // 10)))
    ]
    extra = [m for m in members if m.female][len(women) : len(women) + 3]
    rows += [(w.name, w.id_number, "两癌筛查", _outside(rng, p)) for w in extra]
    rows.sort(key=lambda r: (r[3], r[1]))
    return rows


def _matchmaking(rng, p: UnitPlan) -> list[tuple]:
    events, people = p.parts["matchmaking_events"], p.parts["matchmaking_participants"]
    rows = [
        (f"{rng.choice(MATCH_NAMES)}（第{k + 1}场）", _in_period(rng, p), n, "市级" if rng.random() < 0.3 else "区级")
        for k, n in enumerate(partition(people, events, rng) if events else [])
    ]
    rows.append((f"{MATCH_NAMES[0]}（上年度）", _outside(rng, p), rng.randint(20, 60), "区级"))
    rows.sort(key=lambda r: r[1])
    return rows


def _station(rng, p: UnitPlan) -> tuple:
    name = "区职工服务中心" if p.kind == "federation" else p.unit.name
    return (
        name,
        bool(p.parts["station_qualified"]),
        bool(p.parts["station_star"]),
        p.parts["retired_assistants"],
        p.parts["social_workers"],
        p.parts["retired_assistants"] + p.parts["social_workers"],  # 定编: staffed to its quota, as the article says
    )


def _mediation(rng, p: UnitPlan) -> list[tuple]:
    """Planned successes closed in the period (some accepted the year before) carrying the
    planned amount; failures, withdrawals, open cases, cases closed before or after it."""
    end = p.period_end
    success, cents = p.parts["disputes_mediated"], p.parts["disputes_cents"]
    cases: list[tuple[str, Decimal | None]] = [("调解成功", yuan(c)) for c in amounts(rng, cents, success, 2000, 18000)]
    cases += [("调解不成", None)] * max(1, success // 11) + [("撤回", None)] * max(1, success // 20)
    rows: list[tuple] = []
    for outcome, amount in cases:
        closed = _in_period(rng, p)
        accepted = day(rng, shift(closed, -60), closed)
        rows.append(
            (
                "",
                accepted,
                closed,
                rng.choice(CAUSES),
                rng.randint(1, 6),
                amount or yuan(rng.randint(100_000, 3_000_000)),
                outcome,
            )
        )
    for _ in range(max(1, success // 25)):  # still open at the period end
        rows.append(
            (
                "",
                day(rng, shift(end, -40), end),
                None,
                rng.choice(CAUSES),
                rng.randint(1, 3),
                yuan(rng.randint(100_000, 2_000_000)),
                None,
            )
        )
    for _ in range(max(1, success // 10)):  # closed before the period
        closed = _outside(rng, p)
        rows.append(
            (
                "",
                shift(closed, -rng.randint(3, 40)),
                closed,
                rng.choice(CAUSES),
                rng.randint(1, 4),
                yuan(rng.randint(100_000, 2_000_000)),
                "调解成功",
            )
        )
    for _ in range(max(1, success // 50)):  # accepted in the period, closed after it
        rows.append(
            (
                "",
                day(rng, shift(end, -20), end),
                day(rng, shift(end, 1), shift(end, 20)),
                rng.choice(CAUSES),
                1,
                yuan(rng.randint(100_000, 900_000)),
                "调解成功",
            )
        )
    rows.sort(key=lambda r: (r[1], r[2] or date.max))
    numbered = []
    for k, r in enumerate(rows):
        numbered.append((f"西{p.unit.short}调字〔{r[1].year}〕{k + 1:04d}号", *r[1:]))
    return numbered
