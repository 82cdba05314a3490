"""The definitions (口径) of the catalog, asserted on a hand-made warehouse whose every row is an
edge case (tests/fixtures_returns.py). One dbt build (and one docs generate) serves every test:
each dbt invocation costs seconds."""

from __future__ import annotations

import csv
import json
from decimal import Decimal as D

import duckdb
import fixtures_returns
import pytest
from fixtures_warehouse import new_warehouse

from shushuo import dbt_runner
from shushuo.paths import REPO_ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dbt-models")
    warehouse = folder / "warehouse.duckdb"
    con = new_warehouse(warehouse)
    fixtures_returns.fill(con)
    con.close()
    result = dbt_runner.build(warehouse, *fixtures_returns.PERIOD, target_dir=folder / "target")
    # Before any test opens the file: DuckDB allows one configuration per file in a process.
    docs_dir = dbt_runner.docs(warehouse, *fixtures_returns.PERIOD, target_dir=folder / "target")
    return warehouse, result, docs_dir


@pytest.fixture(scope="module")
def con(built):
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def figures(con) -> dict:
    rows = con.execute(
        "select indicator_id, breakdown_dim, breakdown_key, value, numerator, denominator from marts.indicators"
    ).fetchall()
    return {(i, dim, key): (value, num, den) for i, dim, key, value, num, den in rows}


def headline(figures, indicator_id):
    return figures[(indicator_id, None, None)][0]


def by(figures, indicator_id, dim, key):
    return figures[(indicator_id, dim, key)][0]


def test_every_catalog_id_has_exactly_one_headline(con):
    with (REPO_ROOT / "seeds" / "indicator_catalog.csv").open(encoding="utf-8") as f:
        catalog = [row["indicator_id"] for row in csv.DictReader(f)]
    headlines = [
        i for (i,) in con.execute("select indicator_id from marts.indicators where breakdown_dim is null").fetchall()
    ]
    assert sorted(headlines) == sorted(catalog)


def test_indicators_carry_the_catalog_and_the_period(con):
    label, style, start, end = con.execute(
        "select label, style, period_start, period_end from marts.indicators "
        "where indicator_id = 'card_uptake_rate' and breakdown_dim is null"
    ).fetchone()
    assert (label, style) == ("办卡率", "pct:2")
    assert (start, end) == fixtures_returns.PERIOD
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'indicators'"
        ).fetchall()
    )
    assert types["value"] == "DECIMAL(38,6)" and types["numerator"] == "DECIMAL(38,2)"


def test_members_are_distinct_people_at_the_period_end(figures):
    # A (listed by two units), B (joined on the last day), C, E, F; not D (joined later),
    # G (superseded return), H (older of two same-day files), I (last year's return).
    assert headline(figures, "members") == 5
    assert by(figures, "members", "unit", "西长安街") == 3
    assert by(figures, "members", "unit", "新街口") == 3


def test_cards_count_members_holding_a_card_in_force(figures):
    # A (two cards, from two units) once; C (cancelled after the end). Not B (cancelled in the
    # period), E (issued after the end), F (注销 without a date), N (not a member).
    assert headline(figures, "cards_issued") == 2
    assert figures[("card_uptake_rate", None, None)] == (D("0.400000"), D("2.00"), D("5.00"))
    assert by(figures, "cards_issued", "unit", "西长安街") == 2
    assert figures[("card_uptake_rate", "unit", "新街口")] == (D("0.333333"), D("1.00"), D("3.00"))


def test_cards_mart_reports_the_non_member_card_apart(con):
    rows = con.execute(
        "select is_in_force, holder_is_member, is_counted from marts.cards where unit_code = 'S01' order by source_row"
    ).fetchall()
    assert rows == [(True, True, True), (False, True, False), (True, True, True), (True, False, False)]


def test_is_counted_marks_cards_not_the_members_counted(con, built, figures):
    """A's two cards are both marked: the column's description must not promise one row per member."""
    (marked,) = con.execute("select count(*) from marts.cards where is_counted").fetchone()
    assert marked == 3 and headline(figures, "cards_issued") == 2
    manifest = json.loads((built[2] / "manifest.json").read_text(encoding="utf-8"))
    words = manifest["nodes"]["model.shushuo.cards"]["columns"]["is_counted"]["description"]
    assert "行数可大于办卡数" in words


def test_participation_counts_activated_holders_who_used_a_service(figures):
    # Activated holders: A and C; only A used a service inside the period.
    assert figures[("participation_rate", None, None)] == (D("0.500000"), D("1.00"), D("2.00"))
    assert headline(figures, "real_name_service_times") == 3  # A twice, N once: 人次


