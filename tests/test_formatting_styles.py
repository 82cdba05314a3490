"""The formatter prints every style the way the bulletin writes numbers, rounding once, exactly."""

from decimal import Decimal

import jinja2
import pandas as pd
import pytest

from reports.formatting import (
    FigureFormatError,
    MissingFigureError,
    format_figure,
    format_value,
    register_filters,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (7, "7"), (123456, "123456"), (Decimal("4410.000000"), "4410"), (-12, "-12")],
)
def test_exact_is_a_plain_integer_without_separator(value, expected):
    assert format_value(value, "exact") == expected


def test_exact_refuses_a_fraction_instead_of_hiding_it():
    with pytest.raises(FigureFormatError, match="小数"):
        format_value(Decimal("12.5"), "exact")


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (Decimal("12345050"), "wan:2", "1234.51万"),  # 1234.505万: half up, not to even
        (Decimal("12345049.99"), "wan:2", "1234.50万"),  # trailing zero kept
        (Decimal("99950"), "wan:2", "10.00万"),  # 9.995万 carries; two decimals kept
        (Decimal("99949.99"), "wan:2", "9.99万"),
        (Decimal("38250"), "wan:1", "3.8万"),  # 3.825 → 3.8 at one decimal
        (Decimal("38500"), "wan:1", "3.9万"),  # 3.85 → 3.9 (float round() gives 3.8 or 3.9 by luck)
        (Decimal("6235000"), "wan:0", "624万"),  # 623.5 → 624, banker's rounding would give 624 too
        (Decimal("6245000"), "wan:0", "625万"),  # 624.5 → 625, banker's rounding would give 624
        (0, "wan:1", "0.0万"),
        (Decimal("-38500"), "wan:1", "-3.9万"),  # symmetric: half away from zero
    ],
)
def test_wan_divides_by_ten_thousand_rounding_half_up(value, style, expected):
    assert format_value(value, style) == expected


def test_wan_from_a_float_uses_its_decimal_repr_not_its_binary_expansion():
    # 1.005 as a binary float is 1.00499999…; the figure means 1.005.
    assert format_value(10050.0, "wan:2") == "1.01万"


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (33, "yu:10", "30余"),
        (30, "yu:10", "30"),  # an exact multiple is not "more than"
        (Decimal("30.01"), "yu:10", "30余"),
        (39, "yu:10", "30余"),  # rounded down, never up
        (4321, "yu:1000", "4000余"),
        (4000, "yu:1000", "4000"),
        (7, "yu:10", "7"),  # below K: "0余" would say nothing
        (Decimal("7.5"), "yu:10", "7余"),
        (0, "yu:10", "0"),
    ],
)
def test_yu_rounds_down_and_says_yu_only_when_above(value, style, expected):
    assert format_value(value, style) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("3456789.12"), "345余万"),
        (Decimal("3450000.00"), "345万"),
        (Decimal("3450000.01"), "345余万"),
        (Decimal("3459999.99"), "345余万"),  # never 346, never 345.9余
        (Decimal("5000"), "0.50万"),  # under one 万: no false "0余万"
    ],
)
def test_yu_in_wan_yuan_prints_in_wan_without_decimals(value, expected):
    assert format_value(value, "yu:10000", unit="元", printed_unit="万元") == expected


def test_yu_in_wan_yuan_refuses_a_step_that_would_print_decimals():
    with pytest.raises(FigureFormatError, match="万的整数倍"):
        format_value(Decimal("3456789"), "yu:1000", unit="元", printed_unit="万元")


def test_a_wan_printed_unit_on_an_exact_figure_is_refused_not_misprinted():
    with pytest.raises(FigureFormatError, match="万"):
        format_value(3456789, "exact", unit="元", printed_unit="万元")


def test_pct_is_computed_from_numerator_and_denominator_at_a_half_boundary():
    # 29/200 = 14.5% exactly; in floats 29/200*100 = 14.499999999999998 → 14%.
    assert round(29 / 200 * 100) == 14
    assert format_value(None, "pct:0", numerator=29, denominator=200) == "15%"
    assert format_value(None, "pct:1", numerator=29, denominator=400) == "7.3%"  # float: 7.2


