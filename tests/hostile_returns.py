"""The corpus of hostile and careless returns (tests/test_hostile_returns_run.py), made by code
beside the demo returns: each case is a file (or link) name → how to make it in a folder, and
what the reason given for it must say. Built with the builders of tests/test_hostile_files.py
(bare workbook parts) and tests/test_ingest_workbook_builder.py (returns after the template)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from test_hostile_files import MAIN, sheet_xml, workbook
from test_ingest_workbook_builder import headers_of, write_return

from domain.schema import units
from ingest.find.file_guard import OLE_MAGIC

OTHER_PERIOD = ("2016-01-01", "2016-12-31")  # loaded, but in no figure of 2018: other units' figures stay
RELIEF = headers_of("summer_relief")  # 慰问点, 日期, 投入资金（元）, 清凉包份数
NAN_PLACEHOLDER = 12345.678
LONG_NAME = ("关于报送本单位二〇一八年度职工服务与帮扶救助工作情况统计报表的说明及附件（第二次修订稿）" * 2)[
    :80
]  # 240 bytes: legal, but 240 + "_整改清单.xlsx" is not


@dataclass(frozen=True)
class Case:
    name: str  # as it lies in the input folder
    make: Callable[[Path, Path], None]  # (the file's path, a folder outside the input folder)
    says: tuple[str, ...]  # what the file's reasons must say, all of it
    unit_short: str | None = None  # the unit 提交情况 must tie the file to


def _rewritten(path: Path, old: bytes, new: bytes) -> None:
    """The workbook with `old` replaced by `new` in every part (a <v>NaN</v> Excel would not write)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            archive.writestr(info, data.replace(old, new))


def _impossible_numbers(path: Path, _outside: Path) -> None:
    day = dt.date(2016, 7, 1)
    write_return(
        path,
        {
            "送清凉": (
                RELIEF,
                [
                    ["一号站", day, 1e308, 10],
                    ["二号站", day, NAN_PLACEHOLDER, 3],
                    ["三号站", day, 100, 1e300],
                    ["四号站", day, 200, 2.5],
                    ["五号站", day, "12345678901234567890", 4],
                    ["六号站", day, 300, 5],
                ],
            )
        },
        period=OTHER_PERIOD,
    )
    _rewritten(path, f"<v>{NAN_PLACEHOLDER}</v>".encode(), b"<v>NaN</v>")


