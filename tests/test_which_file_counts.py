"""Which file counts for a unit (ingest/load/current.py), decided once and recorded in raw.submissions:
a file whose name names one unit and whose cover names another is held, never counted and never
replacing that unit's return; a 填报日期 that cannot be right ranks as none; a tie on 填报日期 is
told; a file whose name names no unit is its cover's. Staging, provenance, the ingest report and
提交情况 all show the decision raw.submissions records.

The returns are a few small workbooks made here (tests/test_ingest_workbook_builder.py)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import duckdb
import openpyxl
import pytest
from messy_cases import trainings
from test_ingest_workbook_builder import headers_of, write_return

from domain.schema import units
from ingest.find.origin import FOLDER, UPLOADER, origin_of
from ingest.load.current import choose_current, decide
from ingest.run import ingest
from ingest.workbooks.feedback import write_feedback, write_submission_summary
from reports.provenance import adopted_submissions, load_sources
from shushuo import dbt_runner
from tests.gate_rules import rule_outcomes

KEY = b"which-file-counts-key" * 2
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
UNIT = {u.short: u for u in units()}
OWN, HELD = "月坛街道工会服务站_2018年度.xlsx", "德胜_2018年度_更正.xlsx"
DRAFT, FINAL = "天桥_初稿.xlsx", "天桥_正式.xlsx"
TIED_OLDER, TIED_NEWER = "新街口_a.xlsx", "新街口_b.xlsx"
NAMELESS = "导出数据.xlsx"


def _return(
    folder, name: str, cover_unit: str, filled_on, rows: int, category: str = "通用能力", mtime: int | None = None
):
    path = write_return(
        folder / name,
        {"培训": (headers_of("trainings"), [list(r) for r in trainings(rows, category)])},
        unit=UNIT[cover_unit].name,
        filled_on=filled_on,
    )
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def _returns(folder, *, with_held: bool) -> None:
    _return(folder, OWN, "月坛", dt.date(2019, 1, 5), 2)
    if with_held:  # sent by 德胜 (its name), the cover says 月坛, and it is newer
        _return(folder, HELD, "月坛", dt.date(2019, 1, 20), 5, "安全生产")
    _return(folder, DRAFT, "天桥", dt.date(9999, 12, 31), 4)
    _return(folder, FINAL, "天桥", dt.date(2019, 1, 10), 1)
    _return(folder, TIED_OLDER, "新街口", dt.date(2019, 1, 8), 3, mtime=1_546_930_800)  # 2019-01-08 09:00
    _return(folder, TIED_NEWER, "新街口", dt.date(2019, 1, 8), 2, mtime=1_546_959_600)  # 2019-01-08 17:00
    _return(folder, NAMELESS, "什刹海", dt.date(2019, 1, 6), 3)


def _ingest_and_build(root, *, with_held: bool):
    _returns(root / "in", with_held=with_held)
    warehouse = root / "warehouse.duckdb"
    report = ingest(root / "in", warehouse, key=KEY, workers=1)
    write_feedback(report, root / "in", root / "run")
    write_submission_summary(report, root / "run", PERIOD)
    dbt_runner.build(warehouse, *PERIOD, target_dir=root / "target")
    return report, warehouse


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _ingest_and_build(tmp_path_factory.mktemp("which-file-counts"), with_held=True)


@pytest.fixture(scope="module")
def without_held(tmp_path_factory):
    return _ingest_and_build(tmp_path_factory.mktemp("without-held"), with_held=False)


def _query(warehouse, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _decisions(warehouse) -> dict[str, tuple]:
    rows = _query(
        warehouse, "select source_file, unit_code, claimed_unit_code, is_current, status from raw.submissions"
    )
    return {r[0]: r[1:] for r in rows}


def test_a_return_whose_cover_names_another_unit_than_its_name_is_held(built):
    report, warehouse = built
    decisions = _decisions(warehouse)
    yuetan, desheng = UNIT["月坛"], UNIT["德胜"]
    assert decisions[HELD] == (yuetan.code, desheng.code, False, "held")
    assert decisions[OWN] == (yuetan.code, yuetan.code, True, "current")  # not replaced by the newer held file
    (problem,) = [p for p in report.problems if p.source_file == HELD and p.severity == "rejected"]
    assert desheng.name in problem.reason and yuetan.name in problem.reason and "暂扣" in problem.reason
    assert (problem.sheet, problem.column_header, problem.source_row, problem.source_column) == (
        "填报说明",
        "填报单位",
        3,
        2,
    )
    assert next(f for f in report.files if f.source_file == HELD).used is False


def test_the_held_return_changes_no_row_and_no_figure(built, without_held):
    (_, warehouse), (_, baseline) = built, without_held
    rows = "select * from staging.stg_trainings order by all"
    assert _query(warehouse, rows) == _query(baseline, rows)
    figures = "select * from marts.indicators order by all"
    assert _query(warehouse, figures) == _query(baseline, figures)
    assert _query(warehouse, "select count(*) from raw.trainings where source_file = ?", HELD) == [(5,)]  # kept in raw


def test_the_held_return_is_told_in_the_status_workbook_and_the_senders_feedback(built):
    report, _ = built
    desheng = UNIT["德胜"]
    rows = {u["unit_code"]: u for u in report.submission_status["units"]}
    assert rows[desheng.code]["status"] == "held" and rows[desheng.code]["files_held"] == [HELD]
    (held,) = report.submission_status["held_files"]
    assert held["claimed_unit"] == desheng.name and held["feedback"] == f"{desheng.name}_整改清单.xlsx"
    run = report.submission_status  # the same section is in ingest_report.json
    assert run["held"] == [desheng.code] and desheng.code not in run["missing"]
    book = openpyxl.load_workbook(_run_dir(built) / "提交情况.xlsx")["提交情况"]
    texts = [r for r in book.iter_rows(values_only=True)]
    assert next(r for r in texts if r[0] == desheng.code)[2] == "报表暂扣（未计入）（有 1 个文件暂扣，见下方）"
    assert any(r[1] == HELD and r[2] == desheng.name and UNIT["月坛"].name in r[3] for r in texts)
    feedback = openpyxl.load_workbook(_run_dir(built) / "feedback" / held["feedback"])["整改清单"]
    cells = [c for r in feedback.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any(c.startswith("否（暂扣：") for c in cells) and any("本文件暂扣" in c for c in cells)


def _run_dir(built):
    _report, warehouse = built
    return warehouse.parent / "run"


def test_the_gate_says_a_held_return_is_held_not_to_chase_the_unit(built):
    _, warehouse = built
    outcomes = rule_outcomes(warehouse, PERIOD, ["expected_units_present", "returns_held"])
    missing = [e["unit_code"] for e in outcomes["rule.expected_units_present"].examples]
    held = outcomes["rule.returns_held"]
    assert UNIT["德胜"].code not in missing and UNIT["西长安街"].code in missing  # 西长安街 sent nothing: 请催报
    assert held.is_blocking_failure and [(e["unit_code"], e["source_file"]) for e in held.examples] == [
        (UNIT["德胜"].code, HELD)
    ]
    assert UNIT["月坛"].name in held.examples[0]["problem"]
    assert "请催报" not in held.detail


def test_a_draft_dated_9999_is_not_current_and_is_a_problem(built):
    report, warehouse = built
    decisions = _decisions(warehouse)
    assert decisions[DRAFT][2:] == (False, "replaced") and decisions[FINAL][2:] == (True, "current")
    (problem,) = [p for p in report.problems if p.source_file == DRAFT and p.column_header == "填报日期"]
    assert "9999-12-31" in problem.reason and "晚于" in problem.reason and problem.severity == "warning"
    assert report.choice_changes_on is None or report.choice_changes_on > dt.date.today().isoformat()


def test_a_tie_on_the_date_is_a_warning_naming_both_files_and_the_one_used(built):
    report, warehouse = built
    assert _decisions(warehouse)[TIED_NEWER][2:] == (True, "current")
    (warning,) = [p for p in report.problems if p.source_file == TIED_NEWER and TIED_OLDER in p.reason]
    assert warning.severity == "warning" and "2019-01-08" in warning.reason
    assert f"采用了文件修改时间最晚的“{TIED_NEWER}”" in warning.reason


def test_a_file_whose_name_names_no_unit_is_its_covers(built):
    _, warehouse = built
    assert _decisions(warehouse)[NAMELESS] == (UNIT["什刹海"].code, None, True, "current")


def test_staging_provenance_and_the_ingest_report_show_raw_submissions_decision(built):
    report, warehouse = built
    recorded = {f: d[2] for f, d in _decisions(warehouse).items()}
    assert sorted(f for f, current in recorded.items() if current) == sorted([OWN, FINAL, TIED_NEWER, NAMELESS])
    staged = dict(_query(warehouse, "select source_file, is_current from staging.stg_submissions"))
    sources, _, _ = load_sources(warehouse, PERIOD)
    adopted = adopted_submissions(sources)
    proven = dict(zip(adopted["source_file"], adopted["adopted"], strict=True))
    used_by_report = {f.source_file: f.used for f in report.files}
    status = {u["source_file"] for u in report.submission_status["units"] if "source_file" in u}
    assert staged == recorded and proven == recorded and used_by_report == recorded
    assert status == {f for f, current in recorded.items() if current}


def test_a_run_with_a_future_date_is_redone_the_day_it_is_reached(tmp_path):
    soon = dt.date.today() + dt.timedelta(days=30)
    _return(tmp_path / "in", "天桥_2018年度.xlsx", "天桥", soon, 1)
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    assert report.changes_on() == soon.isoformat()
    shutil.rmtree(tmp_path / "in")


def _submission(name: str, unit: str, filled_on=None, modified=None) -> dict:
    return {
        "unit_code": UNIT[unit].code,
        "unit_name": UNIT[unit].name,
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "source_file": name,
        "file_sha256": "0" * 64,
        "filled_on": filled_on,
        "file_modified_at": modified,
    }


def test_a_date_before_the_period_began_ranks_as_none():
    early = _submission(
        "天桥_a.xlsx", "天桥", dt.date(2017, 6, 1)
    )  # before 2018-01-01: cannot be when it was filled in
    dated = _submission("天桥_b.xlsx", "天桥", dt.date(2019, 1, 2), dt.datetime(2019, 1, 2))
    undated_newer_file = _submission("天桥_c.xlsx", "天桥", None, dt.datetime(2019, 3, 1))
    rows = [early, dated, undated_newer_file]
    decide(rows, dt.date(2019, 2, 1))
    assert [r["submission_rank"] for r in rows] == [3, 1, 2]
    assert dated["is_current"] and early["status_reason"] == "已被本单位较新的报表“天桥_b.xlsx”取代"


def test_a_tie_on_date_and_file_time_is_decided_by_name_and_says_so():
    from ingest.report import FileReport, IngestReport

    same = dict(filled_on=dt.date(2019, 1, 8), modified=dt.datetime(2019, 1, 8, 9))
    report = IngestReport("in", "w", "2019-02-01 09:00:00")
    for name in ("新街口_v1.xlsx", "新街口_v2.xlsx"):
        report.submissions.append(_submission(name, "新街口", same["filled_on"], same["modified"]))
        report.files.append(FileReport(name, "0" * 64, "loaded", UNIT["新街口"].code))
    (chosen,) = choose_current(report)
    assert chosen["source_file"] == "新街口_v2.xlsx"
    (warning,) = report.problems
    assert (
        "“新街口_v2.xlsx”、“新街口_v1.xlsx”" in warning.reason
        and "文件名排在最后（文件修改时间也相同）" in warning.reason
    )


def test_where_a_file_came_from_uploader_then_file_name_then_folder():
    yuetan, desheng = UNIT["月坛"], UNIT["德胜"]
    assert origin_of("德胜/月坛_2018年度.xlsx").unit_code == yuetan.code  # the file name is nearer than the folder
    assert (origin_of("德胜/2018/报表.xlsx").unit_code, origin_of("德胜/2018/报表.xlsx").by) == (desheng.code, FOLDER)
    assert origin_of("月坛_2018年度.xlsx", uploader=desheng.code).by == UPLOADER
    assert origin_of("导出数据.xlsx") is None and origin_of("月坛和德胜.xlsx") is None
    rows = [_submission("报表.xlsx", "月坛", dt.date(2019, 1, 5))]
    decide(rows, dt.date(2019, 2, 1), uploaders={"报表.xlsx": desheng.code})  # a submission desk's account
    assert rows[0]["status"] == "held" and "德胜街道工会服务站的账号" in rows[0]["status_reason"]


def test_the_console_says_a_held_return_is_held_and_why(tmp_path, monkeypatch):
    from shushuo.run import RunOptions, run

    def bulletin(ctx):  # in place of dbt, the gate and the reports: what is said while reading matters here
        (ctx.work / "bulletin.html").write_text("公报", encoding="utf-8")
        ctx.outputs["html"] = ctx.work / "bulletin.html"

    monkeypatch.setattr("shushuo.run.STAGES_AFTER_READING", (bulletin,))
    _return(tmp_path / "in", OWN, "月坛", dt.date(2019, 1, 5), 2)
    _return(tmp_path / "in", HELD, "月坛", dt.date(2019, 1, 20), 3)
    said: list[str] = []
    run(RunOptions(tmp_path / "in", tmp_path / "build", demo_key=True), say=said.append)
    (line,) = [m for m in said if m.startswith(f"暂扣 {HELD}：")]
    assert UNIT["德胜"].name in line and UNIT["月坛"].name in line and "不计入统计" in line


def test_a_figure_rests_on_the_current_returns_that_loaded_its_sheets(built):
    """marts.figure_sources, the one definition of a figure's 数据来源: the current return of each unit
    that loaded rows into a sheet the figure is counted from (seeds/figure_sheets.csv); a replaced or
    held return never, a sheet no one filled gives no source. Provenance reads it as it is."""
    from domain.catalogue import sheets_of
    from reports.bulletin import load_indicators
    from reports.provenance import figure_catalogue

    _, warehouse = built
    rows = _query(warehouse, "select indicator_id, source_file, sheet_name from marts.figure_sources")
    by_figure: dict[str, set[str]] = {}
    for indicator_id, source_file, sheet_name in rows:
        assert sheet_name in sheets_of()[indicator_id]
        by_figure.setdefault(indicator_id, set()).add(source_file)
    trained = {i for i, sheets in sheets_of().items() if sheets == ("trainings",)}
    assert trained and set(by_figure) == trained  # only trainings were filled
    for indicator_id in trained:
        assert by_figure[indicator_id] == {OWN, FINAL, TIED_NEWER, NAMELESS}
    sources, _, figure_sources = load_sources(warehouse, PERIOD)
    entries = figure_catalogue(load_indicators(warehouse), sources, figure_sources)
    headline = {e.indicator_id: set(e.files) for e in entries if e.dim is None}
    assert all(headline[i] == by_figure[i] for i in trained)
    assert not headline["members"]