def definition(con, indicator_id) -> str:
    """The 口径 a reader is shown beside the figure (the catalog's, as marts.indicators carries it)."""
    return con.execute(
        "select definition from marts.indicators where indicator_id = ? and breakdown_dim is null", [indicator_id]
    ).fetchone()[0]


def test_service_items_are_counted_by_name(figures, con):
    # 公园年票 is on line on two rows, 法律援助 until after the end: two items, as the 口径 says.
    assert headline(figures, "card_services") == 2
    assert "按项目名称去重" in definition(con, "card_services")


def test_contracts_in_force_exclude_expired_and_women_only(figures):
    # HT-1, HT-2, and the regional HT-R filed by two units once; not HT-3 (expired), HT-4 (女职工专项),
    # HT-5 (signed after the end, though its term began inside the period).
    assert headline(figures, "contracts_signed") == 3


def test_a_contract_signed_after_the_end_is_in_force_neither_in_the_sql_nor_in_the_words(figures, con):
    # C2 cites HT-5, a 综合集体合同 signed after the end: C2 is not covered, so the rates stay as they were.
    assert headline(figures, "enterprises_covered") == 4
    assert figures[("collective_contract_rate", None, None)][1:] == (D("3.00"), D("7.00"))
    assert "签订日期不晚于期末" in definition(con, "contracts_signed")
    for indicator_id in (
        "enterprises_covered",
        "collective_contract_rate",
        "wage_agreement_rate",
        "worker_coverage_rate",
    ):
        assert "期末前已签订且期末在期限内" in definition(con, indicator_id), indicator_id


BREAKDOWN_WORDS = {"unit": "分单位", "programme": "按项目分列", "category": "按类别分列"}


def test_every_breakdown_a_figure_has_is_described_in_its_definition(con):
    """A breakdown row is shown with the figure's 口径: the 口径 must say how that breakdown counts."""
    rows = con.execute(
        "select distinct indicator_id, breakdown_dim from marts.indicators "
        "where breakdown_dim is not null order by 1, 2"
    ).fetchall()
    assert {dim for _, dim in rows} == set(BREAKDOWN_WORDS)
    for indicator_id, dim in rows:
        assert BREAKDOWN_WORDS[dim] in definition(con, indicator_id), (indicator_id, dim)


def test_by_unit_counts_say_whether_their_sum_is_the_total(con):
    """Where a person or an enterprise belongs to every unit listing it, the units' numbers add up to
    more than the district's, and the 口径 must say so; where they add up exactly, it says that."""
    rows = con.execute("""
        select parts.indicator_id, parts.total_of_units, headline.value
        from (select indicator_id, sum(value) as total_of_units from marts.indicators
              where breakdown_dim = 'unit' and denominator is null group by indicator_id) as parts
        join marts.indicators as headline
            on headline.indicator_id = parts.indicator_id and headline.breakdown_dim is null
        order by 1
    """).fetchall()
    assert {"members", "cards_issued", "enterprises_covered", "warmth_aid_amount", "disputes_mediated"} <= {
        indicator_id for indicator_id, _, _ in rows
    }
    for indicator_id, total_of_units, value in rows:
        words = definition(con, indicator_id)
        if total_of_units > value:
            assert "各单位之和可大于全区合计" in words, indicator_id
        else:
            assert total_of_units == value, indicator_id
            assert "各单位之和等于全区合计" in words or "各单位之和可大于全区合计" in words, indicator_id


def test_enterprise_coverage_and_rates(figures, con):
    # C1..C7 (C4 listed twice); covered: C1, C4 and C6 (regional HT-R), C7 (wage agreement).
    assert headline(figures, "enterprises_unionised") == 7
    assert headline(figures, "enterprises_covered") == 4
    assert figures[("collective_contract_rate", None, None)][1:] == (D("3.00"), D("7.00"))
    assert figures[("wage_agreement_rate", None, None)][1:] == (D("2.00"), D("7.00"))
    assert figures[("contract_signing_rate", None, None)] == (D("0.285714"), D("2.00"), D("7.00"))
    assert figures[("contract_signing_rate", "category", "综合集体合同")][1:] == (D("3.00"), D("7.00"))
    # Workers: C1 100 + C4 25 (the larger of 20 and 25) + C6 40 over 315.
    assert figures[("worker_coverage_rate", None, None)][1:] == (D("165.00"), D("315.00"))
    assert "职工人数不一时取所填最大者" in definition(con, "worker_coverage_rate")
    assert by(figures, "enterprises_covered", "unit", "新街口") == 3
    assert figures[("collective_contract_rate", "unit", "西长安街")][1:] == (D("2.00"), D("5.00"))


def test_a_cited_contract_that_nobody_filed_is_a_warning(built):
    warnings = built[1].warnings
    assert len(warnings) == 1 and "合同编号" in warnings[0] and "1 行" in warnings[0]