def test_pct_prefers_the_counts_to_the_stored_rounded_ratio():
    # 2/3 stored with six places is 0.666667; from the counts 66.6667% → 66.67% either way,
    # but at pct:4 the stored ratio would print 66.6667 only by luck: use the counts.
    stored = Decimal("0.666667")
    assert format_value(stored, "pct:4", numerator=2, denominator=3) == "66.6667%"
    assert format_value(Decimal("0.1245"), "pct:2", numerator=249, denominator=2000) == "12.45%"
    assert format_value(stored, "pct:2") == "66.67%"  # no counts: the ratio itself


@pytest.mark.parametrize(
    ("num", "den", "style", "expected"),
    [(0, 10, "pct:0", "0%"), (10, 10, "pct:2", "100.00%"), (3, 2, "pct:0", "150%")],
)
def test_pct_edges(num, den, style, expected):
    assert format_value(None, style, numerator=num, denominator=den) == expected


def test_pct_with_a_zero_denominator_is_an_error():
    with pytest.raises(FigureFormatError, match="分母为 0"):
        format_value(None, "pct:0", numerator=1, denominator=0)


def test_pct_of_a_negative_ratio_is_an_error():
    with pytest.raises(FigureFormatError, match="负"):
        format_value(Decimal("-0.1"), "pct:0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10000, "上万"), (99999, "上万"), (9999, "9999"), (100000, "10.0万"), (123456, "12.3万")],
)
def test_shangwan_only_between_ten_and_hundred_thousand(value, expected):
    assert format_value(value, "shangwan") == expected


@pytest.mark.parametrize("style", ["yu:10", "shangwan"])
def test_more_than_words_refuse_negatives(style):
    with pytest.raises(FigureFormatError, match="负数"):
        format_value(-20, style)


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, Decimal("NaN")])
@pytest.mark.parametrize("style", ["exact", "wan:1", "yu:10", "shangwan", "pct:0"])
def test_a_missing_value_is_an_error_never_a_blank(missing, style):
    with pytest.raises(MissingFigureError):
        format_value(missing, style)


@pytest.mark.parametrize("style", ["wan", "wan:x", "round:2", "", "pct"])
def test_unknown_styles_are_refused(style):
    with pytest.raises(FigureFormatError, match="未知的格式"):
        format_value(1, style)


def _row(value, style, unit, printed_unit, **extra):
    return {
        "indicator_id": "x_test",
        "value": value,
        "style": style,
        "unit": unit,
        "printed_unit": printed_unit,
        **extra,
    }


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row(Decimal("38250"), "wan:1", "人次", "人次"), "3.8万人次"),
        (_row(Decimal("33"), "yu:10", "个", "单位"), "30余单位"),
        (_row(Decimal("12345050.00"), "wan:2", "元", "元"), "1234.51万元"),
        (_row(Decimal("3456789.12"), "yu:10000", "元", "万元"), "345余万元"),
        (_row(Decimal("123456"), "exact", "张", "张"), "123456张"),
        (_row(Decimal("4321"), "yu:1000", "人", "名"), "4000余名"),
        (_row(Decimal("45678"), "shangwan", "人次", "人次"), "上万人次"),
        (_row(None, "pct:2", "%", float("nan"), numerator=Decimal("249"), denominator=Decimal("2000")), "12.45%"),
    ],
)
def test_format_figure_joins_number_and_printed_unit(row, expected):
    assert format_figure(row) == expected
    assert format_figure(pd.Series(row)) == expected


def test_format_figure_names_the_indicator_when_the_value_is_missing():
    with pytest.raises(MissingFigureError, match="x_test"):
        format_figure(_row(None, "exact", "张", "张"))


def test_filters_are_registered_in_jinja():
    env = register_filters(jinja2.Environment())
    row = _row(Decimal("38250"), "wan:1", "人次", "人次")
    assert env.from_string("{{ row | figure }}").render(row=row) == "3.8万人次"
    assert env.from_string("{{ 33 | number('yu:10') }}").render() == "30余"
