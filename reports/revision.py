"""What changed between two editions of a period's figures, and why: per figure the old and new
printed value, the exact values and their difference, and the cause (which units' current return
changed, and how many rows each sheet gained or lost); unchanged figures listed as unchanged.

A second release of a period carries it against the release before (revision.xlsx, revision.json,
site/revision.html), and every draft run against the latest release of its period, or the run
before it when there is none, so the analyst sees a figure move before anyone quotes it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb

from domain import catalogue
from domain.warehouse import TABLES
from ingest.workbooks.style import (
    Formats,
    fit_row_height,
    fitted_width,
    new_workbook,
    print_setup,
    set_widths,
    write_value,
)
from reports.figure_words import plain_number
from reports.provenance import unit_short_names

CURRENT_FILES = f"""
    select current.unit_code, coalesce(current.unit_name, current.unit_code) as unit, current.source_file,
           current.file_sha256, sheets.sheet_name, sheets.sheet, sheets.rows_loaded
    from {TABLES['current_submissions']} as current
    left join {TABLES['ingest_sheets']} as sheets on sheets.source_file = current.source_file
    where current.is_current and current.period_start = ? and current.period_end = ?
"""


@dataclass
class UnitChange:
    """One unit's current return in the two editions, and the rows loaded per sheet in each."""

    unit: str
    before: str | None  # file name, None when the unit had no return
    after: str | None
    rows: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # sheet_name → (before, after, title)

    def sheets_changed(self) -> set[str]:
        return {name for name, (a, b, _) in self.rows.items() if a != b}

    def describe(self, sheets: set[str] | None = None) -> str:
        moved = [
            f"{title} {b - a:+d} 行"
            for name, (a, b, title) in sorted(self.rows.items())
            if a != b and (sheets is None or name in sheets)
        ]
        if self.before != self.after:
            how = (
                f"新报送 {self.after}"
                if self.before is None
                else f"报表撤回（{self.before}）"
                if self.after is None
                else f"报表由 {self.before} 换为 {self.after}"
            )
        else:
            how = f"报表 {self.after} 内容更新"
        return f"{self.unit}：{how}" + (f"（{'，'.join(moved)}）" if moved else "")


@dataclass
class _CurrentFile:
    """A unit's current return in one edition: its file, the file's sha256, and per sheet_name the
    rows loaded and the sheet's title."""

    unit: str
    file: str
    sha: str
    rows: dict[str, tuple[int, str]] = field(default_factory=dict)

    def loaded(self, sheet_name: str) -> int:
        return self.rows.get(sheet_name, (0, sheet_name))[0]


def _current_files(warehouse: Path, period: tuple[dt.date, dt.date]) -> dict[str, _CurrentFile]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(CURRENT_FILES, list(period)).fetchall()
    units: dict[str, _CurrentFile] = {}
    short = unit_short_names()
    for code, unit, source_file, sha, sheet_name, sheet, loaded in rows:
        entry = units.setdefault(code, _CurrentFile(short.get(code) or unit, source_file, sha))
        if sheet_name:
            entry.rows[sheet_name] = (entry.loaded(sheet_name) + int(loaded or 0), sheet)
    return units


def unit_changes(before: Path, after: Path, period: tuple[dt.date, dt.date]) -> list[UnitChange]:
    """The units whose current return differs between two warehouses (file or content)."""
    old, new = _current_files(before, period), _current_files(after, period)
    changes = []
    for code in sorted(set(old) | set(new)):
        a, b = old.get(code), new.get(code)
        if a and b and a.sha == b.sha:
            continue
        either = b or a
        assert either is not None  # code is in old or new
        rows = {
            s: (
                a.loaded(s) if a else 0,
                b.loaded(s) if b else 0,
                ((b.rows.get(s) if b else None) or (a.rows.get(s) if a else None) or (0, s))[1],
            )
            for s in set(a.rows if a else ()) | set(b.rows if b else ())
        }
        changes.append(UnitChange(either.unit, a.file if a else None, b.file if b else None, rows))
    return changes


def _number(text) -> Decimal | None:
    try:
        return Decimal(str(text)) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _figures(folder: Path) -> dict[tuple[str, str], dict]:
    document = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    return {(r["id"], r["分项"]): r for r in document["figures"]}


@dataclass
class Revision:
    title: str  # 第 1 版 → 第 2 版
    changed: list[dict]
    unchanged: list[dict]
    causes: list[str]

    def to_json(self) -> dict:
        return {"title": self.title, "changed": self.changed, "unchanged": self.unchanged, "causes": self.causes}


def compare(before: Path, after: Path, period: tuple[dt.date, dt.date], title: str) -> Revision:
    """Two edition folders (each with figures.json and warehouse.duckdb) of the same period."""
    old, new = _figures(before), _figures(after)
    changes = unit_changes(before / "warehouse.duckdb", after / "warehouse.duckdb", period)
    changed, unchanged = [], []
    for key in list(new) + [k for k in old if k not in new]:
        a, b = old.get(key, {}), new.get(key, {})
        row = {
            "id": key[0],
            "指标": (b or a).get("指标", ""),
            "分项": key[1],
            "原印刷数字": a.get("印刷数字", ""),
            "新印刷数字": b.get("印刷数字", ""),
            "原数值": a.get("数值", ""),
            "新数值": b.get("数值", ""),
            "单位": (b or a).get("单位", ""),
        }
        if row["原数值"] == row["新数值"] and row["原印刷数字"] == row["新印刷数字"]:
            unchanged.append(row)
            continue
        x, y = _number(row["原数值"]), _number(row["新数值"])
        row["差额"] = plain_number(y - x) if x is not None and y is not None else ""
        row["原因"] = "；".join([_cause(key, changes), *explanations_for(key[0], after)])
        changed.append(row)
    return Revision(title, changed, unchanged, [c.describe() for c in changes])


