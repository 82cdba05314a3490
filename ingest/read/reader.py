"""One workbook (.xlsx, .xlsm, .xls; or a one-sheet .csv, see ingest/read/csv_return.py) → its cover,
one outcome per sheet and its problems. Runs in a worker process: everything it returns is plain
data or Arrow tables (cheap to send back). A file that cannot be opened is reported, never
raised, so one broken file does not stop a run. Macros are never run: calamine reads cell values
only. Hidden sheets are reported and not read; merged cells, formulas saved without a result and
hidden rows and columns are passed to the sheet reader (ingest/read/sheet_reader.py), which reports
the hidden ones and does not count them. Hidden rows and columns are found in an .xlsx/.xlsm's
sheet XML by the file guard's pass; an .xls (BIFF) keeps them in binary row records that the
guard does not parse, so an .xls's hidden rows and columns are read as visible."""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from domain.fingerprint import sha256_of
from ingest.clean.identifier_cells import forget_validated
from ingest.clean.pseudonymise import pseudonymisers
from ingest.clean.tables import with_lineage
from ingest.clean.validators import earliest_future_birth, forget_future_births
from ingest.find.file_guard import ENCRYPTED, UnsafeFile, inspect_workbook
from ingest.find.hidden_cells import HiddenCells
from ingest.read.cover import COVER_SCAN_ROWS, Cover, CoverError, cover_problems, is_cover, read_cover
from ingest.read.csv_return import CsvUnreadable, csv_cover, read_csv_rows
from ingest.read.formulas import formulas_without_value
from ingest.read.sheet_reader import SheetOutcome, read_sheet
from ingest.report import FileReport, Problem, SheetReport

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
# The submission desk's list of the units' explanations of 核实性 warnings, kept beside the returns
# (UTF-8 with BOM: unit_code, rule, explanation, explained_by, explained_at). Not a return: the gate
# reads it (checks/explanations.py).
EXPLANATIONS_FILE = "上报说明.csv"


@dataclass
class WorkbookOutcome:
    file: FileReport
    cover: Cover | None
    sheets: list[SheetOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    modified_at: dt.datetime | None = None
    # raw table → a Parquet part of this file's rows written before (the ingest cache's), whose
    # sheets then carry no table: ingest links the part instead of writing it again
    parts: dict[str, Path] = field(default_factory=dict)


# Spreadsheets that arrive as returns but that ingest does not read: each is named, with what to do.
UNREADABLE_FORMATS = {
    ".xlsb": "Excel 二进制工作簿（.xlsb）",
    ".ods": "OpenDocument 电子表格（.ods）",
    ".numbers": "苹果 Numbers 表格（.numbers）",
    ".et": "WPS 表格（.et）",
}
OTHER_FORMAT = (
    "这是{kind}，本系统只读取 .xlsx、.xlsm、.xls 和 .csv，本文件未读取：请用 Excel 或 WPS 打开后"
    "“另存为”Excel 工作簿（.xlsx）再报送（Numbers：文件 → 导出为 → Excel）"
)
LINK_OUT = (
    "“{link}”是一个快捷方式（符号链接），指向报表文件夹以外的位置，未读取：报表文件夹只读取其中的文件本身。"
    "请把报表文件本身（不是快捷方式）复制到报表文件夹后重新运行"
)


def find_workbooks(input_dir: Path) -> list[Path]:
    """Every workbook under the folder that ingest reads, sorted; Excel's ~$ lock files and
    hidden files skipped; see find_inputs for the ones refused."""
    return find_inputs(input_dir)[0]


def find_inputs(input_dir: Path) -> tuple[list[Path], dict[Path, str]]:
    """(the workbooks to read, {path: why it is refused}) under the folder. Refused, by name: a
    symbolic link leading out of the folder (or nowhere), which is never followed (a workbook
    elsewhere would be read as a unit's return, a system file as a CSV); a spreadsheet in a
    format ingest does not read (.xlsb, .ods, .numbers, .et), which is a return that arrived."""
    root = Path(input_dir).resolve()
    workbooks, refused = [], {}
    for path in Path(input_dir).rglob("*"):
        if path.name.startswith(("~$", ".")) or path.name == EXPLANATIONS_FILE:
            continue
        suffix = path.suffix.lower()
        if path.is_symlink() and not _inside(path, root):
            if suffix in WORKBOOK_SUFFIXES or suffix in UNREADABLE_FORMATS or path.is_dir() or not path.exists():
                refused[path] = LINK_OUT.format(link=path.relative_to(input_dir).as_posix())
            continue
        if suffix in UNREADABLE_FORMATS and (path.is_file() or path.is_dir()):  # a .numbers may be a folder
            refused[path] = OTHER_FORMAT.format(kind=UNREADABLE_FORMATS[suffix])
        elif suffix in WORKBOOK_SUFFIXES and path.is_file():
            workbooks.append(path)
    return sorted(workbooks), dict(sorted(refused.items()))


def _inside(path: Path, root: Path) -> bool:
    """Whether the link leads to something inside the (resolved) input folder."""
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):  # leads nowhere, or round in a loop
        return False


