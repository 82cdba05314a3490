"""Tiny return workbooks for the ingest tests, written with xlsxwriter after ingest/workbooks/layout.py
(cover 填报说明 with header in column A and value in B; each sheet: title row, hint row, header
row, data). Other ingest tests import from here; the tests below check the builder itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import python_calamine as calamine
import xlsxwriter

from domain.schema import cover_title, sheet
from ingest.clean.validators import id_check_char
from ingest.workbooks import layout

UNIT = "月坛街道工会服务站"


def person_id(n: int, birth: str = "19850312", region: str = "110102") -> str:
    first17 = f"{region}{birth}{n:03d}"
    return first17 + id_check_char(first17)


def luhn_card(n: int, prefix: str = "622202") -> str:
    body = f"{prefix}{n:09d}"  # 15 digits + check = 16
    total = 0
    for i, d in enumerate(reversed(body)):
        v = int(d)
        if i % 2 == 0:
            v = v * 2 - 9 if v * 2 > 9 else v * 2
        total += v
    return body + str((10 - total % 10) % 10)


def headers_of(sheet_name: str) -> list[str]:
    return [c.header for c in sheet(sheet_name).columns]


def write_return(
    path: Path,
    sheets: dict[str, tuple[list[str], list[list]]],
    *,
    unit: str = UNIT,
    period: tuple[object, object] = ("2018-01-01", "2018-12-31"),
    filled_on: object = "2019-01-05",
    rows_above_header: list[list] | None = None,
    hidden: dict[str, tuple[list[str], list[list]]] | None = None,
) -> Path:
    """Write one return. `sheets`: sheet name as in the file → (headers, rows). Cells are written
    as given: str as text, int/float as numbers, datetime.date as a date-formatted number.
    `rows_above_header` replaces the template's title and hint rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    date_format = book.add_format({"num_format": layout.DATE_FORMAT})

    def put(ws, r: int, c: int, value: object) -> None:
        if isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
        elif isinstance(value, str):
            ws.write_string(r, c, value)
        elif value is not None:
            ws.write(r, c, value)

    cover = book.add_worksheet(cover_title())
    cover.write_string(layout.TITLE_ROW - 1, 0, layout.WORKBOOK_TITLE)
    fields = [
        ("填报单位", unit),
        ("统计期起", period[0]),
        ("统计期止", period[1]),
        ("填报人", "张三"),
        ("联系电话", "010-12345678"),
        ("填报日期", filled_on),
    ]
    for offset, (header, value) in enumerate(fields):
        cover.write_string(layout.COVER_FIRST_FIELD_ROW - 1 + offset, 0, header)
        put(cover, layout.COVER_FIRST_FIELD_ROW - 1 + offset, 1, value)
    for name, (headers, rows) in {**sheets, **(hidden or {})}.items():
        ws = book.add_worksheet(name)
        above = rows_above_header if rows_above_header is not None else [[name], ["填报说明：按表头逐行填写。"]]
        for r, row in enumerate(above):
            for c, value in enumerate(row):
                put(ws, r, c, value)
        header_at = len(above)
        for c, header in enumerate(headers):
            ws.write_string(header_at, c, header)
        for r, row in enumerate(rows, start=header_at + 1):
            for c, value in enumerate(row):
                put(ws, r, c, value)
        if hidden and name in hidden:
            ws.hide()
    book.close()
    return path


def test_builder_follows_the_template_layout(tmp_path):
    path = write_return(
        tmp_path / "a.xlsx", {"培训": (headers_of("trainings"), [["班", "通用能力", "甲", dt.date(2018, 3, 5), 3]])}
    )
    book = calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("培训").to_python(skip_empty_area=False)
    assert rows[layout.HEADER_ROW - 1][0] == "班次名称"
    assert rows[layout.FIRST_DATA_ROW - 1][3] == dt.date(2018, 3, 5)
    cover = book.get_sheet_by_name(cover_title()).to_python(skip_empty_area=False)
    assert cover[layout.COVER_FIRST_FIELD_ROW - 1][:2] == ["填报单位", UNIT]


def test_generated_ids_and_cards_are_valid():
    from ingest.clean.validators import card_number, resident_id

    assert resident_id(person_id(7)) == person_id(7)
    assert card_number(luhn_card(42)) == luhn_card(42)
