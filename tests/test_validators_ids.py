"""Identifiers: GB 11643 resident IDs, GB 32100 credit codes, Luhn card numbers, masking."""

import pytest

from ingest.clean.validators import (
    CREDIT_ALPHABET,
    InvalidValue,
    birth_year,
    card_number,
    credit_check_char,
    credit_code,
    mask_resident_id,
    resident_id,
    sex,
)

# The worked example of GB 11643-1999 (and its 15-digit form).
STANDARD_ID = "11010519491231002X"


def reason(call, raw) -> str:
    with pytest.raises(InvalidValue) as caught:
        call(raw)
    return caught.value.reason


def test_valid_id_is_normalised_with_upper_case_x():
    assert resident_id(" 11010519491231002x ") == STANDARD_ID


def test_wrong_check_digit_is_rejected():
    assert "校验位" in reason(resident_id, "110105194912310021")


def test_fifteen_digit_legacy_number_becomes_eighteen():
    assert resident_id("110105491231002") == STANDARD_ID


@pytest.mark.parametrize("number", [110105194912310021, 1.1010519491231e17, 110105491231002])
def test_id_typed_as_a_number_is_rejected_with_text_format_advice(number):
    text = reason(resident_id, number)
    assert "文本" in text and "数字" in text


def test_impossible_birth_date_and_unknown_province_are_rejected():
    first17 = "11010519490231002"  # 31 Feb
    text = reason(resident_id, first17 + "X")
    assert "出生日期" in text and "19490231" not in text  # a reason never repeats personal digits
    assert "地区码" in reason(resident_id, "99" + STANDARD_ID[2:])


def test_future_birth_date_is_rejected():
    assert "出生日期" in reason(resident_id, "110105" + "20990101" + "0011")


def test_wrong_length_is_rejected():
    assert "18 位" in reason(resident_id, "1101051949")


def test_birth_year_sex_and_mask():
    assert birth_year(STANDARD_ID) == 1949
    assert sex(STANDARD_ID) == "女"  # 17th digit 2 is even
    assert sex("11010519491231001X"[:16] + "1" + "X") == "男"
    assert mask_resident_id(STANDARD_ID) == "110105********002X"


def test_credit_code_worked_example_and_bad_check():
    assert credit_code("91350100m000100y43") == "91350100M000100Y43"
    assert "校验位" in reason(credit_code, "91350100M000100Y44")


@pytest.mark.parametrize("prefix", ["A1", "N1", "Y1", "81"])
def test_credit_codes_starting_with_a_n_y_are_accepted(prefix):
    first17 = prefix + "110000MA01234567"[:15]
    code = first17 + credit_check_char(first17)
    assert credit_code(code) == code


def test_credit_code_check_formula():
    # check = (31 − Σ value·3^(i−1) mod 31) mod 31, computed independently here
    first17 = "91350100M000100Y4"
    total = sum(CREDIT_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    assert CREDIT_ALPHABET[(31 - total % 31) % 31] == "3"


def test_credit_code_letters_not_allowed():
    assert "不允许" in reason(credit_code, "91350100I000100Y43")


def test_card_number_luhn():
    assert card_number("4111 1111 1111 1111") == "4111111111111111"
    assert "校验" in reason(card_number, "4111111111111112")
    assert "16–19" in reason(card_number, "41111111")
    assert "文本" in reason(card_number, 4111111111111111.0)
