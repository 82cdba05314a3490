"""The ingest stage end to end on tiny workbooks: raw tables, lineage, row identity, problems,
and no ID number anywhere in the warehouse."""

import datetime as dt
import json
import multiprocessing

import duckdb
import pytest
from test_ingest_workbook_builder import UNIT, headers_of, luhn_card, person_id, write_return

from domain.schema import lineage_columns, sheets
from ingest.clean.validators import credit_check_char
from ingest.run import ingest

KEY = b"test-key-" * 4
CREDIT = "81110102MA0000000" + credit_check_char("81110102MA0000000")
EXCEL_ID = 110102198503120011  # an ID typed as a number (arrives as a float, digits lost)


def member(n: int, joined: object = dt.date(2018, 3, 5)) -> list:
    return [f"会员{n}", person_id(n), "甲单位工会", CREDIT, joined, "男", "是"]


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("ingest")
    folder = tmp_path / "in"
    write_return(
        folder / "月坛_2018年度.xlsx",
        {
            "会员名册": (
                headers_of("members"),
                [
                    member(1),
                    member(2, "2018年3月5日"),
                    [],
                    ["合计", "", "", "", "", "", ""],
                    ["会员3", EXCEL_ID, "甲单位工会", CREDIT, "2018-13-01", "男", "是"],
                ],
            ),
            "Sheet2": (headers_of("cards"), [["会员1", person_id(1), luhn_card(1), "2018/03/05", "正常", "", ""]]),
            "帮扶救助": (
                ["姓名", "身份证号码", "对象类别", "困难类别", "项目", "现金(万元)", "物资折款（元）", "发放日期"],
                [["会员2", person_id(2), "在档困难职工", "深度困难", "送温暖", 0.15, "1,200.50", 43164]],
            ),
        },
        hidden={"隐藏表": (headers_of("trainings"), [["班", "通用能力", "甲", dt.date(2018, 3, 5), 3]])},
    )
    write_return(
        folder / "sub" / "德胜_2018年度.xlsx",
        {
            "培训": (headers_of("trainings"), [["班", "通用能力", "甲", "2018.3.5", "1,200"]]),
        },
        unit="德胜街道总工会",
        rows_above_header=[["2018年度培训"], [], ["填报说明"], []],
    )
    (folder / "损坏的文件.xlsx").write_bytes(b"not a workbook")
    (folder / "~$月坛_2018年度.xlsx").write_bytes(b"lock")
    warehouse = tmp_path / "w.duckdb"
    report = ingest(folder, warehouse, key=KEY, workers=2)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield report, con


def test_every_raw_table_exists_with_the_schema_columns(returns):
    _, con = returns
    for sheet in sheets():
        found = con.execute(
            "select column_name from information_schema.columns where table_schema='raw' and table_name=? "
            "order by ordinal_position",
            [sheet.name],
        ).fetchall()
        assert [c for (c,) in found] == [n for n, _ in sheet.raw_columns]


def test_rows_loaded_with_lineage(returns):
    _, con = returns
    rows = con.execute(
        "select unit_code, period_start, period_end, source_file, sheet, source_row, joined_on, file_sha256, loaded_at "
        "from raw.members order by source_row"
    ).fetchall()
    assert [r[5] for r in rows] == [4, 5]  # Excel rows of the template's first data rows
    assert rows[0][:5] == ("S03", dt.date(2018, 1, 1), dt.date(2018, 12, 31), "月坛_2018年度.xlsx", "会员名册")
    assert rows[1][6] == dt.date(2018, 3, 5) and len(rows[0][7]) == 64 and rows[0][8] is not None
    lineage = [n for n, _ in lineage_columns()]
    for sheet in sheets():
        nulls = con.execute(
            f"select count(*) from raw.{sheet.name} where " + " or ".join(f"{c} is null" for c in lineage)
        ).fetchone()[0]
        assert nulls == 0


def test_header_below_title_rows_alias_unit_and_subfolder(returns):
    _, con = returns
    row = con.execute(
        "select unit_code, source_file, source_row, person_times, started_on from raw.trainings"
    ).fetchall()
    assert row == [("S05", "sub/德胜_2018年度.xlsx", 6, 1200, dt.date(2018, 3, 5))]


def test_renamed_sheet_recognised_and_personal_columns_pseudonymised(returns):
    _, con = returns
    ((holder, birth, sex, card, sheet),) = con.execute(
        "select holder_key, holder_birth_year, holder_sex, card_key, sheet from raw.cards"
    ).fetchall()
    member_key = con.execute("select person_key from raw.members where source_row = 4").fetchone()[0]
    assert sheet == "Sheet2" and holder == member_key and len(card) == 32 and card != holder
    assert (birth, sex) == (1985, "男")


def test_wan_yuan_scaled_and_amounts_exact(returns):
    _, con = returns
    assert con.execute("select cash, goods_value from raw.aid_payments").fetchone() == (
        __import__("decimal").Decimal("1500.00"),
        __import__("decimal").Decimal("1200.50"),
    )


def test_row_identity_and_skipped_total_rows(returns):
    report, con = returns
    members = con.execute(
        "select rows_read, rows_loaded, rows_rejected, rows_skipped, rows_blank, rows_title, "
        "rows_total, rows_note from raw.ingest_sheets where sheet_name = 'members'"
    ).fetchone()
    # title, hint and header rows are read too (skipped as title rows), then 5 rows under the header
    assert members == (8, 2, 1, 5, 1, 3, 1, 0)
    for f in report.files:
        for s in f.sheets:
            assert s.rows_read == s.rows_loaded + s.rows_rejected + s.rows_skipped


