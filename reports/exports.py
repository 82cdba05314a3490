"""The figure catalogue as files the publicity office opens: figures.xlsx, figures.csv, figures.json.

Every figure (headline and breakdown rows) with its exact value, printed figure, 发布用语, 口径,
统计期 and 数据来源. The workbook adds 分单位 (each unit's part of a headline figure) and 来源文件
(every workbook of the period, adopted or replaced).

Files people open must not run anything: xlsxwriter writes every text as text
(`strings_to_formulas: False`), and the CSV puts a ' before a text cell that starts with
= + - @ (OWASP CSV injection), since Excel/WPS would otherwise read it as a formula. The CSV is
UTF-8 with a BOM: without it Excel and WPS read Chinese as GBK and show garbage.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from domain.periods import period_span
from ingest.workbooks.style import (
    Formats,
    fit_row_height,
    fitted_width,
    new_workbook,
    print_setup,
    set_widths,
    write_value,
)
from reports.edition import DEMO, PROVISIONAL, Edition
from reports.period_change import previous_period_of
from reports.provenance import adopted_submissions, figure_catalogue, unit_contributions

PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
SHARE, SHARE_TEXT = "占合计", re.compile(r"\d+(\.\d+)?%")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REJECTED_ROWS = "有误未计入的行"  # 来源文件: rows of the workbook in no figure until the clerk corrects them
NUMERIC_COLUMNS = frozenset({"数值", "上期数值", "分子", "分母", REJECTED_ROWS})
DATE_COLUMNS = frozenset({"填报日期"})  # ISO dates in the records, dates in the workbook
UNIT_COLUMNS = frozenset({"数值", "上期数值"})  # formatted by the figure's unit (元, %); 分子、分母 are counts
# The most a column grows to (characters, a CJK character counting two); longer text wraps. Columns
# not named fit their content. Narrow enough that a sheet printed one page wide stays legible.
MOST_WIDTHS = {
    "id": 24,
    "指标": 18,
    "分项": 14,
    "单位名称": 14,
    "同比": 14,
    "环比": 14,
    "发布用语": 22,
    "口径": 32,
    "数据来源": 40,
    "来源文件": 32,
    "报送文件": 32,
    "是否采用": 24,
    "可否发布": 12,
    "SHA-256": 66,  # whole, on one line: a hash cut in pieces cannot be compared by eye
}
WRAPPED = frozenset({"指标", "分项", "发布用语", "口径", "数据来源", "来源文件", "报送文件", "是否采用", "可否发布"})
# Grouped and collapsed (a click on + above the sheet shows them), so that a printed page holds
# what a reader quotes at a legible size: in 指标 the columns the same in every row (in 说明 and in
# each printed page's footer) and the long 数据来源 (whose files 来源文件 lists); in 分单位 来源文件.
COLLAPSED_COLUMNS = {
    "指标": frozenset({"统计期", "运行编号", "生成时间", "版本", "数据来源"}),
    "分单位": frozenset({"来源文件"}),
}


def neutralise(cell: str) -> str:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; a plain
    number (a negative change) is left as it is."""
    if cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _stamp(generated_at: datetime) -> str:
    return generated_at.strftime("%Y-%m-%d %H:%M:%S")


def catalogue_records(
    indicators: pd.DataFrame,
    *,
    run_id: str,
    generated_at: datetime,
    sources: pd.DataFrame,
    figure_sources: pd.DataFrame | None = None,
    edition: Edition = Edition(),
) -> tuple[list[dict], list[dict]]:
    """(one record per figure, one record per unit part of a headline figure); each figure says
    its edition (草稿 / 第 n 版, 演示数据) and, when provisional, why."""
    entries = figure_catalogue(indicators, sources, figure_sources)
    status = "·".join([edition.status, *([DEMO] if edition.demo else [])])
    figures = [
        {
            **e.record(run_id, _stamp(generated_at)),
            "版本": status,
            PROVISIONAL: edition.provisional.get(e.indicator_id, ""),
        }
        for e in entries
    ]
    return figures, unit_contributions(entries)


def source_records(sources: pd.DataFrame, sheet_rows: pd.DataFrame | None = None) -> list[dict]:
    """One record per workbook of the period: whether it is used, and how many of its rows were
    left out of every figure because the clerk must correct them (see the unit's 整改清单)."""
    frame = adopted_submissions(sources)
    rejected: dict[str, int] = {}
    if sheet_rows is not None and "rows_rejected" in sheet_rows:
        rejected = {str(f): int(n) for f, n in sheet_rows.groupby("source_file")["rows_rejected"].sum().items()}
    return [
        {
            "单位代码": code,
            "单位名称": short,
            "报送文件": name,
            "SHA-256": sha or "",
            "填报日期": "" if pd.isna(filled) else str(pd.Timestamp(filled).date()),
            "是否采用": "采用"
            if adopted
            else f"未采用（{reason if isinstance(reason, str) and reason else '已被该单位的其他报表替代'}）",
            REJECTED_ROWS: rejected.get(name, 0),
        }
        for code, short, name, sha, filled, adopted, reason in zip(
            frame["unit_code"],
            frame["unit_short"],
            frame["source_file"],
            frame["file_sha256"],
            frame["filled_on"],
            frame["adopted"],
            frame["status_reason"],
            strict=True,
        )
    ]


