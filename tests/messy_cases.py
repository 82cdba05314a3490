"""The small messy corpus: one file per way a clerk departs from the template, each with what
ingest must make of it (tests/test_messy_ingest.py, tests/test_feedback_workbook.py).

| file | what is messy |
|---|---|
| 月坛_2018年度.xlsx | cover "填报单位：…" in one cell; a hidden sheet; 会员名册 and 帮扶救助 (below) |
|   (会员名册) | renamed Sheet1, synonyms, reordered, 序号/备注, 基层工会 merged, blank rows, 合计, notes, bad rows |
|   (帮扶救助) | a "单位：万元" line, a header that says 元 anyway, a wrong 合计 |
| 德胜街道工会服务站_2018年度.xls | Excel 97: 培训 with 类别 merged, headers with (brackets), line breaks; a bad row |
| 新街口_2018年度.xlsm | macro-enabled file: 劳动争议调解 with 金额(万元), 小计 rows, the header repeated mid-table |
| 展览路_2018年度.xlsx | written by a program: a formula without a saved result in a data row and in the 合计 row |
| 金融街街道工会服务站_2018年度_会员名册.csv | UTF-8 with BOM, unit/period/sheet from the file name |
| 什刹海_2018年度_培训.csv | GBK |
| 就业服务导出.csv | UTF-8 without BOM, cover lines on top, sheet known by its headers |
| 导出数据.csv | nothing says whose it is: every row rejected |
| 天桥/初报.xlsx, 天桥/更正.xlsx | a resubmission that leaves out a sheet the first file had |
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal as D
from pathlib import Path

from messy_corpus import Bad, Expected, Formula, Grid, Style, cover_grid, messy_sheet, write_messy_return
from messy_grids import write_grids
from test_ingest_workbook_builder import luhn_card, person_id

from ingest.clean.validators import credit_check_char

d = dt.date
CREDIT_A = "91110102MA0000001" + credit_check_char("91110102MA0000001")
CREDIT_B = "91110102MA0000002" + credit_check_char("91110102MA0000002")
EXCEL_ID = 110102198503120011.0  # an ID typed as a number: its last digits are gone


def members(first: int, n: int) -> list[tuple]:
    return [
        (
            f"张{'三四五六七八九十'[i % 8]}{i}",
            person_id(first + i),
            "甲公司工会" if i < n // 2 else "乙公司工会",
            CREDIT_A if i < n // 2 else CREDIT_B,
            d(2015, 1 + i % 12, 1 + i),
            "男" if i % 2 else "女",
            i % 3 == 0,
        )
        for i in range(n)
    ]


def trainings(n: int, category: str = "通用能力") -> list[tuple]:
    return [
        (f"班次{i}", category if i < n - 1 else "专业技能", f"单位{i}", d(2018, 3, 1 + i), 10 * (i + 1))
        for i in range(n)
    ]


AID = [
    (
        f"王{i}",
        person_id(300 + i),
        "在档困难职工",
        "深度困难",
        "送温暖",
        D("1500.00") + i,
        D("200.50"),
        d(2018, 1, 10 + i),
    )
    for i in range(3)
]
CASES = [
    (f"K{i}", d(2018, 4, 1 + i), d(2018, 5, 1 + i), "欠薪", i + 1, D("12345.67") * (i + 1), "调解成功")
    for i in range(5)
]
CARDS = [
    (f"卡{i}", person_id(400 + i), luhn_card(400 + i), d(2018, 2, 1 + i), "正常", None, d(2018, 2, 2 + i))
    for i in range(3)
]
JOBS = [(f"招聘会{i}", "招聘会", d(2018, 6, 1 + i), 5 + i, 20 + i) for i in range(3)]


@dataclass
class FileCase:
    unit_code: str | None  # None: the file cannot be attributed
    sheets: dict[str, Expected] = field(default_factory=dict)
    warnings: list[tuple[str | None, int | None, str | None]] = field(default_factory=list)  # (sheet, row, header)
    used: bool | None = True


def build_corpus(folder: Path) -> dict[str, FileCase]:
    """Write every case into `folder`; source_file → what ingest must find."""
    cases: dict[str, FileCase] = {}

    bad_members = [
        Bad(("坏一", EXCEL_ID, "甲公司工会", CREDIT_A, d(2016, 1, 1), "男", "是"), ("person",)),
        Bad(("坏二", person_id(90), "甲公司工会", CREDIT_A, "2018-02-30", "男", "否"), ("joined_on",)),
        Bad(("坏三", person_id(91), "", CREDIT_B, d(2016, 1, 1), "女", "否"), ("grassroots_union",)),
    ]
    member_style = Style(
        order="rotated",
        synonyms=True,
        extra_columns=True,
        merge_column="grassroots_union",
        blank_every=3,
        notes=True,
        title_rows=3,
        bad=bad_members,
        bad_at=2,
    )
    aid_style = Style(wan_yuan="line", total="wrong", header_noise=True)
    hidden, _ = messy_sheet(_sheet("trainings"), trainings(2), Style(), "旧表")
    hidden.hidden = True
    expected = write_messy_return(
        folder / "月坛_2018年度.xlsx",
        "月坛街道工会服务站",
        [("members", members(1, 8), member_style, "Sheet1"), ("aid_payments", AID, aid_style, None)],
        cover=cover_grid("月坛街道工会服务站", one_cell=True),
        hidden=[hidden],
    )
    cases["月坛_2018年度.xlsx"] = FileCase("S03", expected, warnings=[("旧表", None, None)])

    training_style = Style(
        header_noise=True,
        merge_column="category",
        total="right",
        variant=1,
        bad=[Bad(("坏班", "通用能力", "单位", d(2018, 3, 1), "十二"), ("person_times",))],
    )
    card_style = Style(order="reversed", variant=2)
    expected = write_messy_return(
        folder / "德胜街道工会服务站_2018年度.xls",
        "德胜街道工会服务站",
        [("trainings", trainings(6), training_style, None), ("cards", CARDS, card_style, None)],
    )
    cases["德胜街道工会服务站_2018年度.xls"] = FileCase("S05", expected)

    case_style = Style(wan_yuan="header", subtotal_every=2, total="right", repeat_header_at=4, title_rows=0)
    expected = write_messy_return(
        folder / "新街口_2018年度.xlsm", "新街口", [("mediation_cases", CASES, case_style, None)]
    )
    cases["新街口_2018年度.xlsm"] = FileCase("S02", expected)

    cases["展览路_2018年度.xlsx"] = _formulas(folder / "展览路_2018年度.xlsx")

    csv_style = Style(text_only=True, variant=3, blank_every=4)
    expected = write_messy_return(
        folder / "金融街街道工会服务站_2018年度_会员名册.csv", "", [("members", members(20, 6), csv_style, "会员名册")]
    )
    cases["金融街街道工会服务站_2018年度_会员名册.csv"] = FileCase("S06", expected)
    expected = write_messy_return(
        folder / "什刹海_2018年度_培训.csv",
        "",
        [
            (
                "trainings",
                trainings(3, "安全生产"),
                Style(text_only=True, synonyms=True, title_rows=0, total="right"),
                "培训",
            )
        ],
        encoding="gb18030",
    )
    cases["什刹海_2018年度_培训.csv"] = FileCase("S07", expected)
    cases["就业服务导出.csv"] = _csv_with_cover_lines(folder / "就业服务导出.csv")

    expected = write_messy_return(
        folder / "导出数据.csv", "", [("trainings", trainings(2), Style(text_only=True, title_rows=0), "导出数据")]
    )
    exp = expected["导出数据"]
    exp.rejected = {(r, "班次名称") for r in exp.loaded}  # rows counted as rejected: no unit to attribute them to
    exp.loaded = {}
    cases["导出数据.csv"] = FileCase(None, expected, used=None)

    first = write_messy_return(
        folder / "天桥" / "初报.xlsx",
        "天桥街道工会服务站",
        [("members", members(40, 2), Style(), None), ("trainings", trainings(2), Style(), None)],
        filled_on="2019-01-05",
    )
    cases["天桥/初报.xlsx"] = FileCase("S09", first, used=False)
    second = write_messy_return(
        folder / "天桥" / "更正.xlsx",
        "天桥街道工会服务站",
        [("members", members(40, 3), Style(), None)],
        filled_on="2019-01-10",
    )
    cases["天桥/更正.xlsx"] = FileCase("S09", second, warnings=[(None, None, None)])
    return cases


def _sheet(name: str):
    from domain.schema import sheet

    return sheet(name)


def _formulas(path: Path) -> FileCase:
    """A program-written file (openpyxl): formulas carry no saved result."""
    rows = trainings(3)
    grid, exp = messy_sheet(_sheet("trainings"), rows, Style(total="right"))
    formula_row = max(exp.loaded)  # the last data row's 参训人次 becomes =10*3
    grid.rows[formula_row - 1][4] = Formula("10*3")
    exp.rejected.add((formula_row, "参训人次"))
    del exp.loaded[formula_row]
    total_row = formula_row + 1
    grid.rows[total_row - 1][4] = Formula("SUM(E4:E6)")  # not compared: no result saved
    write_grids(path, [cover_grid("展览路街道工会服务站"), grid])
    return FileCase("S04", {grid.name: exp})


def _csv_with_cover_lines(path: Path) -> FileCase:
    grid, exp = messy_sheet(_sheet("job_events"), JOBS, Style(text_only=True, title_rows=0), "就业服务导出")
    cover = [
        ["填报单位", "大栅栏街道工会服务站", "", "", ""],
        ["统计期起", "2018-01-01", "", "", ""],
        ["统计期止", "2018年12月31日", "", "", ""],
        ["填报日期", "2019/1/6", "", "", ""],
    ]
    shifted = Expected(
        exp.sheet_name, {r + len(cover): row for r, row in exp.loaded.items()}, title=exp.title + len(cover)
    )
    write_grids(path, [Grid(grid.name, cover + grid.rows)], encoding="utf-8")
    return FileCase("S08", {grid.name: shifted})
