"""The blank templates and the workbook writer, opened the way a clerk's Excel would (openpyxl):
headers from the schema, drop-downs for choices, text format for IDs, the cover prefilled."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from domain import schema
from domain.periods import period_file_label as period_label
from ingest.workbooks import layout
from ingest.workbooks.template import write_templates
from ingest.workbooks.writer import TEXT_TYPES, write_return

START, END = date(2018, 1, 1), date(2018, 12, 31)


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> list[Path]:
    return write_templates(tmp_path_factory.mktemp("templates"), START, END)


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _validation_for(ws, cell: str):
    return next((dv for dv in _validations(ws) if cell in dv.sqref), None)


def test_one_template_per_unit_named_by_unit_and_period(templates):
    assert [p.name for p in templates] == [layout.return_file_name(u.name, "2018年度") for u in schema.units()]
    assert period_label(date(2018, 10, 1), date(2019, 9, 30)) == "20181001-20190930"


def test_each_template_has_the_sheets_of_its_kind_of_unit(templates):
    for unit, path in zip(schema.units(), templates, strict=True):
        wb = openpyxl.load_workbook(path)
        expected = [schema.cover_title()] + [s.title for s in schema.sheets() if unit.kind in s.submitted_by]
        assert wb.sheetnames == expected, unit.name


def test_cover_is_prefilled_with_unit_and_period(templates):
    unit = schema.units()[0]
    cover = openpyxl.load_workbook(templates[0])[schema.cover_title()]
    fields = {
        cover.cell(row, 1).value: cover.cell(row, 2).value
        for row in range(layout.COVER_FIRST_FIELD_ROW, layout.COVER_FIRST_FIELD_ROW + len(schema.cover_fields()))
    }
    headers = {f.name: f.header for f in schema.cover_fields()}
    assert fields[headers["unit_name"]] == unit.name
    assert fields[headers["period_start"]] == datetime(2018, 1, 1)
    assert fields[headers["period_end"]] == datetime(2018, 12, 31)


def test_headers_dropdowns_text_format_and_frozen_header(templates):
    wb = openpyxl.load_workbook(templates[0])  # a street: the most sheets
    for sheet in schema.sheets():
        if sheet.title not in wb.sheetnames:
            continue
        ws = wb[sheet.title]
        headers = [ws.cell(layout.HEADER_ROW, i + 1).value for i in range(len(sheet.columns))]
        assert headers == [c.header for c in sheet.columns], sheet.title
        assert ws.freeze_panes == f"A{layout.FIRST_DATA_ROW}"
        for i, column in enumerate(sheet.columns):
            letter = get_column_letter(i + 1)
            first = f"{letter}{layout.FIRST_DATA_ROW}"
            validation = _validation_for(ws, first)
            assert validation is not None and validation.prompt, (sheet.title, column.header)
            if column.type == "enum":
                assert validation.type == "list" and validation.formula1 == '"' + ",".join(column.values) + '"'
            if column.type == "bool":
                assert validation.type == "list" and validation.formula1 == '"是,否"'
            if column.type == "date":
                assert validation.type == "date"
            if column.type in TEXT_TYPES:
                assert ws.column_dimensions[letter].number_format == "@", (sheet.title, column.header)
            header_colour = ws.cell(layout.HEADER_ROW, i + 1).font.color
            marked = header_colour is not None and header_colour.rgb == "FFC00000"
            assert marked == column.required, (sheet.title, column.header)


def test_writer_keeps_ids_as_text_and_never_writes_formulas(tmp_path):
    unit = schema.units()[0]
    row = ("=HYPERLINK(\"x\")", "110102199001011237", "工会", "81110102MA0000000X", date(2018, 3, 5), "男", True)
    path = write_return(tmp_path / "r.xlsx", unit.name, START, END, {"members": [row]}, filled_on=date(2019, 1, 10))
    ws = openpyxl.load_workbook(path)[schema.sheet("members").title]
    r = layout.FIRST_DATA_ROW
    assert ws.cell(r, 1).data_type == "s" and ws.cell(r, 1).value.startswith("=")
    assert ws.cell(r, 2).value == "110102199001011237" and ws.cell(r, 2).number_format == "@"
    assert ws.cell(r, 5).value == datetime(2018, 3, 5) and ws.cell(r, 5).number_format == layout.DATE_FORMAT
    assert ws.cell(r, 7).value == "是"


def test_writer_rejects_rows_of_the_wrong_width(tmp_path):
    with pytest.raises(ValueError, match="会员名册"):
        write_return(tmp_path / "r.xlsx", schema.units()[0].name, START, END, {"members": [("张三",)]})


def test_writer_output_is_byte_identical_for_the_same_input(tmp_path):
    rows = {"summer_relief": [("环卫作业点", date(2018, 7, 1), Decimal("1234.50"), 40)]}
    a = write_return(tmp_path / "a.xlsx", "西城区总工会", START, END, rows, filled_on=date(2019, 1, 5))
    b = write_return(tmp_path / "b.xlsx", "西城区总工会", START, END, rows, filled_on=date(2019, 1, 5))
    assert a.read_bytes() == b.read_bytes()
