"""The ingest report: what was read from each file and sheet, what was loaded, and every problem
with the place a clerk can find it. It is written beside the warehouse (ingest_report.json) and
loaded into raw.ingest_sheets / raw.ingest_problems."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ingest.clean.validators import mask_digit_runs

PROBLEM_FIELDS = ("source_file", "sheet", "source_row", "column_header", "value_shown", "severity", "reason")
SHEET_FIELDS = (
    "source_file",
    "sheet",
    "sheet_name",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "rows_skipped",
    "rows_blank",
    "rows_title",
    "rows_total",
    "rows_note",
    "rows_hidden",
)
# raw.submissions, one row per workbook loaded: (column, DuckDB type, what it means). Written once
# here; ingest/load/raw_tables.py creates the table from it and shushuo/dbt_sources.py documents it for dbt.
SUBMISSION_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("unit_code", "VARCHAR", "填报单位代码（封面所填单位，见 units.yaml）"),
    ("unit_name", "VARCHAR", "封面所填的填报单位"),
    ("period_start", "DATE", "封面的统计期起"),
    ("period_end", "DATE", "封面的统计期止"),
    ("source_file", "VARCHAR", "报送文件名（相对输入目录）"),
    ("file_sha256", "VARCHAR", "报送文件的 SHA-256"),
    ("filled_by", "VARCHAR", "封面的填报人"),
    ("filled_on", "DATE", "封面的填报日期（原样；晚于入库日或早于统计期起的，取舍时按未填处理）"),
    ("file_modified_at", "TIMESTAMP", "文件修改时间：填报日期相同时取修改时间最新的一份"),
    ("loaded_at", "TIMESTAMP", "入库时间"),
    ("claimed_unit_code", "VARCHAR", "文件来源（上传账号、文件名或所在文件夹）所指的单位代码；来源未指明单位时为空"),
    ("claimed_by", "VARCHAR", "来源所指单位从何得知：uploader（上传账号）、file_name（文件名）、folder（文件夹）"),
    ("is_current", "BOOLEAN", "是否为该单位本统计期计入统计的报表（由 ingest/load/current.py 决定，各处只读不再重算）"),
    ("submission_rank", "INTEGER", "同一单位同一统计期内的取舍次序，1 为采用；暂扣的文件为空"),
    (
        "status",
        "VARCHAR",
        "current（采用）、replaced（被本单位较新的报表取代）、held（暂扣：来源与封面填报单位不一致）",
    ),
    ("status_reason", "VARCHAR", "未采用的原因（中文）；采用的为空"),
)
SUBMISSION_FIELDS = tuple(name for name, _, _ in SUBMISSION_COLUMNS)


@dataclass
class Problem:
    source_file: str
    sheet: str | None
    source_row: int | None  # Excel row number (1-based)
    column_header: str | None  # as written in the file
    value_shown: str | None  # masked if personal
    severity: str  # 'rejected' | 'warning'
    reason: str  # Chinese, says what to do
    source_column: int | None = None  # Excel column number (1-based), where a cell is at fault

    def __post_init__(self):
        """No ID number leaves ingest in a problem: a reason quoting the cell ("无法识别的日期“…”")
        or a value shown gets every long run of digits masked, whatever check wrote it."""
        self.reason = mask_digit_runs(self.reason)
        if isinstance(self.value_shown, str):
            self.value_shown = mask_digit_runs(self.value_shown)


class RowsUnaccounted(RuntimeError):
    """A sheet's rows do not add up: a bug in the reader, never a clerk's mistake. The run stops
    rather than publish figures from rows that may have been lost or counted twice."""


@dataclass
class SheetReport:
    source_file: str
    sheet: str  # as named in the file
    sheet_name: str | None  # canonical (schema) name, None if not recognised
    rows_read: int = 0  # every row of the sheet from row 1 to its last used row
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0  # = blank + title + total + note + hidden
    rows_blank: int = 0
    rows_title: int = 0  # title, hint and header rows, a repeated header
    rows_total: int = 0  # 合计/总计/小计
    rows_note: int = 0  # 注：…, 填表人：… under the table
    rows_hidden: int = 0  # rows the clerk hid: not counted until shown and sent again
    status: str = "loaded"  # loaded | empty | hidden | unrecognised | rejected

    def check_identity(self) -> None:
        """Nothing is lost or counted twice: every row read is loaded, rejected or skipped, and
        every skipped row has its kind. Raised, not asserted, so that `python -O` still checks."""
        kinds = self.rows_blank + self.rows_title + self.rows_total + self.rows_note + self.rows_hidden
        if self.rows_read != self.rows_loaded + self.rows_rejected + self.rows_skipped or self.rows_skipped != kinds:
            raise RowsUnaccounted(
                f"行数对不上（程序错误，本次运行停止）：{self.source_file} "
                f"工作表“{self.sheet}”读取 {self.rows_read} 行，"
                f"入库 {self.rows_loaded}、拒收 {self.rows_rejected}、跳过 {self.rows_skipped}"
                f"（空行 {self.rows_blank}、标题 {self.rows_title}、合计 {self.rows_total}、注释 {self.rows_note}、"
                f"隐藏 {self.rows_hidden}）"
            )


@dataclass
class FileReport:
    source_file: str
    file_sha256: str | None
    status: str  # loaded | unreadable | cover_invalid
    unit_code: str | None = None
    unit_name: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    sheets: list[SheetReport] = field(default_factory=list)
    used: bool | None = None  # the file that counts for its unit and period (ingest/load/current.py)
    held: str | None = None  # why the file is held, never counted (ingest/load/current.py); None: it is not
    # ISO date from which reading the file would give another result (an ID rejected for a birth
    # date after today is then accepted); None: the result does not depend on the date
    changes_on: str | None = None

    def totals(self) -> dict[str, int]:
        keys = ("rows_read", "rows_loaded", "rows_rejected", "rows_skipped", "rows_hidden")
        return {k: sum(getattr(s, k) for s in self.sheets) for k in keys}


@dataclass
class IngestReport:
    input_dir: str
    warehouse: str
    loaded_at: str
    seconds: float = 0.0
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    # Per unit and period: the file that counts and the files it replaced (ingest/load/current.py).
    submissions_used: list[dict] = field(default_factory=list)
    # Per expected unit for the period built (ingest/workbooks/submission_status.py), once it is known.
    submission_status: dict = field(default_factory=dict)
    # source_file → code of the unit whose account uploaded it, when a submission desk knows it
    # (ingest/find/origin.py): it outranks the file's name as the unit the return comes from.
    uploaders: dict[str, str] = field(default_factory=dict)
    # ISO day from which the choice of current files would differ (a 填报日期 after the run's day,
    # ranked as undated until then: ingest/load/current.py); None: it does not depend on the day
    choice_changes_on: str | None = None

    def totals(self) -> dict[str, int]:
        out = {
            "files": len(self.files),
            "rows_read": 0,
            "rows_loaded": 0,
            "rows_rejected": 0,
            "rows_skipped": 0,
            "rows_hidden": 0,
        }
        for f in self.files:
            for k, v in f.totals().items():
                out[k] += v
        out["problems_rejected"] = sum(p.severity == "rejected" for p in self.problems)
        out["problems_warning"] = sum(p.severity == "warning" for p in self.problems)
        return out

    def rows_per_second(self) -> float:
        return self.totals()["rows_read"] / self.seconds if self.seconds else 0.0

    def inputs(self) -> list[dict]:
        """The files read, with their hashes (for the run manifest)."""
        return [{"source_file": f.source_file, "file_sha256": f.file_sha256, "status": f.status} for f in self.files]

    def changes_on(self) -> str | None:
        """The first day (ISO) on which reading these files again would give another result."""
        return min((day for day in [*(f.changes_on for f in self.files), self.choice_changes_on] if day), default=None)

    def summary(self) -> str:
        t = self.totals()
        return (
            f"{t['files']} 个文件：读取 {t['rows_read']} 行，入库 {t['rows_loaded']}，拒收 {t['rows_rejected']}，"
            f"跳过 {t['rows_skipped']}（空行、标题、合计、注释、隐藏行）；问题 "
            f"{t['problems_rejected']} 条、提醒 {t['problems_warning']} 条；"
            f"用时 {self.seconds:.1f} 秒（{self.rows_per_second():.0f} 行/秒）"
        )

    def to_dict(self) -> dict:
        return {"totals": self.totals(), **asdict(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)