def _rows_and_merged(workbook: calamine.CalamineWorkbook, name: str) -> tuple[list[list], list]:
    """All rows from A1 (not from the first used cell, so list index + 1 is the Excel row) and
    the merged ranges, from one parse of the sheet (get_sheet_by_name parses)."""
    sheet = workbook.get_sheet_by_name(name)
    return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []


def _cover_sheet(workbook, visible: list[str]) -> str | None:
    """The cover by its title, else the first sheet whose top rows hold 填报单位."""
    by_title = [name for name in visible if is_cover(name, [])]
    if by_title:
        return by_title[0]
    for name in visible:
        top = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=COVER_SCAN_ROWS)
        if is_cover(name, top):
            return name
    return None


@contextmanager
def _without_gc():
    """The cyclic garbage collector off while a workbook is read: calamine hands over a list per
    row, and the collector would walk those millions of containers again and again (measured:
    about a fifth of the CPU). Nothing read here forms reference cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


INTERNAL_ERROR = (
    "读取本文件时程序出错（{kind}），本文件的数据未入库。这不是填报的问题，无须修改：请把本文件交给数据管理员，"
    "由技术人员检查；其他单位的报表照常读取"
)
WORKER_DIED = (
    "读取本文件时读取程序异常退出（文件可能已损坏，或是恶意构造的），本文件未读取，其他单位的报表照常读取："
    "请用 Excel 或 WPS 打开检查，另存为 .xlsx 后重新报送"
)


def read_workbook(path: Path, input_dir: Path, key: bytes) -> WorkbookOutcome:
    """The workbook's outcome; never raises for anything in the file: a failure of the reading
    itself (a bug that one file brings out) becomes that file's problem, and its rows are not
    loaded, so one return cannot stop the district's run."""
    forget_validated()  # per-workbook caches only: see forget_validated
    forget_future_births()
    try:
        with _without_gc():
            outcome = _read_workbook(path, input_dir, key)
        for sheet in outcome.file.sheets:
            sheet.check_identity()  # rows that do not add up are not loaded: the file is refused instead
    except BaseException as error:
        if not is_failure(error):
            raise
        return failed(_source_file(path, input_dir), INTERNAL_ERROR.format(kind=type(error).__name__))
    if (day := earliest_future_birth()) is not None:
        outcome.file.changes_on = day.isoformat()
    return outcome


READER_PANIC = (
    "文件中有读取程序无法处理的单元格（例如超出范围的日期或数字），本文件未读取：请用 Excel 或 WPS 打开检查，"
    "改正后另存为 .xlsx 再报送"
)


def is_panic(error: BaseException) -> bool:
    """A panic of the Rust reader, which pyo3 raises as PanicException, a BaseException that no
    module exports (measured: a date-formatted cell holding -1e20 panics in calamine with
    "TimeDelta::milliseconds out of bounds"; the guard now refuses such numbers)."""
    return type(error).__name__ == "PanicException"


def is_failure(error: BaseException) -> bool:
    """Whether an error is a failure to read a file (to report, not to raise): any Exception and
    a panic of the reader; not KeyboardInterrupt or SystemExit."""
    return isinstance(error, Exception) or is_panic(error)


def _source_file(path: Path, input_dir: Path) -> str:
    """The file as named in the input folder (the name every report and problem uses)."""
    return Path(path).relative_to(input_dir).as_posix()


def failed(source_file: str, reason: str) -> WorkbookOutcome:
    """The outcome of a file that could not be read, with the reason (Chinese, for the clerk)."""
    problem = Problem(source_file, None, None, None, None, "rejected", reason)
    return WorkbookOutcome(FileReport(source_file, None, "unreadable"), None, problems=[problem])


def _read_workbook(path: Path, input_dir: Path, key: bytes) -> WorkbookOutcome:
    source_file = _source_file(path, input_dir)
    try:
        inspection = inspect_workbook(
            path, source_file
        )  # size, zip-bomb, XML, cell limits, formulas; raises UnsafeFile
        sha = sha256_of(path)
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime)
        if path.suffix.lower() == ".csv":
            return _read_csv(path, source_file, sha, modified, key)
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # any reason a file cannot be opened is reported, not raised
        return _unreadable(source_file, None, error)
    try:
        outcome = _read_opened(workbook, path, source_file, sha, modified, key, inspection.formulas, inspection.hidden)
        outcome.problems[:0] = inspection.problems  # the guard's warnings (macros, external links) first
        return outcome
    except calamine.CalamineError as error:  # a damaged part; other errors: see read_workbook
        return _unreadable(source_file, sha, error)
    except BaseException as error:
        if not is_panic(error):
            raise
        return _unreadable(source_file, sha, error)
    finally:
        workbook.close()


