"""Where things sit in a return workbook that the project writes (the blank template and the
demo data). The reader does not rely on these positions: it finds the header row by its
contents, because clerks move things about. Excel rows and columns here are 1-based."""

WORKBOOK_TITLE = "工会统计报表（数说工会）"

# A return sheet: a merged title on row 1, the sheet's 填报说明 on row 2, headers on row 3.
TITLE_ROW = 1
HINT_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4

# The cover sheet (填报说明): the workbook title on row 1, then one field a row from row 3,
# its header in column A and the value in column B.
COVER_FIRST_FIELD_ROW = 3

DATE_FORMAT = "yyyy-mm-dd"


def return_file_name(unit_name: str, period_label: str) -> str:
    """The file name the template and the demo give a unit's return, e.g. 月坛街道工会服务站_2018年度.xlsx."""
    return f"{unit_name}_{period_label}.xlsx"
