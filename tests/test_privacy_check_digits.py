"""Each identifier's check digit, with valid and invalid numbers of every kind: resident IDs
(GB 11643: 18 digits, real birth date, plausible region; 15-digit legacy numbers converted),
unified social credit codes (GB 32100, including the A/N/Y codes python-stdnum rejects) and
京卡 card numbers (Luhn). The check characters are worked out here independently of
ingest/clean/validators.py, from the standards' formulas."""

import itertools

import pytest

from ingest.clean.validators import InvalidValue, card_number, credit_code, mask_resident_id, resident_id

ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643: W_i = 2^(i-1) mod 11, i from 18 down
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def credit_check(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * 3**i % 31 for i, c in enumerate(first17))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def luhn_check(body: str) -> str:
    total = sum(sum(divmod(int(d) * (2 if i % 2 == 0 else 1), 10)) for i, d in enumerate(reversed(body)))
    return str(-total % 10)


VALID_IDS = [
    "11010519491231002X",  # GB 11643's own example (check character X)
    "110101200002290014",  # a leap day
    "440301198001010019",
    "650102190001010010",  # the earliest birth year accepted
    "810000199005150017",  # Hong Kong residents' permit
]
VALID_IDS = [i[:17] + id_check(i[:17]) for i in VALID_IDS]  # the made-up ones get their check digit
# 统一社会信用代码: the first character is the registering authority; 1 机构编制, 5 民政, 9 工商,
# A 其他 (e.g. 工会 is registered under 8 or A in places), N 农业, Y 其他 — stdnum wrongly refuses A, N, Y.
CREDIT_BODIES = [
    "91350100M000100Y4",
    "81110102MA0123456",
    "A1110000MB1234567",
    "N2110108MC1234560",
    "Y1110000MD0000001",
    "11100000000013127",
    "51110000500000010",
]
VALID_CREDITS = [b + credit_check(b) for b in CREDIT_BODIES]
VALID_CARDS = [b + luhn_check(b) for b in ("622202000000001", "622202000000000001", "411111111111111")]


def rejected(call, raw) -> str:
    with pytest.raises(InvalidValue) as caught:
        call(raw)
    return caught.value.reason


def test_the_independent_formulas_agree_with_the_standards_worked_examples():
    assert id_check("11010519491231002") == "X"
    assert credit_check("91350100M000100Y4") == "3"
    assert luhn_check("411111111111111") == "1"


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_resident_ids_are_accepted(number):
    assert resident_id(number) == number
    assert resident_id(number.lower()) == number  # x in lower case


@pytest.mark.parametrize("number", VALID_IDS)
def test_every_wrong_check_character_of_a_resident_id_is_rejected(number):
    for wrong in "0123456789X":
        if wrong != number[-1]:
            assert "校验位" in rejected(resident_id, number[:17] + wrong)


@pytest.mark.parametrize("number", VALID_IDS)
def test_any_single_mistyped_digit_of_a_resident_id_is_rejected(number):
    for position, digit in itertools.product(range(17), "0123456789"):
        if digit != number[position]:
            with pytest.raises(InvalidValue):
                resident_id(number[:position] + digit + number[position + 1 :])


@pytest.mark.parametrize("birth", ["19000229", "20190229", "19801301", "19800132", "18991231", "20991231"])
def test_a_birth_date_that_does_not_exist_or_is_out_of_range_is_rejected(birth):
    first17 = "110101" + birth + "001"
    assert "出生日期" in rejected(resident_id, first17 + id_check(first17))


@pytest.mark.parametrize("region", ["000000", "100000", "990101", "600101", "720000"])
def test_an_implausible_region_code_is_rejected(region):
    first17 = region + "19800101" + "001"
    assert "地区码" in rejected(resident_id, first17 + id_check(first17))


def test_fifteen_digit_legacy_numbers_are_converted_and_checked():
    assert resident_id("110105491231002") == "11010519491231002X"
    assert resident_id("440301800101001") == "44030119800101001" + id_check("44030119800101001")
    assert "出生日期" in rejected(resident_id, "110105490231002")  # 1949-02-31
    assert "数字" in rejected(resident_id, "11010549123100X")


@pytest.mark.parametrize("code", VALID_CREDITS)
def test_valid_credit_codes_of_every_registering_authority_are_accepted(code):
    assert credit_code(code) == code
    assert credit_code(code.lower()) == code


@pytest.mark.parametrize("code", VALID_CREDITS)
def test_every_wrong_check_character_of_a_credit_code_is_rejected(code):
    for wrong in CREDIT_CHARS:
        if wrong != code[-1]:
            assert "校验位" in rejected(credit_code, code[:17] + wrong)


@pytest.mark.parametrize("code", VALID_CREDITS[:3])
def test_any_single_mistyped_character_of_a_credit_code_is_rejected(code):
    for position, char in itertools.product(range(17), CREDIT_CHARS):
        if char != code[position]:
            with pytest.raises(InvalidValue):
                credit_code(code[:position] + char + code[position + 1 :])


def test_credit_codes_with_letters_outside_the_alphabet_or_wrong_length_are_rejected():
    assert "不允许" in rejected(credit_code, "A1110000MB123456O" + "0")
    assert "18 位" in rejected(credit_code, VALID_CREDITS[0][:17])


@pytest.mark.parametrize("card", VALID_CARDS)
def test_card_numbers_pass_luhn_and_any_single_mistyped_digit_fails(card):
    assert card_number(card) == card
    for position, digit in itertools.product(range(len(card)), "0123456789"):
        if digit != card[position]:
            with pytest.raises(InvalidValue):
                card_number(card[:position] + digit + card[position + 1 :])


def test_an_id_shown_to_a_person_is_masked():
    assert mask_resident_id("11010519491231002X") == "110105********002X"