def _read_csv(path: Path, source_file: str, sha: str, modified: dt.datetime, key: bytes) -> WorkbookOutcome:
    try:
        rows = read_csv_rows(path.read_bytes())
    except CsvUnreadable as error:
        return _unreadable(source_file, sha, error)
    cover, title = csv_cover(rows, path.stem)
    problems = cover_problems(cover, source_file, None)
    return _read_sheets(cover, [(title or path.stem, rows, [], set(), None)], source_file, sha, modified, key, problems)


def _unreadable(source_file: str, sha: str | None, error: BaseException) -> WorkbookOutcome:
    if isinstance(error, (CsvUnreadable, UnsafeFile)):
        reason = error.reason
    elif isinstance(error, calamine.PasswordError):
        reason = ENCRYPTED
    elif is_panic(error):
        reason = READER_PANIC
    else:  # the library's own words (English, about file internals) would not help a clerk
        reason = "文件无法打开：文件已损坏，或不是 Excel 工作簿。请用 Excel 或 WPS 打开检查，另存为 .xlsx 后重新报送"
    problem = Problem(source_file, None, None, None, None, "rejected", reason)
    return WorkbookOutcome(FileReport(source_file, sha, "unreadable"), None, problems=[problem])


def _read_opened(
    workbook,
    path: Path,
    source_file: str,
    sha: str,
    modified: dt.datetime,
    key: bytes,
    formulas: dict[str, set[tuple[int, int]]] | None,
    hidden: dict[str, HiddenCells] | None = None,
) -> WorkbookOutcome:
    problems: list[Problem] = []
    visible = []
    for meta in workbook.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue  # chart and dialog sheets hold no cells; macro sheets are never run
        if meta.visible == calamine.SheetVisibleEnum.Visible:
            visible.append(meta.name)
        else:
            problems.append(
                Problem(
                    source_file,
                    meta.name,
                    None,
                    None,
                    None,
                    "warning",
                    f"工作表“{meta.name}”是隐藏的，未读取：如需报送其中的数据，请取消隐藏后重新报送",
                )
            )
    cover, cover_sheet = None, _cover_sheet(workbook, visible)
    if cover_sheet is not None:
        rows, merged = _rows_and_merged(workbook, cover_sheet)
        cover = read_cover(rows, merged=merged)
        cover.sheet = cover_sheet
    if cover is None:
        cover = Cover(errors=[CoverError(None, "找不到封面“填报说明”（填报单位、统计期）：请按模板填写封面后重新报送")])
    problems.extend(cover_problems(cover, source_file, cover_sheet))
    if formulas is None:  # the guard's pass could not map sheets to parts: search them here
        formulas = formulas_without_value(path)
    hidden = hidden or {}
    sheets = (
        (name, *_rows_and_merged(workbook, name), formulas.get(name, set()), hidden.get(name))
        for name in visible
        if name != cover_sheet
    )
    outcome = _read_sheets(cover, sheets, source_file, sha, modified, key, problems)
    for meta in workbook.sheets_metadata:
        if meta.name not in visible and meta.typ == calamine.SheetTypeEnum.WorkSheet:
            outcome.file.sheets.append(SheetReport(source_file, meta.name, None, status="hidden"))
    return outcome


def _read_sheets(
    cover: Cover, sheets, source_file: str, sha: str, modified: dt.datetime, key: bytes, problems: list[Problem]
) -> WorkbookOutcome:
    """The file's report and each sheet's outcome; `sheets` yields (name, rows, merged ranges,
    formula cells without a result, hidden rows and columns or None)."""
    persons, cards = pseudonymisers(key)  # new ones per workbook: their caches would grow without end
    refuse = (
        None
        if cover.usable
        else (
            "填报单位或统计期有误（见本文件关于文件开头、文件名的问题），本表各行均未入库：请在文件开头或文件名中改正后重新报送"
            if source_file.lower().endswith(".csv")
            else "封面有误（见本文件封面问题），本表各行均未入库：请改正封面后重新报送"
        )
    )
    file = FileReport(
        source_file,
        sha,
        "loaded" if cover.usable else "cover_invalid",
        cover.unit_code,
        cover.unit_name,
        cover.period_start.isoformat() if cover.period_start else None,
        cover.period_end.isoformat() if cover.period_end else None,
    )
    outcome = WorkbookOutcome(file, cover, problems=problems, modified_at=modified)
    for name, rows, merged, formulas, hidden in sheets:
        sheet = read_sheet(
            name,
            rows,
            source_file,
            persons,
            cards,
            refuse,
            merged=merged,
            formulas=formulas,
            hidden=hidden,
            period_end=cover.period_end,
        )
        if sheet.table is not None:
            sheet.table = with_lineage(
                sheet.table,
                {
                    "unit_code": cover.unit_code,
                    "period_start": cover.period_start,
                    "period_end": cover.period_end,
                    "source_file": source_file,
                    "file_sha256": sha,
                    "sheet": name,
                },
            )
        outcome.sheets.append(sheet)
        file.sheets.append(sheet.report)
        problems.extend(sheet.problems)
    return outcome
