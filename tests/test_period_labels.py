"""A period is written one way everywhere (domain/periods.py): 2018年度 for a calendar year, else
its span in Chinese dates; in file names 2018年度 or 20181001-20190930."""

from datetime import date

from domain.periods import chinese_date, period_file_label, period_label, period_span


def test_a_calendar_year_is_its_year():
    assert period_label(date(2018, 1, 1), date(2018, 12, 31)) == "2018年度"
    assert period_file_label(date(2018, 1, 1), date(2018, 12, 31)) == "2018年度"


def test_any_other_period_is_its_span():
    assert chinese_date(date(2019, 9, 30)) == "2019年9月30日"
    assert period_span(date(2018, 10, 1), date(2019, 9, 30)) == "2018年10月1日至2019年9月30日"
    assert period_label(date(2018, 10, 1), date(2019, 9, 30)) == "2018年10月1日至2019年9月30日"
    assert period_label(date(2018, 1, 1), date(2019, 12, 31)) == "2018年1月1日至2019年12月31日"  # two years
    assert period_file_label(date(2018, 10, 1), date(2019, 9, 30)) == "20181001-20190930"
