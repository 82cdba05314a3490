"""重复填报.xlsx: members listed by two or more units, for the units to resolve.

The figures already count such a member once (by pseudonym, intermediate.int_members_deduplicated)
and the gate warns with a count (rule members_in_two_units); this listing says where each one
is, so the clerks can agree which union the member belongs to. Each duplicated person gets a
group number; each occurrence shows unit, file, sheet and Excel row — where a clerk finds the
row in the return they sent. It never shows an ID number, a name or the pseudonym (a clerk can
do nothing with a hash, and a stable pseudonym in a file that travels is a linkable identifier).

Who is on several rolls, and every row where, is the mart marts.members_on_several_rolls (the
current return of each unit, members listed at the period's end): the same rows the gate's rule
counts. Text from the returns (基层工会名称, file names) is written
as text, never as a formula: a cell starting with = + - @ stays inert in Excel and WPS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from ingest.workbooks.safe_names import sheet_names
from ingest.workbooks.style import (
    Formats,
    fit_row_height,
    fitted_width,
    new_workbook,
    print_setup,
    set_widths,
    write_value,
)

LISTING_FILE = "重复填报.xlsx"
TITLE = "同一会员被多个单位填报的清单"
COLUMNS = ("组号", "单位代码", "单位名称", "报送文件", "工作表", "行号", "基层工会名称", "入会日期")
WIDTHS = (6, 9, 12, 20, 10, 6, 16, 12)  # the least each column gets; it grows to its values

# Who is on several rolls is decided once, by the mart (the gate's rule members_in_two_units reads it too).
QUERY = """
select group_no, unit_code, unit_name, source_file, sheet, source_row, grassroots_union, joined_on
from marts.members_on_several_rolls
order by group_no, unit_code, source_file, source_row
"""

ABOUT = (
    ("内容", "同一名会员出现在两个及以上单位本期的会员名册中。全区会员人数已按身份证号去重，此人只计一次。"),
    (
        "怎么用",
        "同一组号是同一个人。请按“报送文件、工作表、行号”在本单位报表中找到这一行，与组内其他单位核实"
        "该会员的所属工会，由不应填报的单位删除该行后重新报送。",
    ),
    ("个人信息", "本表不含身份证号和姓名；请勿把本表与会员名册合并后外传。"),
    ("分单位", "“说明”之后每个单位一张表：该单位涉及的各组（本单位的行和组内其他单位的行），可单独发给该单位。"),
)


def duplicate_rows(warehouse: Path) -> list[tuple]:
    """One row per occurrence of a member listed by two or more units, in COLUMNS order."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(QUERY).fetchall()


def write_duplicate_listing(warehouse: Path, out_dir: Path) -> Path | None:
    """Write out_dir/重复填报.xlsx and return its path; None (and no file) when no member is
    listed by two units. The first sheet lists every group; then one sheet per unit with the
    groups it is in (its own rows and the other units' rows of the same people), to send to it."""
    rows = duplicate_rows(warehouse)
    if not rows:
        return None
    path = Path(out_dir) / LISTING_FILE
    # new_workbook keeps clerks' text inert (no formula, no link); write_value writes it as text.
    book = new_workbook(path, TITLE, dt.datetime.now().replace(microsecond=0))
    formats = Formats(book)
    _listing(book.add_worksheet("重复填报"), rows, formats, TITLE)
    notes = book.add_worksheet("说明")
    widths = set_widths(notes, [10, 90])
    for row_no, (name, text) in enumerate(ABOUT):
        notes.write_string(row_no, 0, name, formats.header)
        notes.write_string(row_no, 1, text, formats.wrap)
        fit_row_height(notes, row_no, [name, text], widths, [1])
    print_setup(notes, TITLE, widths)
    units = sorted({(r[1], r[2] or r[1]) for r in rows})
    for (unit_code, _), name in zip(
        units, sheet_names([name for _, name in units], taken=["重复填报", "说明"]), strict=True
    ):
        groups = {r[0] for r in rows if r[1] == unit_code}
        _listing(book.add_worksheet(name), [r for r in rows if r[0] in groups], formats, f"{TITLE}：{name}")
    book.close()
    return path


def _listing(sheet, rows: list[tuple], formats: Formats, title: str) -> None:
    widths = [
        fitted_width([name, *(r[col] for r in rows)], least=least, most=40)
        for col, (name, least) in enumerate(zip(COLUMNS, WIDTHS, strict=True))
    ]
    set_widths(sheet, widths)
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, formats.header)
    for row_no, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                sheet.write_blank(row_no, col, None, formats.cell)
            elif isinstance(value, int):  # a group or row number: no thousands separator
                sheet.write_number(row_no, col, value, formats.cell)
            else:
                write_value(sheet, row_no, col, value, formats)
    print_setup(sheet, title, widths, repeat_rows=(0, 0), freeze=(1, 0))
    sheet.autofilter(0, 0, len(rows), len(COLUMNS) - 1)
