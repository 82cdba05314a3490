"""提交情况 names the previous period's files for what they are, the 上期 behind every 同比, and
keeps 本次未用 for files of any other period. Whether 同比 is computed is decided by
shushuo.previous_build.has_submissions on the warehouse; 提交情况 is written before that, from the
ingest report, and must say the same."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from domain.periods import previous_period
from domain.schema import units
from ingest.run import ingest
from ingest.workbooks.submission_summary import write_submission_summary
from shushuo.previous_build import has_submissions

KEY = b"submission-previous-key" * 2
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


def _summarise(folder, out):
    report = ingest(folder, out / "w.duckdb", key=KEY, workers=2)
    path = write_submission_summary(report, out, PERIOD)
    rows = [
        r for r in openpyxl.load_workbook(path)["提交情况"].iter_rows(values_only=True) if any(v is not None for v in r)
    ]
    return report.submission_status, rows, out / "w.duckdb"


def _section(rows, title_start: str) -> list[str]:
    """The file names listed under the section whose title starts so."""
    at = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith(title_start))
    names = []
    for r in rows[at + 1 :]:
        if r[0] is not None:
            break
        if r[1] != "文件":
            names.append(r[1])
    return names


@pytest.fixture(scope="module")
def every_unit(small_demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("previous-complete")
    return _summarise(small_demo, out)


def test_the_previous_periods_files_are_used_for_change(every_unit):
    status, rows, warehouse = every_unit
    previous = status["previous_period"]
    before = previous_period(*PERIOD)
    assert (previous["period_start"], previous["period_end"]) == tuple(d.isoformat() for d in before)
    assert previous["used_for_change"] is has_submissions(warehouse, *before) is True
    assert len(previous["files"]) == len(units()) and status["other_period_files"] == []
    titles = [r[0] for r in rows if isinstance(r[0], str)]
    assert "上一统计期（2017年度）的文件（用于同比）" in titles
    assert not any("其他统计期" in t for t in titles)
    assert sorted(_section(rows, "上一统计期")) == sorted(f["source_file"] for f in previous["files"])


def test_a_previous_period_not_every_unit_sent_is_not_used(small_demo, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(small_demo, folder)
    dropped = sorted(folder.glob("*_2017年度.xlsx"))[0]
    dropped.unlink()
    status, rows, warehouse = _summarise(folder, tmp_path)
    previous = status["previous_period"]
    assert previous["used_for_change"] is has_submissions(warehouse, *previous_period(*PERIOD)) is False
    assert previous["units_sent"] == len(units()) - 1 and not any(f["used"] for f in previous["files"])
    title = next(r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("上一统计期"))
    assert title == (
        f"上一统计期（2017年度）的文件（{len(units())} 个应报单位中只有 "
        f"{len(units()) - 1} 个报送，不计算同比，本次未用）"
    )


def test_files_of_any_other_period_are_still_not_used(small_demo, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = sorted(small_demo.glob("*_2017年度.xlsx"))[0]
    older = folder / source.name.replace("2017", "2016")
    shutil.copy(source, older)
    book = openpyxl.load_workbook(older)
    book["填报说明"]["B4"], book["填报说明"]["B5"] = dt.datetime(2016, 1, 1), dt.datetime(2016, 12, 31)
    book.save(older)
    shutil.copy(source, folder / source.name)
    status, rows, _ = _summarise(folder, tmp_path)
    assert status["other_period_files"] == [older.name]
    assert _section(rows, "其他统计期的文件（本次未用）") == [older.name]
    assert [f["source_file"] for f in status["previous_period"]["files"]] == [source.name]
