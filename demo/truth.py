"""demo_truth.json: what the pipeline must compute from the demo, worked out in plain Python
from the very rows written into the workbooks, following the definitions (口径) of
seeds/indicator_catalog.csv — independently of the warehouse SQL, so the two check each other.

Each unit's rows are reduced to a `partial` (sets of IDs, sums) in the process that wrote them;
`combine` unites the partials (people listed by two units count once) into the figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from domain import schema

ZERO = Decimal(0)
FAIRS = ("招聘会", "专项招聘会")
CASE_OUTCOMES = ("调解成功", "调解不成", "撤回")
PREMIUM_PLAN, MEDICAL_PLAN = "保费型保障计划", "在职职工医疗互助保障计划"


def _is_woman(resident_id: str) -> bool:
    """GB 11643: the 17th digit is even for a woman."""
    return int(str(resident_id)[16]) % 2 == 0


def _records(rows_by_sheet: dict, sheet_name: str):
    """Rows of a sheet as dicts keyed by canonical column name."""
    names = [c.name for c in schema.sheet(sheet_name).columns]
    for row in rows_by_sheet.get(sheet_name, ()):
        yield dict(zip(names, row, strict=True))


def partial(rows_by_sheet: dict[str, list[tuple]], start: date, end: date) -> dict:
    """Reduce one workbook's rows to what the figures need."""
    out: dict = {}
    for part in (_people, _enterprises, _services, _community):
        out.update(part(rows_by_sheet, start, end))
    return out


def _people(rows_by_sheet: dict[str, list[tuple]], start: date, end: date) -> dict:
    """Members, the cards in force and activated, and who used a card's services."""
    inside = lambda d: d is not None and start <= d <= end  # noqa: E731
    out: dict = defaultdict(int)
    out["members"] = {r["person"] for r in _records(rows_by_sheet, "members") if r["joined_on"] <= end}
    in_force, activated = set(), set()
    for r in _records(rows_by_sheet, "cards"):
        cancelled = r["status"] == "注销" and (r["cancelled_on"] is None or r["cancelled_on"] <= end)
        if r["issued_on"] <= end and not cancelled:
            in_force.add(r["holder"])
            if r["activated_on"] is not None and r["activated_on"] <= end:
                activated.add(r["holder"])
    out["card_holders"], out["activated_holders"] = in_force, activated
    uses = [r for r in _records(rows_by_sheet, "service_uses") if inside(r["served_on"])]
    out["service_times"], out["service_users"] = len(uses), {r["user"] for r in uses}
    return dict(out)


def _enterprises(rows_by_sheet: dict[str, list[tuple]], start: date, end: date) -> dict:
    """Enterprises (largest headcount reported) with their contract numbers, and the contracts in force."""
    out: dict = defaultdict(int)
    enterprises: dict[str, list] = {}
    for r in _records(rows_by_sheet, "enterprises"):
        entry = enterprises.setdefault(r["credit_code"], [r["employees"], set(), set()])
        entry[0] = max(entry[0], r["employees"])
        entry[1].add(r["contract_no"])
        entry[2].add(r["wage_agreement_no"])
    out["enterprises"] = enterprises
    in_force_contracts = defaultdict(set)
    for r in _records(rows_by_sheet, "contracts"):
        if r["valid_from"] <= end <= r["valid_to"] and r["signed_on"] <= end:
            in_force_contracts[r["category"]].add(r["contract_no"])
    out["contracts"] = dict(in_force_contracts)
    return dict(out)


