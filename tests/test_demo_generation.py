"""The demo generator at a small scale: fast, deterministic to the byte, every sheet filled,
every identifier valid, and demo_truth.json covering every figure of the catalog."""

from __future__ import annotations

import csv
import json
import time
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from demo import TRUTH_FILE, generate
from demo.generate import MIN_SCALE
from domain import schema
from domain.paths import REPO_ROOT
from ingest.workbooks import layout

ROOT = REPO_ROOT
SMALL = 0.01
PERIOD_END = date(2018, 12, 31)


@pytest.fixture(scope="module")
def demo_small(tmp_path_factory) -> tuple[Path, list[Path], float]:
    out = tmp_path_factory.mktemp("demo_small")
    began = time.perf_counter()
    paths = generate(out, scale=SMALL)
    return out, paths, time.perf_counter() - began


def _sheet_rows(path: Path, title: str) -> list[list]:
    """Data rows of one sheet (below the header row), as calamine reads them."""
    workbook = CalamineWorkbook.from_path(str(path))
    if title not in workbook.sheet_names:
        return []
    return workbook.get_sheet_by_name(title).to_python()[layout.FIRST_DATA_ROW - 1 :]


# Independent implementations of the check characters (GB 11643, GB 32100, Luhn).
def valid_resident_id(text: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    if len(text) != 18 or not text[:17].isdigit():
        return False
    date.fromisoformat(f"{text[6:10]}-{text[10:12]}-{text[12:14]}")  # a real birth date
    return "10X98765432"[sum(int(d) * w for d, w in zip(text[:17], weights, strict=True)) % 11] == text[17]


def valid_credit_code(text: str) -> bool:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    if len(text) != 18 or any(ch not in alphabet for ch in text):
        return False
    total = sum(alphabet.index(ch) * pow(3, i, 31) for i, ch in enumerate(text[:17]))
    return alphabet[(31 - total % 31) % 31] == text[17]


def valid_card_number(text: str) -> bool:
    digits = [int(d) for d in reversed(text)]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return len(text) == 19 and text.isdigit() and total % 10 == 0


def age_at(id_number: str, day: date) -> int:
    born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def test_small_scale_writes_one_workbook_per_unit(demo_small):
    out, paths, _ = demo_small  # how long it takes is bench/'s to measure, not a test's
    assert sorted(p.name for p in paths) == sorted(layout.return_file_name(u.name, "2018年度") for u in schema.units())
    assert (out / TRUTH_FILE).is_file()


def test_same_arguments_give_byte_identical_files(demo_small, tmp_path):
    out, paths, _ = demo_small
    again = generate(tmp_path, scale=SMALL, workers=1)
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
    assert (out / TRUTH_FILE).read_bytes() == (tmp_path / TRUTH_FILE).read_bytes()


def test_every_sheet_a_unit_fills_has_rows(demo_small):
    _, paths, _ = demo_small
    by_name = {u.name: u for u in schema.units()}
    for path in paths:
        unit = by_name[path.name.split("_")[0]]
        for sheet in schema.sheets():
            # 上报说明 holds rows only where a unit has a warning to explain (demo/explained.py)
            if unit.kind in sheet.submitted_by and sheet.name != "explanations":
                assert _sheet_rows(path, sheet.title), f"{path.name} / {sheet.title} is empty"


def test_truth_covers_the_catalog_and_every_rate_is_defined(demo_small):
    out, _, _ = demo_small
    with open(ROOT / "seeds" / "indicator_catalog.csv", encoding="utf-8") as f:
        catalog = {row["indicator_id"]: row for row in csv.DictReader(f)}
    figures = json.loads((out / TRUTH_FILE).read_text(encoding="utf-8"))["figures"]
    assert set(figures) == set(catalog)
    for indicator_id, entry in figures.items():
        if catalog[indicator_id]["style"].startswith("pct"):
            assert int(entry["denominator"]) > 0 and entry["value"] is not None, indicator_id
        else:
            assert float(entry) > 0, indicator_id


def test_identifiers_are_valid_and_people_plausible(demo_small):
    _, paths, _ = demo_small
    checked = {"id": 0, "credit": 0, "card": 0}
    for path in paths:
        for sheet in schema.sheets():
            rows = _sheet_rows(path, sheet.title)
            for i, column in enumerate(sheet.columns):
                values = [r[i] for r in rows if r[i] != ""]
                if column.type == "resident_id":
                    assert all(isinstance(v, str) and valid_resident_id(v) for v in values), (path.name, sheet.title)
                    assert all(18 <= age_at(v, PERIOD_END) <= 65 for v in values), (path.name, sheet.title)
                    checked["id"] += len(values)
                elif column.type == "credit_code":
                    assert all(valid_credit_code(v) for v in values), (path.name, sheet.title)
                    assert all(v[:2] == ("81" if sheet.name == "members" else "91") for v in values)
                    checked["credit"] += len(values)
                elif column.type == "card_number":
                    assert all(valid_card_number(v) for v in values), (path.name, sheet.title)
                    checked["card"] += len(values)
        for row in _sheet_rows(path, "女职工关爱"):
            assert int(row[1][16]) % 2 == 0, f"{path.name}: 女职工关爱 recipient is not a woman"
        for row in _sheet_rows(path, "劳模服务"):
            assert age_at(row[1], PERIOD_END) >= 45
    assert all(n > 100 for n in checked.values()), checked


def test_card_numbers_and_member_ids_do_not_collide_across_units(demo_small):
    _, paths, _ = demo_small
    cards, members = [], set()
    for path in paths:
        cards += [r[2] for r in _sheet_rows(path, "京卡办理")]
        members |= {r[1] for r in _sheet_rows(path, "会员名册")}
    assert len(cards) == len(set(cards))
    assert len(members) > 1000


def test_rows_hold_noise_that_only_the_definitions_exclude(demo_small):
    """Naive counts over the rows (every row, every status, every date) differ from the truth:
    a query that ignored a definition would give a wrong figure."""
    out, paths, _ = demo_small
    truth = json.loads((out / TRUTH_FILE).read_text(encoding="utf-8"))["figures"]
    rows = {s.name: [r for p in paths for r in _sheet_rows(p, s.title)] for s in schema.sheets()}
    naive = {
        "members": len(rows["members"]),
        "cards_issued": sum(r[4] == "正常" for r in rows["cards"]),
        "real_name_service_times": len(rows["service_uses"]),
        "training_person_times": sum(r[4] for r in rows["trainings"]),
        "job_fairs": len(rows["job_events"]),
        "women_screening_cards": len(rows["women_care"]),
        "migrant_students_funded": len(rows["migrant_students"]),
        "card_services": len(rows["card_service_items"]),
        "disputes_mediated": sum(r[6] == "调解成功" for r in rows["mediation_cases"]),
        "enterprises_unionised": len(rows["enterprises"]),
        "contracts_signed": len(rows["contracts"]),
        "model_worker_recuperation": sum(r[2] == "疗休养" for r in rows["model_worker_services"]),
        "matchmaking_events": len(rows["matchmaking_events"]),
        "social_org_activities": len(rows["social_org_activities"]),
    }
    for indicator_id, count in naive.items():
        assert count != int(truth[indicator_id]), indicator_id
    naive_warmth = sum(r[5] + r[6] for r in rows["aid_payments"] if r[4] == "送温暖")
    assert round(naive_warmth, 2) != float(truth["warmth_aid_amount"])


def test_the_smallest_scale_makes_a_data_set_and_a_smaller_one_says_why_not(tmp_path):
    # ×0.003 has units with no woman screened: sampling the women's care rows failed on it
    files = generate(tmp_path / "tiny", scale=MIN_SCALE, workers=1)
    assert len(files) == len(schema.units())
    with pytest.raises(ValueError, match=r"规模倍数 0\.001 太小"):
        generate(tmp_path / "smaller", scale=0.001, workers=1)
