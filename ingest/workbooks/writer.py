"""Write a return workbook (报表工作簿) in the layout of ingest/workbooks/layout.py, driven entirely by
the submission schema: the blank templates and the demo data both come through here, so what a
clerk is given and what the demo feeds the pipeline can never drift apart.

Rows are written in order with xlsxwriter's constant_memory mode (big registers stay fast and
small in memory); text never turns into a formula, and the document's dates are fixed by the
input so the same input gives byte-identical files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from domain import schema
from ingest.workbooks import layout
from ingest.workbooks.style import OPTIONAL_HEADER, REQUIRED_HEADER, return_column_width

TEXT_TYPES = {"resident_id", "card_number", "code", "credit_code"}
LAST_EXCEL_ROW = 1_048_575  # 0-based
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
BOOL_TEXT = {True: "是", False: "否"}

TYPE_GUIDE = {
    "resident_id": "18位居民身份证号，请按文本填写（单元格已设为文本格式），勿转成数字。",
    "card_number": "京卡卡号（16–19位数字），请按文本填写，勿转成数字。",
    "credit_code": "18位统一社会信用代码，请按文本填写。",
    "code": "编号按原样填写（文本）。",
    "date": "日期，如 2018-03-05。",
    "int": "整数。",
    "money": "金额，单位：元，可保留两位小数。",
    "enum": "请从下拉列表中选择。",
    "bool": "请从下拉列表中选择“是”或“否”。",
    "person_name": "姓名，仅用于核对，不进入统计库。",
}


def write_return(
    path: Path | str,
    unit_name: str,
    period_start: date,
    period_end: date,
    sheets_rows: Mapping[str, Iterable[tuple]] | None = None,
    *,
    filled_by: str = "",
    phone: str = "",
    filled_on: date | None = None,
) -> Path:
    """Write one unit's return. `sheets_rows` maps a sheet name (schema) to its rows, each a tuple
    in the schema's column order (None = blank; dates as date, money as Decimal, bool as bool).
    Sheets the unit's kind is expected to fill but absent from `sheets_rows` are written empty."""
    path = Path(path)
    sheets_rows = dict(sheets_rows or {})
    unknown = set(sheets_rows) - {s.name for s in schema.sheets()}
    if unknown:
        raise ValueError(f"报表制度中没有这些工作表：{sorted(unknown)}")
    kind = next((u.kind for u in schema.units() if u.name == unit_name), None)
    chosen = [s for s in schema.sheets() if s.name in sheets_rows or (kind and kind in s.submitted_by)]

    workbook = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    stamp = datetime.combine(filled_on or period_end, time(9, 0))
    workbook.set_properties(
        {"title": layout.WORKBOOK_TITLE, "subject": unit_name, "author": filled_by or unit_name, "created": stamp}
    )
    formats = _Formats(workbook)
    _write_cover(workbook, formats, [unit_name, period_start, period_end, filled_by, phone, filled_on], chosen)
    for sheet in chosen:
        _write_sheet(workbook, formats, sheet, sheets_rows.get(sheet.name, ()))
    workbook.close()
    return path