def test_rejected_row_reports_every_problem_with_place(returns):
    _, con = returns
    problems = con.execute(
        "select source_file, sheet, source_row, column_header, value_shown, reason "
        "from raw.ingest_problems where severity = 'rejected' and sheet = '会员名册' "
        "order by column_header"
    ).fetchall()
    assert {p[3] for p in problems} == {"身份证号", "入会日期"}
    assert all(p[:3] == ("月坛_2018年度.xlsx", "会员名册", 8) for p in problems)
    id_problem = next(p for p in problems if p[3] == "身份证号")
    assert "文本" in id_problem[5] and "*" in id_problem[4]


def test_unreadable_file_and_hidden_sheet_reported_run_goes_on(returns):
    report, con = returns
    statuses = {f.source_file: f.status for f in report.files}
    assert statuses["损坏的文件.xlsx"] == "unreadable" and "~$月坛_2018年度.xlsx" not in statuses
    reasons = [p.reason for p in report.problems]
    assert any("隐藏" in r for r in reasons) and any("无法打开" in r for r in reasons)
    assert con.execute("select count(*) from raw.submissions").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.trainings where sheet = '隐藏表'").fetchone()[0] == 0
    assert json.loads(report.to_json())["totals"]["files"] == 3


def test_no_id_number_anywhere_in_the_warehouse(returns):
    _, con = returns
    secrets = [person_id(n) for n in (1, 2)] + [person_id(n)[:17] for n in (1, 2)] + [luhn_card(1), str(EXCEL_ID)[:15]]
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns where data_type = 'VARCHAR'"
    ).fetchall()
    assert columns
    for schema, table, column in columns:
        for secret in secrets:
            hits = con.execute(
                f'select count(*) from {schema}."{table}" where "{column}" like ?', [f"%{secret}%"]
            ).fetchone()[0]
            assert hits == 0, (table, column)
        names = con.execute(f'select count(*) from {schema}."{table}" where "{column}" like ?', ["会员_"]).fetchone()[0]
        assert names == 0, (table, column)


def test_unknown_unit_rejects_the_workbook_but_counts_its_rows(tmp_path):
    folder = tmp_path / "in"
    write_return(
        folder / "x.xlsx",
        {"培训": (headers_of("trainings"), [["班", "通用能力", "甲", "2018.3.5", 3]])},
        unit="不存在的单位",
    )
    report = ingest(folder, tmp_path / "w.duckdb", key=KEY, workers=1)
    (file,) = report.files
    assert file.status == "cover_invalid" and file.sheets[0].rows_rejected == 1
    assert any("不在单位名单" in p.reason for p in report.problems)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.trainings").fetchone()[0] == 0


def test_bulk_load_of_many_rows_and_rerun_replaces(tmp_path):
    folder = tmp_path / "in"
    rows = [member(n % 900 + 1) for n in range(3000)]
    write_return(folder / UNIT / "big.xlsx", {"会员名册": (headers_of("members"), rows)})
    for _ in range(2):
        report = ingest(folder, tmp_path / "w.duckdb", key=KEY)
    assert report.totals()["rows_loaded"] == 3000
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), count(distinct person_key) from raw.members").fetchone() == (3000, 900)


def test_clerk_variations_in_one_sheet(tmp_path):
    """序号 column (no warning), a header broken over two lines, a 15-digit ID typed as text,
    a row of spaces and a spaced-out 合 计 row."""
    folder = tmp_path / "in"
    headers = ["序号", "姓名", "身份证\n号码", "项目", "日期"]
    rows = [[1, "甲", "110105491231002", "体检", "2018/3/5"], [2, "", " ", "", ""], ["合 计", "", "", "", ""]]
    write_return(folder / "x.xlsx", {"劳模服务": (headers, rows)}, unit="月坛")
    report = ingest(folder, tmp_path / "w.duckdb", key=KEY, workers=1)
    (sheet_report,) = report.files[0].sheets
    assert (sheet_report.rows_read, sheet_report.rows_loaded, sheet_report.rows_skipped) == (6, 1, 5)
    assert report.problems == []
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute(
            "select worker_birth_year, worker_sex, served_on from raw.model_worker_services"
        ).fetchall() == [(1949, "女", dt.date(2018, 3, 5))]


def test_empty_folder_still_creates_every_table_and_missing_folder_is_an_error(tmp_path):
    (tmp_path / "in").mkdir()
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY)
    assert report.totals()["files"] == 0
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        tables = {
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema='raw'"
            ).fetchall()
        }
    assert {s.name for s in sheets()} | {"submissions", "ingest_sheets", "ingest_problems"} <= tables
    with pytest.raises(FileNotFoundError):
        ingest(tmp_path / "missing", tmp_path / "w2.duckdb", key=KEY)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_run_is_told_once_when_it_may_start_threads(small_demo, tmp_path, workers):
    """while_reading: called once, after the worker processes are forked (the run imports its
    later stages in a thread there); also when every workbook comes from the cache."""
    from ingest.clean.pseudonymise import DEMO_KEY
    from ingest.load.cache import IngestCache

    calls = []
    cache = IngestCache(tmp_path / "cache", DEMO_KEY)
    for name in ("cold", "cached"):
        ingest(
            small_demo,
            tmp_path / f"{name}.duckdb",
            key=DEMO_KEY,
            workers=workers,
            cache=cache,
            while_reading=lambda name=name: calls.append((name, len(multiprocessing.active_children()))),
        )
    forked = workers if workers > 1 else 0
    assert calls == [("cold", forked), ("cached", 0)] and cache.read == []
