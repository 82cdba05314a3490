"""The ingest report: what was read from each file and sheet, what was loaded, and every problem
with the place a clerk can find it. It is written beside the warehouse (ingest_report.json) and
loaded into raw.ingest_sheets / raw.ingest_problems."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

PROBLEM_FIELDS = ("source_file", "sheet", "source_row", "column_header", "value_shown", "severity", "reason")
SHEET_FIELDS = ("source_file", "sheet", "sheet_name", "rows_read", "rows_loaded", "rows_rejected", "rows_skipped")
SUBMISSION_FIELDS = (
    "unit_code", "unit_name", "period_start", "period_end", "source_file", "file_sha256",
    "filled_by", "filled_on", "file_modified_at", "loaded_at",
)


@dataclass
class Problem:
    source_file: str
    sheet: str | None
    source_row: int | None  # Excel row number (1-based)
    column_header: str | None  # as written in the file
    value_shown: str | None  # masked if personal
    severity: str  # 'rejected' | 'warning'
    reason: str  # Chinese, says what to do


@dataclass
class SheetReport:
    source_file: str
    sheet: str  # as named in the file
    sheet_name: str | None  # canonical (schema) name, None if not recognised
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    status: str = "loaded"  # loaded | empty | hidden | unrecognised | rejected

    def check_identity(self) -> None:
        """Nothing is lost: every row read is loaded, rejected or skipped."""
        assert self.rows_read == self.rows_loaded + self.rows_rejected + self.rows_skipped, self


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

    def totals(self) -> dict[str, int]:
        keys = ("rows_read", "rows_loaded", "rows_rejected", "rows_skipped")
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

    def totals(self) -> dict[str, int]:
        out = {"files": len(self.files), "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0, "rows_skipped": 0}
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

    def summary(self) -> str:
        t = self.totals()
        return (
            f"{t['files']} 个文件：读取 {t['rows_read']} 行，入库 {t['rows_loaded']}，拒收 {t['rows_rejected']}，"
            f"跳过 {t['rows_skipped']}（空行、合计行）；问题 {t['problems_rejected']} 条、提醒 {t['problems_warning']} 条；"
            f"用时 {self.seconds:.1f} 秒（{self.rows_per_second():.0f} 行/秒）"
        )

    def to_dict(self) -> dict:
        return {"totals": self.totals(), **asdict(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)