class _Formats:
    """The few cell formats a return uses, created once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        self.hint = add({"text_wrap": True, "valign": "top", "font_color": "#595959"})
        self.required = add(REQUIRED_HEADER)
        self.optional = add(OPTIONAL_HEADER)
        self.text = add({"num_format": "@"})
        self.date = add({"num_format": layout.DATE_FORMAT})
        self.money = add({"num_format": "#,##0.00"})
        self.plain = None

    def column(self, column: schema.Column):
        if column.type in TEXT_TYPES:
            return self.text
        return {"date": self.date, "money": self.money}.get(column.type, self.plain)


def _write_cover(workbook, formats: _Formats, values: list, sheets: list[schema.Sheet]) -> None:
    ws = workbook.add_worksheet(schema.cover_title())
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 36)
    ws.set_column(3, 3, 16)
    ws.set_column(4, 4, 70)
    ws.merge_range(layout.TITLE_ROW - 1, 0, layout.TITLE_ROW - 1, 1, layout.WORKBOOK_TITLE, formats.title)
    notes = [("工作表", "填报说明")] + [(s.title, f"{s.description}（每行：{s.row_is}）") for s in sheets]
    first = layout.COVER_FIRST_FIELD_ROW - 1
    rows = max(first + len(schema.cover_fields()), first + len(notes))
    for row in range(first, rows):
        i = row - first
        if i < len(schema.cover_fields()):
            field = schema.cover_fields()[i]
            ws.write_string(row, 0, field.header, formats.required if field.required else formats.optional)
            _write_value(ws, row, 1, field, values[i], formats)
            _validate(ws, (row, 1, row, 1), field)
        if i < len(notes):
            ws.write_string(row, 3, notes[i][0], formats.optional if i == 0 else formats.plain)
            ws.write_string(row, 4, notes[i][1], formats.optional if i == 0 else formats.hint)


def _write_sheet(workbook, formats: _Formats, sheet: schema.Sheet, rows: Iterable[tuple]) -> None:
    ws = workbook.add_worksheet(sheet.title)
    columns = sheet.columns
    for i, column in enumerate(columns):
        ws.set_column(i, i, return_column_width(column.type, column.header), formats.column(column))
    last = len(columns) - 1
    title_row, hint_row, header_row = layout.TITLE_ROW - 1, layout.HINT_ROW - 1, layout.HEADER_ROW - 1
    if last:
        ws.merge_range(title_row, 0, title_row, last, sheet.title, formats.title)
        ws.merge_range(hint_row, 0, hint_row, last, _sheet_hint(sheet), formats.hint)
    else:
        ws.write_string(title_row, 0, sheet.title, formats.title)
        ws.write_string(hint_row, 0, _sheet_hint(sheet), formats.hint)
    ws.set_row(hint_row, 48)
    for i, column in enumerate(columns):
        ws.write_string(header_row, i, column.header, formats.required if column.required else formats.optional)
    ws.freeze_panes(layout.FIRST_DATA_ROW - 1, 0)
    for i, column in enumerate(columns):
        _validate(ws, (layout.FIRST_DATA_ROW - 1, i, LAST_EXCEL_ROW, i), column)

    writers = [_cell_writer(ws, column, formats) for column in columns]
    width = len(columns)
    row_number = layout.FIRST_DATA_ROW - 1
    for row in rows:
        if len(row) != width:
            raise ValueError(
                f"工作表“{sheet.title}”第 {row_number + 1} 行有 {len(row)} 个值，应为 {width} 个（按报表制度列顺序）"
            )
        for col, (write, value) in enumerate(zip(writers, row, strict=True)):
            if value is not None:
                write(row_number, col, value)
        row_number += 1


def _sheet_hint(sheet: schema.Sheet) -> str:
    text = (
        f"填报说明：{sheet.description}每行填写{sheet.row_is}。"
        "橙色表头为必填项，蓝色为选填项；选中表头下方单元格可看填写提示。"
    )
    if any(c.type in TEXT_TYPES for c in sheet.columns):
        text += "身份证号、卡号、代码、编号列已设为文本格式，请勿改为数字。"
    return text


def _cell_writer(ws, column: schema.Column, formats: _Formats):
    """A function (row, col, value) writing one value of this column with the right Excel type."""
    fmt = formats.column(column)
    if column.type == "date":
        return lambda r, c, v: (
            ws.write_number(r, c, _excel_date(v), fmt) if isinstance(v, date) else ws.write_string(r, c, str(v))
        )
    if column.type == "money":
        return lambda r, c, v: (
            ws.write_number(r, c, float(v), fmt)
            if isinstance(v, (int, float, Decimal))
            else ws.write_string(r, c, str(v))
        )
    if column.type == "int":
        return lambda r, c, v: (
            ws.write_number(r, c, v) if isinstance(v, (int, float, Decimal)) else ws.write_string(r, c, str(v))
        )
    if column.type == "bool":
        return lambda r, c, v: ws.write_string(r, c, BOOL_TEXT.get(v, str(v)) if isinstance(v, bool) else str(v))
    return lambda r, c, v: ws.write_string(r, c, str(v), fmt)


def _write_value(ws, row: int, col: int, column: schema.Column, value, formats: _Formats) -> None:
    if value is None or value == "":
        return
    _cell_writer(ws, column, formats)(row, col, value)


def _excel_date(value: date) -> int | float:
    if isinstance(value, datetime):
        return (
            value.toordinal() - EXCEL_EPOCH + (value - datetime.combine(value.date(), time())).total_seconds() / 86400
        )
    return value.toordinal() - EXCEL_EPOCH


def _validate(ws, cells: tuple[int, int, int, int], column: schema.Column) -> None:
    """Drop-downs for choices, date and number checks, and the column's hint as an input message."""
    message = (
        ("必填。" if column.required else "选填。")
        + (column.hint + "。" if column.hint else "")
        + TYPE_GUIDE.get(column.type, "")
    )
    options: dict = {"input_title": column.header[:32], "input_message": message[:255], "ignore_blank": True}
    error = {"error_title": "填写有误", "error_type": "stop"}
    if column.type in ("enum", "bool"):
        choices = list(column.values) if column.type == "enum" else ["是", "否"]
        options |= {
            "validate": "list",
            "source": choices,
            "error_message": f"请从下拉列表中选择：{'、'.join(choices)}"[:255],
            **error,
        }
    elif column.type == "date":
        options |= {
            "validate": "date",
            "criteria": "between",
            "minimum": date(1950, 1, 1),
            "maximum": date(2099, 12, 31),
            "error_message": "请填写有效日期，如 2018-03-05。",
            **error,
        }
    elif column.type == "int":
        minimum = column.min if column.min is not None else 0
        options |= {
            "validate": "integer",
            "criteria": ">=",
            "value": minimum,
            "error_message": f"请填写不小于 {minimum} 的整数。",
            **error,
        }
    elif column.type == "money":
        options |= {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": "请填写不小于 0 的金额（元）。",
            **error,
        }
    else:
        options |= {"validate": "any"}
    ws.data_validation(*cells, options)