def _services(rows_by_sheet: dict[str, list[tuple]], start: date, end: date) -> dict:
    """Aid, training, jobs, model workers' services, summer relief and women's screening."""
    inside = lambda d: d is not None and start <= d <= end  # noqa: E731
    out: dict = defaultdict(int)
    out["warmth"], out["aid"] = ZERO, ZERO
    for r in _records(rows_by_sheet, "aid_payments"):
        if inside(r["paid_on"]):
            amount = r["cash"] + r["goods_value"]
            out["aid"] += amount
            if r["programme"] == "送温暖" and r["recipient_category"] in ("在档困难职工", "困难劳模"):
                out["warmth"] += amount
    general = [
        r for r in _records(rows_by_sheet, "trainings") if r["category"] == "通用能力" and inside(r["started_on"])
    ]
    out["training_person_times"] = sum(r["person_times"] for r in general)
    out["training_units"] = {r["trainee_unit"] for r in general}
    events = [r for r in _records(rows_by_sheet, "job_events") if inside(r["held_on"])]
    out["job_fairs"] = sum(r["category"] in FAIRS for r in events)
    out["jobs_placed"] = sum(r["placed"] for r in events)
    for r in _records(rows_by_sheet, "model_worker_services"):
        if inside(r["served_on"]):
            out["recuperation" if r["service"] == "疗休养" else "checkups"] += 1
    summer = [r for r in _records(rows_by_sheet, "summer_relief") if inside(r["delivered_on"])]
    out["summer_amount"] = sum((r["amount"] for r in summer), ZERO)
    out["summer_packs"] = sum(r["packs"] for r in summer)
    out["screened"] = {
        r["recipient"]
        for r in _records(rows_by_sheet, "women_care")
        if r["programme"] == "两癌筛查" and _is_woman(r["recipient"]) and inside(r["given_on"])
    }
    return dict(out)


def _community(rows_by_sheet: dict[str, list[tuple]], start: date, end: date) -> dict:
    """Matchmaking, stations, social organisations, mediation, mutual insurance, students, card services."""
    inside = lambda d: d is not None and start <= d <= end  # noqa: E731
    out: dict = defaultdict(int)
    matches = [r for r in _records(rows_by_sheet, "matchmaking_events") if inside(r["held_on"])]
    out["matchmaking_events"], out["matchmaking_participants"] = len(matches), sum(r["participants"] for r in matches)
    for r in _records(rows_by_sheet, "stations"):
        out["stations"] += 1
        staff = (r["retired_assistants"] or 0) + (r["social_workers"] or 0)
        out["stations_fully_staffed"] += r.get("staff_quota") is not None and staff >= r["staff_quota"]
        out["stations_qualified"] += bool(r["qualified"])
        out["stations_star_applied"] += bool(r["star_applied"])
        out["retired_assistants"] += r["retired_assistants"]
        out["social_workers"] += r["social_workers"]
    activities = [r for r in _records(rows_by_sheet, "social_org_activities") if inside(r["held_on"])]
    out["social_org_activities"], out["social_org_served"] = len(activities), sum(r["served"] for r in activities)
    out["disputes_amount"] = ZERO
    for r in _records(rows_by_sheet, "mediation_cases"):
        if inside(r["closed_on"]) and r["outcome"] in CASE_OUTCOMES:
            out["disputes_closed"] += 1
            if r["outcome"] == "调解成功":
                out["disputes_mediated"] += 1
                out["disputes_amount"] += r["amount"]
    for r in _records(rows_by_sheet, "mutual_insurance"):
        key = "premium" if r["plan"] == PREMIUM_PLAN else "medical"
        out[f"{key}_enrolled"] += r["enrolled"]
        out[f"{key}_benefited"] += r["beneficiaries"]
        out[f"{key}_claims"] = out.get(f"{key}_claims", ZERO) + r["claims"]
    out["students"] = {r["student"] for r in _records(rows_by_sheet, "migrant_students") if inside(r["funded_on"])}
    out["card_services"] = sum(
        r["online_on"] <= end and (r["offline_on"] is None or r["offline_on"] > end)
        for r in _records(rows_by_sheet, "card_service_items")
    )
    return dict(out)


