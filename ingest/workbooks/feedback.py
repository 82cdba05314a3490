"""整改清单: what goes back to a unit whose return had problems or warnings, in its own terms.

One workbook per submission (feedback/<单位>_整改清单.xlsx in the run folder), only where there is
something to say, and not for a file a newer one replaced. The first sheet, 整改清单, says first
what to do (correct the unit's own workbook and send it again; never this list), then what was
read, loaded, rejected and skipped, and every problem in plain words; it prints one page wide.
The second, 有问题的行, holds only the rows with a problem at a cell, sheet by sheet: the sheet's
header row in the template's colours, then each problem row under its row number in the unit's
own workbook, every problem cell highlighted (red: the row was not loaded until it is corrected;
yellow: read, but please check) with the reason as a cell comment. The rows around them are
other people's data and are not shown, and a list with four bad cells prints on two or three
pages, not a copy of every register. Personal data is masked in full length (110101********123X),
public codes (统一社会信用代码) are shown as written (ingest/workbooks/feedback_cells.py); the look and
the print setup are ingest/workbooks/style.py's.

The first sheet is ingest/workbooks/feedback_summary.py's, the second ingest/workbooks/feedback_rows.py's;
the per-run summary of who submitted is ingest/workbooks/submission_summary.py's (re-exported here)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from ingest.read.reader import is_failure
from ingest.report import FileReport, IngestReport, Problem
from ingest.workbooks.feedback_rows import PROBLEM_ROWS_SHEET, AtCell, problem_block, write_problem_rows
from ingest.workbooks.feedback_style import REJECTED_FILL, WARNING_FILL, FeedbackStyles
from ingest.workbooks.feedback_summary import SUMMARY_SHEET, write_summary
from ingest.workbooks.style import new_workbook
from ingest.workbooks.submission_status import FEEDBACK_DIR, feedback_names
from ingest.workbooks.submission_summary import write_submission_summary

__all__ = ["PROBLEM_ROWS_SHEET", "REJECTED_FILL", "WARNING_FILL", "write_feedback", "write_submission_summary"]


FEEDBACK_FAILED = (
    "本文件的整改清单未能生成（{kind}），问题仍全部列在入库报告和提交情况中：这不是填报的问题，"
    "请数据管理员交技术人员检查"
)


def write_feedback(
    report: IngestReport, input_dir: Path, out_dir: Path, say: Callable[[str], None] = lambda text: None
) -> list[Path]:
    """Write each submission's 整改清单 into out_dir/feedback/; returns the paths written. A list
    that cannot be written (whatever the file holds) is that file's problem, added to the report
    and told through `say`; the other units' lists are written."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in report.problems:
        by_file[problem.source_file].append(problem)
    names = feedback_names(report)
    written = []
    for file in report.files:
        if file.source_file not in names:
            continue
        path = Path(out_dir) / FEEDBACK_DIR / names[file.source_file]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_one(path, file, by_file[file.source_file], Path(input_dir) / file.source_file, report.loaded_at)
        except BaseException as error:
            if not is_failure(error):  # a panic of calamine re-reading the sheet is one
                raise
            path.unlink(missing_ok=True)
            reason = FEEDBACK_FAILED.format(kind=type(error).__name__)
            report.problems.append(Problem(file.source_file, None, None, None, None, "warning", reason))
            say(f"未能生成 {file.source_file} 的整改清单：{reason}")
            continue
        written.append(path)
    return written


def _write_one(path: Path, file: FileReport, problems: list[Problem], source: Path, loaded_at: str) -> None:
    book = new_workbook(
        path, f"{file.unit_name or file.source_file} 报表整改清单", dt.datetime.fromisoformat(loaded_at)
    )
    styles = FeedbackStyles(book)
    at_cells = [cell for p in problems if (cell := AtCell.of(p)) is not None]
    order = {s.sheet: i for i, s in enumerate(file.sheets)}
    # the cover (not among the sheets read) first, then the sheets as in the workbook
    sheet_names = sorted({c.sheet for c in at_cells}, key=lambda name: (order.get(name, -1), name))
    blocks = [
        block
        for name in sheet_names
        if (block := problem_block(file, source, name, [c for c in at_cells if c.sheet == name])) is not None
    ]
    summary = book.add_worksheet(SUMMARY_SHEET)
    places = write_problem_rows(book.add_worksheet(PROBLEM_ROWS_SHEET), styles, blocks) if blocks else {}
    write_summary(summary, styles, file, problems, loaded_at, places, blocks)
    book.close()