def _json_record(record: dict) -> dict:
    """Numbers as JSON numbers where the value is exact as one (else the exact text), and null
    for an empty number, so that a script reading figures.json need not parse strings."""
    return {k: (_cell_value(k, str(v)) if str(v) else None) if k in NUMERIC_COLUMNS else v for k, v in record.items()}


def _cell_value(column: str, text: str):
    """Exact numbers stay numbers when a float holds them exactly; otherwise exact text."""
    if column in NUMERIC_COLUMNS and text:
        number = float(text)
        if Decimal(repr(number)) == Decimal(text):
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return text


def _sheet(book, name: str, records: list[dict], columns: list[str], formats: Formats, title: str) -> None:
    """One table: header frozen and repeated on every printed page, numbers formatted by the
    figure's unit (a count 1,234, 元 1,234.56, a rate 12.35%, a share 7.52%), dates as dates,
    columns as wide as their values (wrapped beyond MOST_WIDTHS), one page wide."""
    sheet = book.add_worksheet(name)
    cells = [[_cell_value(t, str(r.get(t, ""))) for t in columns] for r in records]
    widths = [
        fitted_width([t, *(row[col] for row in cells)], most=MOST_WIDTHS.get(t, 24)) for col, t in enumerate(columns)
    ]
    collapsed = COLLAPSED_COLUMNS.get(name, frozenset())
    for col, (t, width) in enumerate(zip(columns, widths, strict=True)):
        hidden = t in collapsed
        sheet.set_column(col, col, width, None, {"level": 1, "hidden": True} if hidden else {})
        sheet.write_string(0, col, t, formats.header)
    wrapped = [col for col, t in enumerate(columns) if t in WRAPPED and t not in collapsed]  # collapsed: one line
    printed = [w for t, w in zip(columns, widths, strict=True) if t not in collapsed]
    for row, (record, values) in enumerate(zip(records, cells, strict=True), start=1):
        unit = str(record.get("单位", ""))
        for col, (t, value) in enumerate(zip(columns, values, strict=True)):
            if value == "":
                sheet.write_blank(row, col, None, formats.cell)  # blank, which Excel counts and filters as blank
                continue
            if t == SHARE and SHARE_TEXT.fullmatch(value):
                sheet.write_number(row, col, float(value[:-1]) / 100, formats.ratio)  # sortable, shown as 7.52%
            elif t in DATE_COLUMNS:
                write_value(sheet, row, col, date.fromisoformat(value), formats)
            elif isinstance(value, str):
                write_value(sheet, row, col, value, formats, text_format=formats.wrap if col in wrapped else None)
            else:
                write_value(sheet, row, col, value, formats, unit if t in UNIT_COLUMNS else "")
        fit_row_height(sheet, row, values, widths, wrapped)
    print_setup(sheet, title, printed, repeat_rows=(0, 0), freeze=(1, 0))
    if records:
        sheet.autofilter(0, 0, len(records), len(columns) - 1)


def write_xlsx(
    path: Path, figures: list[dict], parts: list[dict], files: list[dict], about: list[tuple[str, str]]
) -> Path:
    facts = dict(about)
    created = datetime.fromisoformat(facts["生成时间"]) if facts.get("生成时间") else datetime.now()
    edition = f"{facts.get('版本', '')}，运行编号 {facts.get('运行编号', '')}"
    title = f"数说工会 数字表 {facts.get('统计期', '')}（{edition}）"
    book = new_workbook(path, title, created)
    formats = Formats(book)
    _sheet(book, "指标", figures, list(figures[0]) if figures else [], formats, title)
    part_columns = [
        "id",
        "指标",
        "单位名称",
        "数值",
        "单位",
        *compared_columns(figures),
        "印刷数字",
        "占合计",
        "分子",
        "分母",
        "发布用语",
        "来源文件",
        "可否发布",
    ]
    _sheet(book, "分单位", parts, part_columns, formats, title)
    _sheet(
        book,
        "来源文件",
        files,
        ["单位代码", "单位名称", "报送文件", "SHA-256", "填报日期", "是否采用", REJECTED_ROWS],
        formats,
        title,
    )
    notes = book.add_worksheet("说明")
    widths = set_widths(notes, [14, 90])
    for row, (name, text) in enumerate(about):
        notes.write_string(row, 0, name, formats.header)
        notes.write_string(row, 1, text, formats.wrap)
        fit_row_height(notes, row, [name, text], widths, [1])
    print_setup(notes, title, widths)
    book.close()
    return path


