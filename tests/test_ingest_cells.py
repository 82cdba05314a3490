"""Cell normalisers: what a clerk types becomes one canonical value, or a reason."""

import datetime as dt

from ingest.clean import cells

D = dt.date(2018, 3, 5)


def test_text_dates_and_excel_serials_all_mean_the_same_day():
    raw = [
        "2018年3月5日",
        "2018.3.5",
        "2018/03/05",
        "2018-03-05",
        43164.0,
        D,
        "２０１８-０３-０５",
        "20180305",
        dt.datetime(2018, 3, 5, 14, 30),
        "2018-03-05 00:00:00",
    ]
    values, errors = cells.date(raw)
    assert errors == {} and values == [D] * len(raw)


def test_bad_dates_say_what_to_do():
    values, errors = cells.date(["2018年2月30日", "去年", ""], required=True)
    assert values == [None, None, None]
    assert "不存在" in errors[0] and "2018-03-05" in errors[1] and "必填" in errors[2]


def test_numbers_typed_as_text_with_separators_and_full_width_digits():
    values, errors = cells.integer(["1,234", "１２３", " 7 ", 12.0, "3.0"])
    assert errors == {} and values == [1234, 123, 7, 12, 3]


def test_integers_below_minimum_or_fractional_are_rejected():
    _, errors = cells.integer([-1, 2.5, "abc"])
    assert set(errors) == {0, 1, 2}
    _, errors = cells.integer([0, 1], minimum=1)
    assert list(errors) == [0]


def test_money_in_yuan_becomes_exact_cents():
    values, errors = cells.money([12.34, "1,200.50", "3元", 0.1 + 0.2, 5])
    assert errors == {} and values == [1234, 120050, 300, 30, 500]


def test_money_in_wan_yuan_is_scaled():
    values, errors = cells.money([0.15, "1.2345"], scale=10000)
    assert errors == {} and values == [150000, 1234500]


def test_money_negative_or_with_fractions_of_a_cent_is_rejected():
    _, errors = cells.money([-1.0, 1.005, "1.234"])
    assert set(errors) == {0, 1, 2}
    assert "负数" in errors[0] and "2 位小数" in errors[2]


def test_booleans_and_enums():
    values, errors = cells.boolean(["是", "否", True, "好"])
    assert values[:3] == [True, False, True] and "是" in errors[3]
    values, errors = cells.enum(["正常", " 注销 ", "作废"], ("正常", "注销"))
    assert values[:2] == ["正常", "注销"] and "正常、注销" in errors[2]


def test_text_is_trimmed_and_numbers_as_text_lose_the_point_zero():
    values, errors = cells.text(["  甲工会\u3000", 2018001.0, ""], required=True)
    assert values == ["甲工会", "2018001", None] and list(errors) == [2]