def combine(partials: list[dict]) -> dict[str, str | dict[str, str | None]]:
    """The headline value of every catalog figure: the exact decimal as a string or, for a rate,
    {'numerator', 'denominator', 'value' (the ratio to 6 places, None if undefined)}."""
    union = lambda key: set().union(*(p.get(key, set()) for p in partials))  # noqa: E731
    total = lambda key: sum((p.get(key, 0) for p in partials), 0)  # noqa: E731
    members = union("members")
    holders = union("card_holders") & members
    activated = union("activated_holders") & members
    users = union("service_users") & activated

    enterprises: dict[str, list] = {}
    for p in partials:
        for code, (employees, contract_nos, wage_nos) in p.get("enterprises", {}).items():
            entry = enterprises.setdefault(code, [employees, set(), set()])
            entry[0] = max(entry[0], employees)
            entry[1] |= contract_nos
            entry[2] |= wage_nos
    in_force: dict[str, set] = defaultdict(set)
    for p in partials:
        for category, numbers in p.get("contracts", {}).items():
            in_force[category] |= numbers
    comprehensive = {c for c, e in enterprises.items() if e[1] & in_force["综合集体合同"]}
    wage = {c for c, e in enterprises.items() if e[2] & in_force["工资专项集体协议"]}
    all_workers = sum(e[0] for e in enterprises.values())
    covered_workers = sum(enterprises[c][0] for c in comprehensive)
    lower = min((len(comprehensive), len(wage)), key=lambda n: Fraction(n, max(1, len(enterprises))))

    figures: dict[str, object] = {
        "members": len(members),
        "cards_issued": len(holders),
        "card_uptake_rate": (len(holders), len(members)),
        "real_name_service_times": total("service_times"),
        "participation_rate": (len(users), len(activated)),
        "card_services": total("card_services"),
        "training_person_times": total("training_person_times"),
        "training_units": len(union("training_units")),
        "migrant_students_funded": len(union("students")),
        "warmth_aid_amount": total("warmth"),
        "aid_amount": total("aid"),
        "mutual_insurance_enrolled": total("premium_enrolled"),
        "mutual_insurance_benefited": total("premium_benefited"),
        "medical_mutual_benefited": total("medical_benefited"),
        "medical_mutual_claims": total("medical_claims"),
        "job_fairs": total("job_fairs"),
        "jobs_placed": total("jobs_placed"),
        "model_worker_recuperation": total("recuperation"),
        "model_worker_checkups": total("checkups"),
        "summer_relief_amount": total("summer_amount"),
        "summer_relief_packs": total("summer_packs"),
        "women_screening_cards": len(union("screened")),
        "matchmaking_events": total("matchmaking_events"),
        "matchmaking_participants": total("matchmaking_participants"),
        "stations": total("stations"),
        "stations_fully_staffed": total("stations_fully_staffed"),
        "stations_qualified": total("stations_qualified"),
        "stations_star_applied": total("stations_star_applied"),
        "social_org_activities": total("social_org_activities"),
        "social_org_served": total("social_org_served"),
        "retired_assistants": total("retired_assistants"),
        "social_workers": total("social_workers"),
        "contracts_signed": len(in_force["综合集体合同"] | in_force["工资专项集体协议"]),
        "enterprises_covered": len(comprehensive | wage),
        "enterprises_unionised": len(enterprises),
        "collective_contract_rate": (len(comprehensive), len(enterprises)),
        "wage_agreement_rate": (len(wage), len(enterprises)),
        "contract_signing_rate": (lower, len(enterprises)),
        "worker_coverage_rate": (covered_workers, all_workers),
        "disputes_closed": total("disputes_closed"),
        "disputes_mediated": total("disputes_mediated"),
        "disputes_amount": total("disputes_amount"),
        "mediation_success_rate": (total("disputes_mediated"), total("disputes_closed")),
    }
    return {key: _entry(value) for key, value in figures.items()}


def _entry(value) -> str | dict[str, str | None]:
    if isinstance(value, tuple):
        numerator, denominator = value
        ratio = (
            (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
            if denominator
            else None
        )
        return {
            "numerator": str(numerator),
            "denominator": str(denominator),
            "value": str(ratio) if ratio is not None else None,
        }
    return str(value)
