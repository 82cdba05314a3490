"""Generate the demo returns: one workbook per unit of units.yaml and period (the article's and,
by default, the one before it, for 同比), deterministic (same arguments, byte-identical files),
built in parallel across units, plus demo_truth.json beside them."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date, timedelta
from pathlib import Path

from demo import activities, enterprises, explained, federation, members_cards, truth
from demo.people import SURNAMES, mix
from demo.plan import UnitPlan, make_plan
from demo.previous_year import previous_targets
from demo.targets import targets
from domain.periods import period_file_label, previous_period
from ingest.workbooks import layout
from ingest.workbooks.writer import write_return

TRUTH_FILE = "demo_truth.json"
CENTRE_NEIGHBOUR = "金融街"  # the building centre's enterprises overlap its street's


def unit_rows(plan: UnitPlan, neighbour: UnitPlan | None, name_offset: int) -> dict[str, list[tuple]]:
    """Every sheet's rows for one unit, in schema column order."""
    sheets: dict[str, list[tuple]] = {}
    members: list = []
    if plan.kind in ("street", "centre"):
        company, unions = enterprises.build(plan, neighbour)
        people, members = members_cards.build(plan, unions)
        sheets |= company | people
    sheets |= activities.build(plan, members, name_offset)
    if plan.kind == "federation":
        sheets |= federation.build(plan)
    return sheets


def _unit_job(job: tuple) -> tuple[date, int, str | None, dict]:
    plan, neighbour, name_offset, out_dir = job
    rows = unit_rows(plan, neighbour, name_offset)
    part = truth.partial(rows, plan.period_start, plan.period_end)
    if out_dir is None:
        return plan.period_end, plan.index, None, part
    path = Path(out_dir) / layout.return_file_name(
        plan.unit.name, period_file_label(plan.period_start, plan.period_end)
    )
    h = mix(plan.seed, plan.index)
    filled_by = SURNAMES[h % len(SURNAMES)] + ("晓红", "建国", "丽娜", "志强", "文静")[h % 5]
    explained.plant(plan, rows, filled_by)  # a shared case number and the units' 上报说明: no figure moves
    write_return(
        path,
        plan.unit.name,
        plan.period_start,
        plan.period_end,
        rows,
        filled_by=filled_by,
        phone=f"010-{66000000 + h % 1000000:08d}",
        filled_on=plan.period_end + timedelta(days=10 + h % 15),
    )
    return plan.period_end, plan.index, str(path), part


def _jobs(plans: list[UnitPlan], out_dir: Path | None) -> list[tuple]:
    by_short = {p.unit.short: p for p in plans}
    offsets, running = [], 0
    for p in plans:
        offsets.append(running)
        running += p.parts.get("training_units", 0)
    jobs = []
    for p, offset in zip(plans, offsets, strict=True):
        neighbour = None
        if p.kind == "centre" and CENTRE_NEIGHBOUR in by_short:
            neighbour = by_short[CENTRE_NEIGHBOUR]
        elif p.kind == "street" and p.neighbour >= 0:
            neighbour = plans[p.neighbour]
        jobs.append((p, neighbour, offset, out_dir))
    return jobs


def _job_size(job: tuple) -> tuple:
    """Biggest first, so two workers finish together."""
    p = job[0]
    return -(p.parts.get("members", 0) + p.parts.get("training_person_times", 0) // 10), p.period_end, p.index


def _run(periods: list[list[UnitPlan]], out_dir: Path | None, workers: int) -> list[tuple[list[Path], dict]]:
    """(workbook paths, figures) per period, in the order given; all units of all periods share
    one pool of workers."""
    jobs = sorted((job for plans in periods for job in _jobs(plans, out_dir)), key=_job_size)
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_unit_job, jobs, chunksize=1)
    else:
        results = [_unit_job(j) for j in jobs]
    outcome = []
    for plans in periods:
        mine = sorted((r for r in results if r[0] == plans[0].period_end), key=lambda r: r[1])
        outcome.append(([Path(path) for _, _, path, _ in mine if path], truth.combine([part for *_, part in mine])))
    return outcome


# Below this a unit has no grassroots union to put its members in: the data set would not be one.
MIN_SCALE = 0.003


def period_plans(scale: float, period_start: date, period_end: date, seed: int, previous: bool) -> list[list[UnitPlan]]:
    """The plans of the period asked for and, when `previous`, of the period of the same length
    before it: the units keep their habits (shape seed), the volumes are the year before's."""
    if not scale >= MIN_SCALE:
        raise ValueError(f"规模倍数 {scale} 太小：演示数据至少要 {MIN_SCALE}（每个单位才有基层工会和会员）。")
    periods = [make_plan(scale, period_start, period_end, seed)]
    if previous:
        start, end = previous_period(period_start, period_end)
        goal = previous_targets(targets(scale))
        periods.append(make_plan(scale, start, end, seed - 1, goal=goal, shape_seed=seed))
    return periods


def _truth_document(plans: list[UnitPlan], figures: dict) -> dict:
    return {
        "period_start": plans[0].period_start.isoformat(),
        "period_end": plans[0].period_end.isoformat(),
        "figures": figures,
    }


def generate(
    out_dir: Path | str,
    *,
    scale: float = 1.0,
    period_start: date = date(2018, 1, 1),
    period_end: date = date(2018, 12, 31),
    seed: int = 2018,
    workers: int = 2,
    previous: bool = True,
) -> list[Path]:
    """Write the demo workbooks and demo_truth.json into `out_dir`; return the period's
    workbooks in units.yaml order (the previous period's, written beside them when `previous`,
    are named by their own period: 单位_2017年度.xlsx). At scale 1 the period's data reproduce
    the article's figures; demo_truth.json holds the previous period's under "previous"."""
    if period_end < period_start:
        raise ValueError(f"统计期止（{period_end}）早于统计期起（{period_start}）")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    periods = period_plans(scale, period_start, period_end, seed, previous)
    outcomes = _run(periods, out_dir, workers)
    document = {
        "about": "演示数据按指标口径应得的精确值（由生成器从所生成的行直接计算，与仓库 SQL 无关）",
        **_truth_document(periods[0], outcomes[0][1]),
        "scale": scale,
        "seed": seed,
    }
    if previous:
        document["previous"] = _truth_document(periods[1], outcomes[1][1])
    (out_dir / TRUTH_FILE).write_text(
        json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return outcomes[0][0]


def compute_truth(
    *,
    scale: float = 1.0,
    period_start: date = date(2018, 1, 1),
    period_end: date = date(2018, 12, 31),
    seed: int = 2018,
    workers: int = 2,
    previous: bool = False,
) -> dict:
    """The figures the demo data would give, without writing any workbook (for tests): the
    period's, or with `previous` the period's before it."""
    periods = period_plans(scale, period_start, period_end, seed, previous)
    return _run(periods[-1:], None, workers)[0][1]