def compared_columns(figures: list[dict]) -> list[str]:
    """上期数值 and 同比 (or 环比) when the figures carry a previous period, else none."""
    first = figures[0] if figures else {}
    return [c for c in ("上期数值", "同比", "环比") if c in first]


def write_csv(path: Path, figures: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        if figures:
            writer.writerow(list(figures[0]))
        for record in figures:
            writer.writerow([neutralise(str(v)) for v in record.values()])
    return path


def about_rows(
    run_id: str,
    generated_at: datetime,
    figures: list[dict],
    previous_period: str | None = None,
    edition: Edition = Edition(),
) -> list[tuple[str, str]]:
    period = figures[0]["统计期"] if figures else ""
    return [
        *([("注意", edition.banner)] if edition.banner else []),
        ("版本", edition.status + ("（演示数据）" if edition.demo else "")),
        ("统计期", period),
        ("运行编号", run_id),
        ("生成时间", _stamp(generated_at)),
        ("数值", "未经四舍五入的准确值；比率以百分数表示，由分子÷分母算出，保留六位小数。"),
        (
            "显示",
            "Excel 表中数字按千分位显示（金额两位小数，比率带百分号，如 12.35%），单元格（编辑栏）中仍是上述准确值；"
            "“指标”表中每行相同的统计期、运行编号、生成时间、版本（打印时见页脚）和较长的数据来源几列已折叠，"
            "“分单位”表中来源文件一列也已折叠，点表格上方的“+”展开。",
        ),
        ("印刷数字", "公报中印出的写法（取整、万、余等规则只在印刷时应用一次）。"),
        ("发布用语", "稿件中引用该数字时的说法，可直接复制使用。"),
        ("数据来源", "该数字所依据的报送单位及其报表文件（每个单位只采用本期最新一份报表）。"),
        ("可否发布", "涉及敏感个人信息的分单位数字不对外公布，只给出原因。"),
        (
            PROVISIONAL,
            "有待单位更正的问题时发布的数字为初步数，此列写明原因（哪些单位、哪些表、多少行）；为空即为正式数。",
        ),
        (
            "占合计",
            "分单位数值÷全区合计。会员、企业按各单位自己的名册计：同一人或同一企业被两个单位填报时，"
            "两个单位各计一次、全区合计只计一次，所以各单位之和可能大于合计，占比之和可能超过100%。",
        ),
        *previous_rows(figures, previous_period),
    ]


def previous_rows(figures: list[dict], previous_period: str | None) -> list[tuple[str, str]]:
    """The 说明 lines for 上期数值 and 同比, only when the figures carry them."""
    columns = compared_columns(figures)
    if not columns:
        return []
    word = columns[-1]
    return [
        ("上期数值", f"上一统计期（{previous_period or '与本期等长的前一期'}）同一口径的准确值；上期没有该项时为空。"),
        (
            word,
            f"{word}变化：比率以百分点计，小数位数与该比率印出的相同、至少一位（如“提高1.25个百分点”“提高1.0个百分点”）；"
            "其余数字以百分比计，保留一位小数（如“增长7.5%”“下降2.9%”）；"
            "上期为0或没有上期数值时记为“—”；与上期完全相同记为“持平”，变化小到保留位数显示不出时记为“基本持平”。",
        ),
    ]


def write_exports(
    indicators: pd.DataFrame,
    out_dir: Path,
    *,
    run_id: str,
    generated_at: datetime,
    sources: pd.DataFrame,
    sheet_rows: pd.DataFrame | None = None,
    figure_sources: pd.DataFrame | None = None,
    edition: Edition = Edition(),
) -> dict[str, Path]:
    """Write figures.xlsx, figures.csv and figures.json into out_dir; keys "xlsx", "csv", "json".

    `sources` is raw.submissions of the period; `sheet_rows` (raw.ingest_sheets: source_file,
    sheet_name, rows_loaded, rows_rejected) gives each file's rows not loaded; `figure_sources`
    (marts.figure_sources) the returns each figure rests on — reports.provenance.load_sources(warehouse)
    reads all three."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures, parts = catalogue_records(
        indicators,
        run_id=run_id,
        generated_at=generated_at,
        sources=sources,
        figure_sources=figure_sources,
        edition=edition,
    )
    files = source_records(sources, sheet_rows)
    before = previous_period_of(indicators)
    about = about_rows(
        run_id,
        generated_at,
        figures,
        period_span(*before) if before else None,
        edition,
    )
    paths = {
        "xlsx": write_xlsx(out_dir / "figures.xlsx", figures, parts, files, about),
        "csv": write_csv(out_dir / "figures.csv", figures),
        "json": out_dir / "figures.json",
    }
    document = {
        "edition": edition.to_json(),
        "run_id": run_id,
        "generated_at": _stamp(generated_at),
        "figures": [_json_record(f) for f in figures],
        "unit_parts": [_json_record(p) for p in parts],
        "source_files": files,
    }
    paths["json"].write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths
