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

The per-run summary of who submitted is ingest/workbooks/submission_status.py (re-exported here)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from domain.schema import sheet as schema_sheet
from ingest.read.cover import about_whole_file
from ingest.read.headers import recognise
from ingest.read.reader import is_failure
from ingest.read.sheet_reader import column_letter
from ingest.report import FileReport, IngestReport, Problem
from ingest.workbooks.feedback_cells import PUBLIC_TYPES, masked_cover, masked_rows, read_sheet_rows
from ingest.workbooks.layout import DATE_FORMAT
from ingest.workbooks.style import (
    AUTHOR,
    HEADER_FILL,
    OPTIONAL_HEADER,
    REQUIRED_HEADER,
    Formats,
    fit_row_height,
    fitted_width,
    new_workbook,
    print_setup,
    return_column_width,
    set_widths,
    set_wrapped_height,
    text_width,
    write_value,
)
from ingest.workbooks.submission_status import FEEDBACK_DIR, feedback_names
from ingest.workbooks.submission_summary import write_submission_summary

__all__ = ["REJECTED_FILL", "WARNING_FILL", "write_feedback", "write_submission_summary"]

SUMMARY_SHEET = "整改清单"
REJECTED_FILL = "#FFC7CE"
WARNING_FILL = "#FFEB9C"
SEVERITY_WORDS = {"rejected": "须改正", "warning": "请核对"}
STATUS_WORDS = {
    "loaded": "已读取",
    "empty": "空表",
    "hidden": "隐藏（未读取）",
    "unrecognised": "无法识别（未读取）",
    "rejected": "未入库",
}


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


PROBLEM_ROWS_SHEET = "有问题的行"
ROW_NUMBER_HEADER = "原表行号"


def _write_one(path: Path, file: FileReport, problems: list[Problem], source: Path, loaded_at: str) -> None:
    book = new_workbook(
        path, f"{file.unit_name or file.source_file} 报表整改清单", dt.datetime.fromisoformat(loaded_at)
    )
    styles = _Styles(book)
    at_cells = [cell for p in problems if (cell := _AtCell.of(p)) is not None]
    order = {s.sheet: i for i, s in enumerate(file.sheets)}
    # the cover (not among the sheets read) first, then the sheets as in the workbook
    sheet_names = sorted({c.sheet for c in at_cells}, key=lambda name: (order.get(name, -1), name))
    blocks = [
        block
        for name in sheet_names
        if (block := _problem_block(file, source, name, [c for c in at_cells if c.sheet == name])) is not None
    ]
    summary = book.add_worksheet(SUMMARY_SHEET)
    places = _problem_rows(book.add_worksheet(PROBLEM_ROWS_SHEET), styles, blocks) if blocks else {}
    _summary(summary, styles, file, problems, loaded_at, places, blocks)
    book.close()


@dataclass(frozen=True)
class _AtCell:
    """A problem at one cell of one of the unit's sheets: the problems 有问题的行 shows."""

    sheet: str
    row: int  # 1-based, as in the unit's own workbook
    column: int  # 1-based
    severity: str
    reason: str

    @classmethod
    def of(cls, problem: Problem) -> _AtCell | None:
        """The problem's cell; None when it is about a whole file, sheet or row."""
        if problem.sheet and problem.source_row and problem.source_column:
            return cls(problem.sheet, problem.source_row, problem.source_column, problem.severity, problem.reason)
        return None

    @property
    def place(self) -> tuple[str, int, int]:
        return (self.sheet, self.row, self.column)


@dataclass
class _Block:
    """What a 整改清单 shows of one of the unit's sheets: its header row and its problem rows
    (masked), by their row numbers in the unit's own workbook."""

    sheet: str
    header_row: int | None  # 1-based row of the recognised header, None when not recognised
    header: list
    header_required: dict[int, bool]  # 0-based column → required, for the columns the schema names
    public: set[int]  # 0-based columns of public codes (统一社会信用代码), shown as written
    widths: dict[int, float]
    rows: dict[int, list]  # 1-based row number → the masked row
    problems: list[_AtCell]


