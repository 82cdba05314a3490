"""ingest.workbooks.safe_names: every file and sheet name the project writes, made from clerks' text, is
legal, short enough in bytes and distinct (ignoring case)."""

from ingest.workbooks.safe_names import MAX_FILE_NAME_BYTES, file_names, sheet_names


def test_sheet_names_agreeing_in_their_first_28_characters_stay_distinct():
    long = "甲" * 28
    names = sheet_names([long + "一二三", long + "四五六", long + "一二三"], taken=["整改清单"])
    assert len(set(n.casefold() for n in names)) == 3 and all(len(n) <= 31 for n in names)
    assert names[0] == long + "一二三"  # a name that fits is kept whole


def test_sheet_names_lose_forbidden_characters_and_never_repeat_a_taken_one():
    names = sheet_names(["a/b:c*?[x]", "'引号'", "", "整改清单", "History", "SHEET"], taken=["整改清单", "Sheet"])
    assert names[0] == "a_b_c_x_" and names[1] == "引号"
    assert "整改清单" not in names and names[4] != "History"
    assert len({n.casefold() for n in names} | {"整改清单", "sheet"}) == len(names) + 2


def test_file_names_fit_in_bytes_with_their_ending_and_stay_distinct():
    ending = "_整改清单.xlsx"
    long = "很长的文件名" * 40  # 720 bytes in UTF-8
    names = file_names([long, long + "甲", "a<b>c|d?e*f\"g", " .隐藏", "CON", "con"], ending)
    assert all(len(n.encode()) <= MAX_FILE_NAME_BYTES and n.endswith(ending) for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[2] == "a_b_c_d_e_f_g" + ending and names[3] == "隐藏" + ending
    assert file_names(["CON", "nul", "com1"], ".xlsx") == [
        "_CON.xlsx",
        "_nul.xlsx",
        "_com1.xlsx",
    ]  # Windows reserves them
    assert all(n.encode().decode("utf-8") == n for n in names)  # never cut inside a character


def test_file_names_avoid_the_taken_ones():
    assert file_names(["甲"], ".xlsx", taken=["甲.xlsx"]) == ["甲_2.xlsx"]