def test_aid_amounts_in_yuan_with_cents(figures, con):
    # 送温暖 to registered hardship workers and model workers inside the period, newest returns only.
    assert headline(figures, "warmth_aid_amount") == D("1801.75")
    assert by(figures, "warmth_aid_amount", "unit", "西长安街") == D("1700.75")
    assert headline(figures, "aid_amount") == D("4101.85")
    assert by(figures, "aid_amount", "programme", "金秋助学") == D("2000.10")
    # The 300.00 paid under 送温暖 to 其他职工 is aid, but not 送温暖 as the bulletin prints it.
    assert by(figures, "aid_amount", "programme", "送温暖（其他职工）") == D("300.00")
    assert con.execute("select typeof(amount) from marts.aid_payments limit 1").fetchone() == ("DECIMAL(18,2)",)


def test_the_breakdown_row_named_songwennuan_is_the_headline_songwennuan(figures):
    """A reader sees “送温暖” in the by-programme breakdown and in the bulletin's text: one amount."""
    assert by(figures, "aid_amount", "programme", "送温暖") == headline(figures, "warmth_aid_amount")
    parts = [v[0] for (i, dim, _), v in figures.items() if i == "aid_amount" and dim == "programme"]
    assert sum(parts) == headline(figures, "aid_amount")


def test_disputes_count_cases_closed_inside_the_period(figures):
    assert headline(figures, "disputes_closed") == 4
    assert headline(figures, "disputes_mediated") == 2  # 调解成功 only
    assert headline(figures, "disputes_amount") == D("12500.50")
    assert figures[("mediation_success_rate", None, None)] == (D("0.500000"), D("2.00"), D("4.00"))
    assert by(figures, "disputes_mediated", "unit", "新街口") == 1


@pytest.mark.parametrize(
    "indicator_id, expected",
    [
        ("training_person_times", 160),  # 通用能力 classes started in 2018: 人次
        ("training_units", 2),  # 甲公司 twice counts once
        ("migrant_students_funded", 2),  # S1 funded twice is one person
        ("mutual_insurance_enrolled", 300),  # the federation's return only
        ("mutual_insurance_benefited", 12),
        ("medical_mutual_benefited", 40),
        ("medical_mutual_claims", D("88888.88")),
        ("job_fairs", 2),  # 招聘会 and 专项招聘会, not 职业指导
        ("jobs_placed", 18),
        ("model_worker_recuperation", 2),  # one worker twice: 2 人次
        ("model_worker_checkups", 1),
        ("summer_relief_amount", D("1335.00")),
        ("summer_relief_packs", 120),
        ("women_screening_cards", 2),  # R1 twice counts once; 母婴关爱 and a man's ID not counted
        ("matchmaking_events", 2),
        ("matchmaking_participants", 50),
        ("stations_qualified", 2),
        ("stations_star_applied", 1),
        ("retired_assistants", 3),
        ("social_workers", 8),
        ("social_org_activities", 2),
        ("social_org_served", 150),
    ],
)
def test_flows_and_stocks(figures, indicator_id, expected):
    assert headline(figures, indicator_id) == expected


def test_rates_are_their_numerator_over_denominator(con):
    rows = con.execute(
        "select indicator_id, value, numerator, denominator from marts.indicators where denominator is not null"
    ).fetchall()
    assert rows
    for indicator_id, value, numerator, denominator in rows:
        exact = numerator / denominator if denominator else None
        assert value == (exact.quantize(D("0.000001")) if exact is not None else None), indicator_id


def test_models_land_in_the_contract_schemas(con):
    schemas = {s for (s,) in con.execute("select distinct table_schema from information_schema.tables").fetchall()}
    # dbt_test__audit: the rows each gate rule (tests/dbt/rules, store_failures) found, read by the gate
    assert {"staging", "intermediate", "marts", "reference", "raw", "dbt_test__audit"} == schemas


def test_build_reports_its_nodes_and_time(built):
    result = built[1]
    assert result.counts["model"] >= 30 and result.counts["test"] >= 40 and result.seconds > 0


def test_docs_describe_the_models_in_chinese(built):
    docs_dir = built[2]
    assert (docs_dir / "index.html").is_file()
    manifest = json.loads((docs_dir / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((docs_dir / "catalog.json").read_text(encoding="utf-8"))
    assert "model.shushuo.indicators" in catalog["nodes"]
    assert "精确值" in manifest["nodes"]["model.shushuo.indicators"]["columns"]["value"]["description"]
    assert "会员名册" in manifest["sources"]["source.shushuo.raw.members"]["description"]
    # 人 is not always 按身份证去重: the federation's 受益人数 and the stations' staff are added up as reported.
    unit_words = manifest["nodes"]["seed.shushuo.indicator_catalog"]["columns"]["unit"]["description"]
    assert "按所报数字相加" in unit_words