def _problem_block(file: FileReport, source: Path, name: str, problems: list[_AtCell]) -> _Block | None:
    """The sheet's header and its problem rows as they may be shown (masked); None if it cannot be
    read again. Only the rows with a problem are shown: the rows around them are other people's
    data, which the clerk does not need in order to correct anything."""
    found = read_sheet_rows(source, name)
    if found is None:
        return None
    rows, merged = found
    if name not in {s.sheet for s in file.sheets} or is_csv(file):  # the cover; a CSV's first lines are its cover
        rows = masked_cover(rows, merged)
    match = recognise(name, rows)
    rows = masked_rows(name, rows)
    wanted = sorted({p.row for p in problems})
    header_index = match.row_index if match else None
    width = max(
        [_last_filled(rows[i]) for i in (*[n - 1 for n in wanted], header_index) if i is not None and i < len(rows)]
        + [p.column for p in problems],
        default=0,
    )  # as wide as what is shown, not as the sheet's farthest cell
    shown = {n: _padded(rows[n - 1] if n <= len(rows) else [], width) for n in wanted}
    header_row = match.row_index + 1 if match else None
    header = _padded(rows[match.row_index], width) if match else [column_letter(c) for c in range(width)]
    types = {cm.index: cm.column for cm in match.columns} if match else {}
    widths: dict[int, float] = {
        c: max(
            return_column_width(types[c].type, types[c].header) if c in types else MIN_COPY_WIDTH,
            fitted_width([header[c], *(row[c] for row in shown.values())], most=MAX_COPY_WIDTH),
        )
        for c in range(width)
    }
    required = {c: col.required for c, col in types.items()}
    public = {c for c, col in types.items() if col.type in PUBLIC_TYPES}
    return _Block(name, header_row, header, required, public, widths, shown, problems)


MIN_COPY_WIDTH, MAX_COPY_WIDTH = 8, 30


def _last_filled(row: list) -> int:
    """How many columns of a row reach its last non-empty cell."""
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i] not in ("", None)), 0)


def _padded(row: list, width: int) -> list:
    return list(row[:width]) + [""] * (width - len(row))


def is_csv(file: FileReport) -> bool:
    """A CSV return has no cover and no sheets: its 封面 is its first lines and its file name."""
    return file.source_file.lower().endswith(".csv")


class _Styles(Formats):
    def __init__(self, book):
        super().__init__(book)
        add = book.add_format
        self.block = add({"bold": True, "font_size": 12})
        self.instruction = add(
            {"bold": True, "font_color": "#C00000", "font_size": 12, "text_wrap": True, "valign": "top"}
        )
        self.label = add({"bold": True, "bg_color": HEADER_FILL, "border": 1, "valign": "top"})
        self.rejected = self.fill(REJECTED_FILL, font_color="#9C0006", text_wrap=True)
        self.warning = self.fill(WARNING_FILL, font_color="#9C5700", text_wrap=True)
        self.required = add({**REQUIRED_HEADER, "text_wrap": True, "valign": "vcenter"})
        self.optional = add({**OPTIONAL_HEADER, "text_wrap": True, "valign": "vcenter"})
        self.row_number = add({"border": 1, "valign": "top", "align": "center", "bold": True})
        self.red = self.fill(REJECTED_FILL, font_color="#9C0006")
        self.red_date = self.fill(REJECTED_FILL, font_color="#9C0006", num_format=DATE_FORMAT)
        self.yellow = self.fill(WARNING_FILL, font_color="#9C5700")
        self.yellow_date = self.fill(WARNING_FILL, font_color="#9C5700", num_format=DATE_FORMAT)


def reading_order(file: FileReport, problems: list[Problem]) -> list[Problem]:
    """Problems as the clerk should read them: what must be corrected before what to check; and
    within each, the file's and its cover's problems first (a wrong cover is why every sheet was
    refused), then sheet by sheet in the workbook's order, row by row."""
    sheets: dict[str | None, int] = {s.sheet: i for i, s in enumerate(file.sheets)}
    read = {s.sheet for s in file.sheets}
    return sorted(
        problems,
        key=lambda p: (
            p.severity != "rejected",
            not about_whole_file(p, read),
            sheets.get(p.sheet, -1),
            p.source_row or 0,
            p.source_column or 0,
        ),
    )


