"""The demo holds two periods (the article's and the year before, for 同比), one workbook per
unit and period, and its units differ from one another the way real ones do: no two streets
with the same 办卡率 or 集体合同签订率, while the district totals stay the article's
(tests/test_demo_article.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from python_calamine import CalamineWorkbook

from demo import TRUTH_FILE, generate
from demo.plan import make_plan
from domain import schema
from ingest.workbooks import layout

PERIOD = (date(2018, 1, 1), date(2018, 12, 31))
GROUPS = ("enterprises_both", "enterprises_comprehensive_only", "enterprises_wage_only", "enterprises_neither")


def cover(path) -> dict[str, object]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("填报说明").to_python()
    return {str(r[0]).strip(): r[1] for r in rows if len(r) > 1 and r[0]}


def test_both_periods_have_one_workbook_per_unit(small_demo):
    names = {p.name for p in small_demo.glob("*.xlsx")}
    expected = {layout.return_file_name(u.name, label) for u in schema.units() for label in ("2017年度", "2018年度")}
    assert names == expected


def test_the_previous_workbooks_declare_the_previous_year_on_their_cover(small_demo):
    unit = next(iter(schema.units()))
    fields = cover(small_demo / layout.return_file_name(unit.name, "2017年度"))
    assert str(fields["统计期起"])[:10] == "2017-01-01" and str(fields["统计期止"])[:10] == "2017-12-31"


def test_the_previous_period_is_a_believable_smaller_year(small_truth):
    before = small_truth["previous"]
    assert (before["period_start"], before["period_end"]) == ("2017-01-01", "2017-12-31")
    now, then = small_truth["figures"], before["figures"]
    assert set(then) == set(now)
    assert int(then["members"]) < int(now["members"])
    assert Decimal(then["card_uptake_rate"]["value"]) < Decimal(now["card_uptake_rate"]["value"])
    for figure_id, value in now.items():  # an ordinary year: nothing doubles or halves
        if isinstance(value, str) and Decimal(value) >= 100:
            assert Decimal("0.6") < Decimal(then[figure_id]) / Decimal(value) < Decimal("1.2"), figure_id


def test_units_differ_in_card_uptake_and_contract_rates():
    plans = [p for p in make_plan(1.0, *PERIOD, 2018) if p.kind != "federation"]
    card = [p.parts["card_holders"] / p.parts["members"] for p in plans]
    assert min(card) >= 0.84 and max(card) <= 0.97 and max(card) - min(card) > 0.08
    contract = []
    for p in plans:
        unionised = sum(p.parts[g] for g in GROUPS)
        contract.append((p.parts["enterprises_both"] + p.parts["enterprises_comprehensive_only"]) / unionised)
    assert min(contract) >= 0.92 and max(contract) <= 0.995 and max(contract) - min(contract) > 0.04
    biggest = sorted(plans, key=lambda p: -p.parts["members"])[:5]
    big_rates = {round(p.parts["card_holders"] / p.parts["members"], 3) for p in biggest}
    assert len(big_rates) == 5 and max(big_rates) - min(big_rates) > 0.03


def test_without_previous_only_the_period_is_written(tmp_path):
    paths = generate(tmp_path, scale=0.005, previous=False)
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == sorted(p.name for p in paths)
    assert all("2018年度" in p.name for p in paths)
    assert '"previous"' not in (tmp_path / TRUTH_FILE).read_text(encoding="utf-8")