def _csv_impossible_numbers(path: Path, _outside: Path) -> None:
    """The CSV path: numbers arrive as text ("NaN", "Infinity", "1e999999999" parse as Decimals)."""
    lines = [
        ",".join(RELIEF),
        "一号站,2016-07-01,NaN,1",
        "二号站,2016-07-01,Infinity,2",
        "三号站,2016-07-01,1e999999999,3",
        "四号站,2016-07-01,100,1e308",
        "五号站,2016-07-01,200,-inf",
        "六号站,2016-07-01,300,6",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _date_out_of_range(path: Path, _outside: Path) -> None:
    """A date-formatted cell holding -1e20: calamine panics turning it into a date (found by the fuzz test)."""
    day = dt.date(2016, 7, 1)
    write_return(path, {"送清凉": (RELIEF, [["一号站", day, 100, 1]])}, period=OTHER_PERIOD)
    serial = (day - dt.date(1899, 12, 30)).days
    _rewritten(path, f"<v>{serial}</v>".encode(), b"<v>-1e20</v>")


def _twin_sheet_names(path: Path, _outside: Path) -> None:
    """Two sheets alike in their first 28 characters (31 are legal), each with a rejected cell."""
    stem = "送清凉活动情况统计表（二〇一六年度第一批次补充材料"[:28]
    day = dt.date(2016, 7, 1)
    write_return(
        path,
        {stem + "甲一号": (RELIEF, [["站", day, -5, 1]]), stem + "乙二号": (RELIEF, [["站", day, 5, -1]])},
        period=OTHER_PERIOD,
        unit=next(u.name for u in units() if u.code == "S09"),
    )  # not the other file's unit


def _damaged(path: Path, _outside: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + b"\0" * 200)


def _bare_cells(path: Path, _outside: Path) -> None:
    workbook(
        path,
        sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">' + "<c><v>1</v></c>" * 16_384 + "</row>"),
    )


def _bare_rows(path: Path, _outside: Path) -> None:
    workbook(path, sheet_xml("<row/>" * 150_000 + "<row>" + "<c><v>1</v></c>" * 200 + "</row>"))


def _string_count(path: Path, _outside: Path) -> None:
    workbook(
        path,
        parts={
            "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="4000000000">'
            "<si><t>姓名</t></si></sst>"
        },
    )


def _link_to_a_workbook_outside(path: Path, outside: Path) -> None:
    target = outside / "别处的报表.xlsx"
    write_return(target, {"送清凉": (RELIEF, [["站", dt.date(2018, 7, 1), 100, 1]])})
    os.symlink(target, path)


def _link_to_a_system_file(path: Path, _outside: Path) -> None:
    os.symlink("/etc/passwd", path)


def _dangling_link(path: Path, outside: Path) -> None:
    os.symlink(outside / "不存在.xlsx", path)


def _xlsb(path: Path, _outside: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:  # what matters is that it is never opened
        archive.writestr("xl/workbook.bin", b"\0" * 16)


def _ods(path: Path, _outside: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")


def _numbers_package(path: Path, _outside: Path) -> None:
    (path / "Index").mkdir(parents=True)  # on a Mac a .numbers is a folder
    (path / "Index" / "Document.iwa").write_bytes(b"\0" * 16)


def _encrypted(path: Path, _outside: Path) -> None:
    path.write_bytes(OLE_MAGIC + b"\0" * 512 + "EncryptedPackage\0".encode("utf-16-le") + b"\0" * 512)


def _short(code: str) -> str:
    return next(u.short for u in units() if u.code == code)


def cases() -> list[Case]:
    """The corpus; units are named by their short names (their demo returns stay in the folder)."""
    s03, s05, s07 = _short("S03"), _short("S05"), _short("S07")
    return [
        Case(
            "不可能的数字_2016年度.xlsx", _impossible_numbers, ("不是有效的数字", "金额过大", "数字过大", "不能有小数")
        ),
        Case("相似表名_2016年度.xlsx", _twin_sheet_names, ("负数",)),
        Case(
            f"{_short('S11')}_2016年度_送清凉.csv", _csv_impossible_numbers, ("不是有效的数字", "金额过大", "数字过大")
        ),
        Case("日期溢出_2016年度.xlsx", _date_out_of_range, ("送清凉", "绝对值过大的负数", "另存为 .xlsx")),
        Case(f"{LONG_NAME}.xlsx", _damaged, ("损坏",)),
        Case(f"{s03}_末行无地址.xlsx", _bare_cells, ("会员名册", "超过上限"), s03),
        Case("空行无地址.xlsx", _bare_rows, ("会员名册", "超过上限")),
        Case("字符串表.xlsx", _string_count, ("sharedStrings.xml", "声明有")),
        Case(f"{s05}_链接.xlsx", _link_to_a_workbook_outside, ("符号链接", f"{s05}_链接.xlsx"), s05),
        Case("系统文件.csv", _link_to_a_system_file, ("符号链接", "系统文件.csv")),
        Case("断开的链接.xlsx", _dangling_link, ("符号链接", "断开的链接.xlsx")),
        Case(f"{s07}_2018年度.xlsb", _xlsb, (".xlsb", "另存为"), s07),
        Case("表格.ods", _ods, (".ods", "另存为")),
        Case("表格.numbers", _numbers_package, (".numbers", "另存为")),
        Case("加密.xlsx", _encrypted, ("密码", "另存为 .xlsx")),
    ]


def lay_out(folder: Path, outside: Path, demo: Path, chosen: list[Case]) -> None:
    """The demo's returns, copied, and the chosen cases beside them."""
    folder.mkdir(parents=True)
    outside.mkdir(parents=True, exist_ok=True)
    for path in sorted(demo.iterdir()):
        if path.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".csv"):
            shutil.copy(path, folder / path.name)
    for case in chosen:
        case.make(folder / case.name, outside)