def _conclusion(file: FileReport, ordered: list[Problem]) -> str:
    """What happened to the file and what to do, in one paragraph. A file that could not be
    opened had no row read; a refused cover is one or two cells to fix, and the per-sheet lines
    after it are its consequence, not more to fix."""
    rejected = sum(p.severity == "rejected" for p in ordered)
    checks = len(ordered) - rejected
    whole = "整个文件" if is_csv(file) else "整个工作簿"
    if file.status == "unreadable":
        which = "第 1 条" if rejected <= 1 else f"第 1–{rejected} 条"
        return f"本文件未能打开，其中数据全部未计入统计：请按下表{which}处理后重新报送。"
    if file.held:
        return (
            "本文件暂扣，其中数据全部未计入统计，也没有取代任何单位的报表："
            f"{file.held}。请按下表第 1 条核实后重新报送{whole}。"
        )
    if file.status == "cover_invalid":
        sheets = {s.sheet for s in file.sheets}
        first = sum(1 for p in ordered if p.severity == "rejected" and about_whole_file(p, sheets))
        which = "第 1 条" if first == 1 else f"第 1–{first} 条"
        refused = [s for s in file.sheets if s.status == "rejected"]
        names = {s.sheet for s in refused}
        lines = sum(1 for p in ordered if p.severity == "rejected" and p.sheet in names and p.source_row is None)
        rows = sum(s.rows_rejected for s in refused)
        where = "文件开头或文件名中的填报单位、统计期" if is_csv(file) else "封面"
        if not refused:
            consequence = ""
        elif is_csv(file):
            consequence = f"，因此文件中的 {rows} 行数据全部未入库"
        else:
            consequence = f"，因此本文件 {len(refused)} 个工作表的 {rows} 行均未入库（下表其后逐表列出）"
        others = [f"{n} 处{word}" for n, word in ((rejected - first - lines, "须改正"), (checks, "请核对")) if n]
        also = f"；另有 {'、'.join(others)}" if others else ""
        return f"{where}有 {first} 处须改正（见下表{which}）{consequence}{also}：请改正后重新报送{whole}。"
    counts = f"有 {rejected} 处须改正、{checks} 处请核对。"
    if rejected:
        return counts + f"须改正的行未计入统计，请改正后重新报送{whole}。"
    return counts + "数据已全部按所读入库；如提醒之处有误，请改正后重新报送。"


def first_instruction(file: FileReport) -> str:
    """What the clerk must do first, before reading anything else: correct their own file."""
    whole = "整个文件" if is_csv(file) else "整个工作簿"
    own = "文件" if is_csv(file) else "工作簿"
    return (
        f"请在贵单位自己的原{own}（{file.source_file}）中改正下列问题，改好后重新报送{whole}。"
        "本清单只摘录有问题之处，不要在本清单上修改，也不要报送本清单。"
    )


def _how_to_read(file: FileReport, blocks: list[_Block]) -> str:
    """Promise only what the list holds: the problem rows, or none and why."""
    if blocks:
        return (
            f"工作表“{PROBLEM_ROWS_SHEET}”按工作表摘录了有问题的行（左边第一列是原表行号，其余各列与原表相同；"
            "身份证号、卡号、姓名、电话已部分隐藏）：红色单元格须改正，黄色单元格请核对，鼠标停在单元格上可看说明；"
            "点下表“查看”一栏的“去看”可跳到该单元格。"
        )
    if file.status == "unreadable":
        return "文件未能读取，本清单没有附上原表的行：请按上面的结论处理后重新报送。"
    return "下表逐条列出问题和改法：类别为“须改正”的须改正后重新报送，“请核对”的请核对，无误可不改。"


SUMMARY_WIDTHS = [12, 12, 8, 12, 21, 8, 9, 52]  # 序号/项目, 工作表, 单元格, 列标题, 填写内容 (a whole masked ID), …