def _cause(key: tuple[str, str], changes: list[UnitChange]) -> str:
    sheets = set(catalogue.sheets_of().get(key[0], ()))
    unit = key[1].split("：", 1)[1] if key[1].startswith("按单位：") else None
    relevant = [
        c
        for c in changes
        if (not sheets or c.sheets_changed() & sheets or c.before != c.after) and (unit is None or c.unit == unit)
    ]
    if not relevant:
        return "报表未变，口径或程序更新所致（见运行清单中的代码版本）"
    return "；".join(c.describe(sheets or None) for c in relevant)


def explanations_for(indicator_id: str, folder: Path) -> list[str]:
    """The units' explanations (上报说明) of the gate's warnings that concern a figure, as the run in
    `folder` recorded them (checks/checks.json): warnings on a sheet the figure is counted from, or
    naming the figure itself."""
    path = folder / "checks" / "checks.json"
    if not path.is_file():
        return []
    sheets = set(catalogue.sheets_of().get(indicator_id, ()))
    said = []
    for outcome in json.loads(path.read_text(encoding="utf-8")).get("outcomes") or []:
        if not outcome.get("explanations"):
            continue
        if sheets & set(outcome.get("sheets") or []) or indicator_id in (outcome.get("figures") or []):
            said += [
                f"{e.get('unit') or e.get('unit_code')}说明（{outcome['title']}）：{e['explanation']}"
                for e in outcome["explanations"]
            ]
    return said


CHANGED_COLUMNS = ["id", "指标", "分项", "原印刷数字", "新印刷数字", "原数值", "新数值", "差额", "单位", "原因"]
UNCHANGED_COLUMNS = ["id", "指标", "分项", "新印刷数字", "新数值", "单位"]


REVISION_MOST_WIDTHS = {"指标": 20, "分项": 16, "原因": 48}  # wrapped beyond these; numbers as numbers
NUMBER_COLUMNS = frozenset({"原数值", "新数值", "差额"})


def _cell(value, column: str):
    """A number column's exact text as a number (formatted by the figure's unit), else the text."""
    if column in NUMBER_COLUMNS and value not in ("", None):
        try:
            return float(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    return "" if value is None else str(value)


def write_revision(revision: Revision, out_dir: Path) -> dict[str, Path]:
    """revision.xlsx (变化 / 未变 / 原因) and revision.json in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "revision.xlsx"
    book = new_workbook(path, f"数字变化：{revision.title}", dt.datetime.now().replace(microsecond=0))
    formats = Formats(book)
    for name, rows, columns in (
        ("变化", revision.changed, CHANGED_COLUMNS),
        ("未变", revision.unchanged, UNCHANGED_COLUMNS),
    ):
        sheet = book.add_worksheet(name)
        count = f"有 {len(revision.changed)} 个数字变化" if name == "变化" else f"{len(revision.unchanged)} 个数字未变"
        title = f"{revision.title}：{count}"
        sheet.write_string(0, 0, title, formats.title)
        cells = [[_cell(row.get(t, ""), t) for t in columns] for row in rows]
        widths: list[float] = [
            fitted_width([t, *(r[c] for r in cells)], most=REVISION_MOST_WIDTHS.get(t, 24))
            for c, t in enumerate(columns)
        ]
        set_widths(sheet, widths)
        sheet.write_row(1, 0, columns, formats.header)
        wrapped = [c for c, t in enumerate(columns) if t in REVISION_MOST_WIDTHS]
        for r, (row, values) in enumerate(zip(rows, cells, strict=True), start=2):
            unit = str(row.get("单位", ""))
            for c, value in enumerate(values):
                if value == "":
                    sheet.write_blank(r, c, None, formats.cell)
                else:
                    # a rate's 差额 is in 百分点, not a per cent: shown as a plain number
                    shown_unit = "" if columns[c] == "差额" and unit == "%" else unit
                    write_value(sheet, r, c, value, formats, shown_unit, text_format=formats.wrap)
            fit_row_height(sheet, r, values, widths, wrapped)
        print_setup(sheet, title, widths, repeat_rows=(1, 1), freeze=(2, 0))
    causes = book.add_worksheet("原因")
    widths = set_widths(causes, [100])
    causes.write_string(0, 0, "报表有变化的单位", formats.header)
    for r, text in enumerate(revision.causes or ["各单位采用的报表均未变化"], start=1):
        causes.write_string(r, 0, text, formats.wrap)
        fit_row_height(causes, r, [text], widths, [0])
    print_setup(causes, f"数字变化：{revision.title}", widths)
    book.close()
    json_path = out_dir / "revision.json"
    json_path.write_text(json.dumps(revision.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return {"revision_xlsx": path, "revision_json": json_path}
