"""Header location and sheet recognition by content."""

from domain.schema import sheet
from ingest.read.headers import kind_by_title, locate_header, match_header, normalise_header, recognise


def test_header_normalisation_handles_brackets_spaces_and_line_breaks():
    assert normalise_header("现金\n（ 元 ）") == normalise_header("现金(元)") == "现金(元)"
    assert normalise_header("*身份证号") == "身份证号"


def test_synonyms_and_units():
    aid = sheet("aid_payments")
    assert match_header(aid, "身份证号码")[0].name == "recipient"
    column, scale = match_header(aid, "现金（万元）")
    assert column.name == "cash" and scale == 10000
    assert match_header(aid, "现金")[1] == 1
    assert match_header(aid, "备注")[0] is None


def test_header_row_found_below_title_and_hint_rows():
    rows = [
        ["会员名册", "", ""],
        ["说明：一人一行", "", ""],
        ["", "", ""],
        ["序号", "", ""],
        ["姓名", "身份证号码", "基层工会名称", "统一社会信用代码", "入会时间"],
    ]
    found = locate_header(rows, sheet("members"))
    assert found.row_index == 4 and [c.column.name for c in found.columns][:2] == ["member_name", "person"]


def test_renamed_sheet_is_recognised_by_its_headers():
    rows = [["2018年培训情况"], ["班次名称", "类别", "参训单位", "开班日期", "参训人次"]]
    assert kind_by_title("Sheet3") is None
    assert recognise("Sheet3", rows).sheet.name == "trainings"


def test_ambiguous_headers_are_not_guessed():
    assert recognise("Sheet1", [["名称", "日期"]]) is None
