"""提交情况: a unit whose only file was refused (its cover, or the file itself) did send something;
its row says so (已报送，文件未能入库／文件无法读取) when the file can be tied to it: by the
unit its cover names, else by the one unit whose name, short name or alias the file name holds.
A name inside a longer matched name of another unit, or two units named, tie nothing."""

from __future__ import annotations

import datetime as dt

import openpyxl
from test_ingest_workbook_builder import headers_of, write_return

from domain.schema import units
from ingest.report import FileReport, IngestReport
from ingest.run import ingest
from ingest.workbooks.feedback import write_submission_summary
from ingest.workbooks.submission_status import submission_status

KEY = b"submission-refused-key" * 2
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
BY_CODE = {u.code: u for u in units()}


def _status(*files: FileReport) -> tuple[dict, dict]:
    """Unit code → its row, and the whole status, for a run that read only these files."""
    status = submission_status(IngestReport("in", "w.duckdb", "2019-01-10T09:00:00", files=list(files)), PERIOD)
    return {u["unit_code"]: u for u in status["units"]}, status


def test_a_refused_file_named_after_a_unit_is_shown_in_its_row(tmp_path):
    unit = BY_CODE["S03"]
    write_return(tmp_path / "in" / f"{unit.short}_2018年度.xlsx", {"培训": (headers_of("trainings"), [])}, unit="")
    report = ingest(tmp_path / "in", tmp_path / "w.duckdb", key=KEY, workers=1)
    path = write_submission_summary(report, tmp_path / "run", PERIOD)
    row = next(r for r in openpyxl.load_workbook(path)["提交情况"].iter_rows(values_only=True) if r[0] == unit.code)
    assert row[2] == "已报送，文件未能入库（1 个，见下方），须请单位按整改清单重报"
    (file,) = report.submission_status["unattributed_files"]
    assert file["likely_unit"] == unit.name and file["likely_by"] == "file_name"
    texts = [
        r[2]
        for r in openpyxl.load_workbook(path)["提交情况"].iter_rows(values_only=True)
        if r[1] == file["source_file"]
    ]
    assert texts == [f"封面有误，无法确定单位或统计期（据文件名应是{unit.name}）"]


def test_a_refused_cover_whose_unit_was_readable_ties_the_file_to_that_unit():
    unit = BY_CODE["S05"]
    rows, status = _status(FileReport("导出.xlsx", "x", "cover_invalid", unit.code, unit.name))
    assert rows[unit.code]["files_not_loaded"] == ["导出.xlsx"] and rows[unit.code]["status"] == "missing"
    assert status["unattributed_files"][0]["likely_by"] == "cover"


def test_a_file_of_another_period_is_not_this_periods_return():
    unit = BY_CODE["S05"]
    rows, _ = _status(FileReport("德胜.xlsx", "x", "cover_invalid", unit.code, unit.name, "2017-01-01", "2017-12-31"))
    assert rows[unit.code]["files_not_loaded"] == []


def test_a_file_named_for_another_period_is_not_this_periods_return():
    unit = BY_CODE["S05"]
    rows, _ = _status(
        FileReport(f"{unit.name}_2017年度.xls", None, "unreadable"),
        FileReport(f"{unit.short}_2018年度.xls", None, "unreadable"),
    )
    assert rows[unit.code]["files_not_loaded"] == [f"{unit.short}_2018年度.xls"]


def test_a_name_inside_a_longer_name_of_another_unit_does_not_count():
    centre = next(u for u in units() if u.kind == "centre")
    street = next(u for u in units() if u.kind == "street" and u.short in centre.short and u.code != centre.code)
    rows, _ = _status(FileReport(f"{centre.short}_2018年度.xlsx", None, "unreadable"))
    assert rows[centre.code]["files_not_loaded"] == [f"{centre.short}_2018年度.xlsx"]
    assert rows[street.code]["files_not_loaded"] == []


def test_a_file_naming_two_units_or_none_is_tied_to_no_unit():
    a, b = BY_CODE["S03"], BY_CODE["S05"]
    rows, status = _status(
        FileReport(f"{a.short}和{b.short}.xlsx", None, "unreadable"), FileReport("导出数据.xlsx", None, "unreadable")
    )
    assert not any(r["files_not_loaded"] for r in rows.values())
    assert not any("likely_unit" in f for f in status["unattributed_files"])
