"""整改清单, the sheet of that name: what to do first (correct the unit's own workbook and send it
again; never this list), what happened to the file, what was read, loaded, rejected and skipped
sheet by sheet, and every problem in plain words, in the order a clerk should read them."""

from __future__ import annotations

from domain.schema import sheet as schema_sheet
from ingest.read.cover import about_whole_file
from ingest.read.sheet_reader import column_letter
from ingest.report import FileReport, Problem
from ingest.workbooks.feedback_rows import PROBLEM_ROWS_SHEET, AtCell, ProblemBlock, is_csv
from ingest.workbooks.feedback_style import SEVERITY_WORDS, FeedbackStyles
from ingest.workbooks.style import fit_row_height, print_setup, set_widths, set_wrapped_height, write_value

SUMMARY_SHEET = "整改清单"
STATUS_WORDS = {
    "loaded": "已读取",
    "empty": "空表",
    "hidden": "隐藏（未读取）",
    "unrecognised": "无法识别（未读取）",
    "rejected": "未入库",
}


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


def _how_to_read(file: FileReport, blocks: list[ProblemBlock]) -> str:
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


def write_summary(
    ws,
    styles: FeedbackStyles,
    file: FileReport,
    problems: list[Problem],
    loaded_at: str,
    places: dict[tuple[str, int, int], tuple[int, int]],
    blocks: list[ProblemBlock],
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
        at = AtCell.of(p)
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