def _summary(
    ws,
    styles: _Styles,
    file: FileReport,
    problems: list[Problem],
    loaded_at: str,
    places: dict[tuple[str, int, int], tuple[int, int]],
    blocks: list[_Block],
) -> None:
    ordered = reading_order(file, problems)
    widths = set_widths(ws, SUMMARY_WIDTHS)
    merged_width = sum(widths[1:])
    heading = (
        f"报表整改清单：{file.source_file}（暂扣：来源与封面填报单位不一致）"
        if file.held
        else f"{file.unit_name} 报表整改清单"
        if file.unit_name
        else f"报表整改清单：{file.source_file}（未能确定填报单位）"
    )
    ws.write_string(0, 0, heading, styles.title)
    instruction = first_instruction(file)
    ws.merge_range(1, 0, 1, len(widths) - 1, instruction, styles.instruction)
    set_wrapped_height(ws, 1, instruction, sum(widths) * 0.85)  # 12-point bold takes more room
    period = f"{file.period_start} 至 {file.period_end}" if file.period_start else "（未能确定）"
    used = (
        f"否（暂扣：{file.held}）"
        if file.held
        else {
            True: "是（本单位本统计期以此文件为准）",
            False: "否（已被更新的文件取代）",
            None: "否（本文件未能入库）",
        }[file.used]
    )
    facts = [
        ("报送文件", file.source_file),
        ("统计期", period),
        ("读取时间", loaded_at),
        ("是否采用", used),
        ("结论", _conclusion(file, ordered)),
        ("怎么看", _how_to_read(file, blocks)),
    ]
    for r, (label, fact) in enumerate(facts, start=3):
        ws.write_string(r, 0, label, styles.label)
        ws.merge_range(r, 1, r, 7, fact, styles.wrap)
        set_wrapped_height(ws, r, fact, merged_width)
    r = len(facts) + 4
    heads = ["工作表", "识别为", "读取行数", "入库", "拒收", "跳过", "状态", "跳过的行"]
    ws.write_row(r, 0, heads, styles.header)
    for s in file.sheets:
        r += 1
        title = schema_sheet(s.sheet_name).title if s.sheet_name else "—"
        skipped = (
            f"空行 {s.rows_blank}、标题/表头 {s.rows_title}、合计 "
            f"{s.rows_total}、注释 {s.rows_note}、隐藏 {s.rows_hidden}"
        )
        values = [
            s.sheet,
            title,
            s.rows_read,
            s.rows_loaded,
            s.rows_rejected,
            s.rows_skipped,
            STATUS_WORDS.get(s.status, s.status),
            skipped,
        ]
        for c, value in enumerate(values):
            write_value(ws, r, c, value, styles, text_format=styles.wrap)
        fit_row_height(ws, r, values, widths, (0, 1, 6, 7))
    r += 2
    table_head = r
    ws.write_row(
        r, 0, ["序号", "工作表", "单元格", "列标题", "填写内容", "类别", "查看", "说明（问题与改法）"], styles.header
    )
    shown = {(b.sheet, n, c): v for b in blocks for n, row in b.rows.items() for c, v in enumerate(row, start=1)}
    public = {(b.sheet, c + 1) for b in blocks for c in b.public}
    for n, p in enumerate(ordered, start=1):
        r += 1
        place = (
            f"{column_letter(p.source_column - 1)}{p.source_row}"
            if p.source_row and p.source_column
            else (f"第 {p.source_row} 行" if p.source_row else "—")
        )
        style = styles.rejected if p.severity == "rejected" else styles.warning
        at = _AtCell.of(p)
        written: object = p.value_shown or ""
        if at is not None and (at.sheet, at.column) in public:  # a public code is shown as written, not masked
            written = shown.get(at.place, written)
        values = [n, p.sheet or "（整个文件）", place, (p.column_header or "").replace("\n", ""), written]
        for c, v in enumerate(values):
            write_value(ws, r, c, v if not isinstance(v, float) else str(v), styles, text_format=styles.wrap)
        ws.write_string(r, 5, SEVERITY_WORDS[p.severity], style)
        target = places.get(at.place) if at is not None else None
        if target is not None:
            cell = f"{column_letter(target[1])}{target[0] + 1}"
            ws.write_url(r, 6, f"internal:'{PROBLEM_ROWS_SHEET}'!{cell}", styles.link, string="去看")
        else:
            ws.write_blank(r, 6, None, styles.cell)
        ws.write_string(r, 7, p.reason, styles.wrap)
        fit_row_height(ws, r, [*values, "", "", p.reason], widths, (1, 3, 4, 7))
    print_setup(ws, heading, widths, repeat_rows=(table_head, table_head))


