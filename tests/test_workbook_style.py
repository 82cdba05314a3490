"""ingest/workbooks/style.py, the one owner of how the project's workbooks look and print: widths
count a CJK character double, a figure's number is formatted by its unit, and a sheet set up by
print_setup is A4, one page wide, landscape only when wide, with its header rows repeated."""

from __future__ import annotations

import datetime as dt

import openpyxl

from ingest.workbooks.style import (
    COUNT_FORMAT,
    MONEY_FORMAT,
    PERCENT_NUMBER_FORMAT,
    Formats,
    fitted_width,
    new_workbook,
    print_setup,
    text_width,
    write_value,
)


def test_a_cjk_character_counts_double_and_numbers_count_as_shown():
    assert text_width("整改清单") == 8 and text_width("ab") == 2 and text_width("工会_2018.xlsx") == 14
    assert text_width(17048) == len("17,048") and text_width(1234.5) == len("1,234.50")
    assert fitted_width(["110101********123X"]) == 20  # a masked ID shows whole
    assert fitted_width(["字" * 100], most=30) == 30  # longer text wraps instead


def test_numbers_are_formatted_by_unit_and_sheets_print_one_page_wide(tmp_path):
    path = tmp_path / "t.xlsx"
    book = new_workbook(path, "测试 & 标题", dt.datetime(2026, 1, 2, 3, 4, 5))
    formats = Formats(book)
    narrow, wide = book.add_worksheet("窄"), book.add_worksheet("宽")
    write_value(narrow, 1, 0, 17048.5, formats, "元")
    write_value(narrow, 2, 0, 12.345678, formats, "%")
    write_value(wide, 1, 0, 1234, formats, "人")
    write_value(wide, 2, 0, "=1+1", formats)
    print_setup(narrow, "测试 & 标题", [10, 20], repeat_rows=(0, 0), freeze=(1, 0))
    print_setup(wide, "测试 & 标题", [60, 60, 60])
    book.close()

    loaded = openpyxl.load_workbook(path)
    narrow, wide = loaded["窄"], loaded["宽"]
    assert [c.number_format for c in narrow["A"] if c.value is not None] == [MONEY_FORMAT, PERCENT_NUMBER_FORMAT]
    assert wide["A2"].number_format == COUNT_FORMAT and wide["A3"].data_type == "s"  # text stays text
    assert narrow.page_setup.orientation == "portrait" and wide.page_setup.orientation == "landscape"
    for ws in (narrow, wide):
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToHeight == 0 and "第 &P 页 / 共 &N 页" in ws.oddFooter.right.text
        assert "测试 && 标题" in ws.oddFooter.left.text  # & escaped: not a footer code
    assert narrow.print_title_rows == "$1:$1" and narrow.freeze_panes == "A2"