def _problem_rows(ws, styles: _Styles, blocks: list[_Block]) -> dict[tuple[str, int, int], tuple[int, int]]:
    """The unit's problem rows, sheet by sheet: a line naming the sheet, its header row (in the
    template's colours), then each problem row with its row number in the unit's own workbook in
    the first column, problem cells filled (red: the row was not loaded until it is corrected;
    yellow: read, but please check) and commented with every reason. Returns where each problem
    cell landed: (sheet, source row, source column) → (row, column), 0-based."""
    width = max(len(b.header) for b in blocks)
    widths = [text_width(ROW_NUMBER_HEADER) + 2] + [
        max((b.widths.get(c, 0) for b in blocks), default=MIN_COPY_WIDTH) or MIN_COPY_WIDTH for c in range(width)
    ]
    set_widths(ws, widths)
    places: dict[tuple[str, int, int], tuple[int, int]] = {}
    r = 0
    header_rows = []
    for block in blocks:
        where = f"原表第 {block.header_row} 行是表头" if block.header_row else "未能识别表头，上方为列号"
        ws.write_string(r, 0, f"工作表“{block.sheet}”（{where}；下列只是有问题的行）", styles.block)
        r += 1
        header_rows.append(r)
        ws.write_string(r, 0, ROW_NUMBER_HEADER, styles.header)
        for c, value in enumerate(block.header):
            fmt = styles.required if block.header_required.get(c) else styles.optional
            ws.write_string(r, c + 1, "" if value is None else str(value), fmt)
        fit_row_height(ws, r, ["", *block.header], widths, range(1, len(block.header) + 1))
        at: dict[tuple[int, int], list[_AtCell]] = defaultdict(list)
        for p in block.problems:
            at[(p.row, p.column - 1)].append(p)
        for number, row in block.rows.items():
            r += 1
            ws.write_number(r, 0, number, styles.row_number)
            for c, value in enumerate(row):
                found = at.get((number, c))
                red = found and any(p.severity == "rejected" for p in found)
                fill, date_fill = (
                    (styles.red, styles.red_date)
                    if red
                    else (styles.yellow, styles.yellow_date)
                    if found
                    else (styles.wrap, styles.date)
                )
                _write(ws, r, c + 1, value, fill, date_fill)
                if found:
                    text = "\n".join(f"【{SEVERITY_WORDS[p.severity]}】{p.reason}" for p in found)
                    ws.write_comment(r, c + 1, text, {"author": AUTHOR, "x_scale": 3, "y_scale": 2.5})
                    places[(block.sheet, number, c + 1)] = (r, c + 1)
            fit_row_height(ws, r, ["", *row], widths, range(1, len(row) + 1))
        r += 2
    single = len(blocks) == 1
    print_setup(
        ws,
        PROBLEM_ROWS_SHEET,
        widths,
        repeat_rows=(header_rows[0] - 1, header_rows[0]) if single else None,
        freeze=(header_rows[0] + 1, 1) if single else (0, 1),  # the header in view; the row number always
    )
    return places


def _write(ws, r: int, c: int, value, fill, date_fill) -> None:
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        ws.write_datetime(r, c, moment, date_fill)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fill)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(r, c, value, fill)
    elif isinstance(value, float):  # NaN or infinity in the file: Excel has no such number, so as text
        ws.write_string(r, c, str(value), fill)
    elif value == "" or value is None:
        if fill is not None:
            ws.write_blank(r, c, None, fill)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fill)
    else:  # a time or duration: as text
        ws.write_string(r, c, str(value), fill)
