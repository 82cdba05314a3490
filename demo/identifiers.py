"""Valid identifiers for the demo: resident IDs (GB 11643), unified social credit codes
(GB 32100, whose organisation-code part is itself valid under GB 11714) and 19-digit card
numbers with a Luhn check digit. Each is built from an integer so that distinct integers give
distinct identifiers: the demo never needs a global set to stay free of collisions."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from math import gcd
from operator import mul

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 京卡 is a Beijing Bank debit card; the issuer prefix is illustrative.
CARD_PREFIX = "621468"
CARD_BODY_DIGITS = 12  # prefix 6 + body 12 + check 1 = 19 digits

# Slots of (birth day, sequence) for resident IDs: 500 sequence numbers of each parity per day.
SEQUENCES_PER_DAY = 500


def resident_id_check(first17: str) -> str:
    return ID_CHECK[sum(map(mul, map(int, first17), ID_WEIGHTS)) % 11]


def resident_id(region: str, born: date, sequence: int, female: bool) -> str:
    """An 18-digit ID: region, birth date, a three-digit sequence whose last digit is even
    for a woman, and the check character."""
    seq = 2 * sequence + (0 if female else 1)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check(first17)


def slot_person(index: int, earliest_birth: date, span_days: int, sequences: range) -> tuple[date, int]:
    """Map a person's index to a distinct (birth date, sequence) slot by an affine bijection of
    the slot space, so birth dates look random yet never collide for distinct indices. Pools of
    people use disjoint `sequences`, so two pools never collide either."""
    slots = span_days * len(sequences)
    if not 0 <= index < slots:
        raise ValueError(f"人员编号 {index} 超出可用身份证号空间 {slots}")
    slot = (index * _multiplier(slots) + 12_345) % slots
    day, sequence = divmod(slot, len(sequences))
    return earliest_birth + timedelta(days=day), sequences[sequence]


@cache
def _multiplier(slots: int) -> int:
    """An odd multiplier coprime with `slots`, so index -> slot is a bijection."""
    multiplier = 2_654_435_761
    while gcd(multiplier, slots) != 1:
        multiplier += 2
    return multiplier


def org_code(number: int) -> str:
    """A 9-character organisation code (GB 11714): 8 digits and their check character."""
    body = f"{number % 100_000_000:08d}"
    remainder = 11 - sum(int(d) * w for d, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code_check(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code(kind: str, region: str, number: int) -> str:
    """统一社会信用代码: kind '81' for a grassroots trade union, '91' for an enterprise."""
    first17 = f"{kind}{region}{org_code(number)}"
    return first17 + credit_code_check(first17)


LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_check(digits: str) -> str:
    """The Luhn digit to append: from the right, every other digit (starting with the last one)
    is doubled, digits of the product summed."""
    doubled = sum(LUHN_DOUBLED[int(ch)] for ch in digits[::-1][::2])
    plain = sum(map(int, digits[::-1][1::2]))
    return str((10 - (doubled + plain) % 10) % 10)


def card_number(index: int) -> str:
    """A distinct 19-digit card number for each index (affine bijection modulo 10^12)."""
    modulus = 10**CARD_BODY_DIGITS
    body = (index * 7_919_000_003 + 104_729) % modulus
    first18 = f"{CARD_PREFIX}{body:0{CARD_BODY_DIGITS}d}"
    return first18 + luhn_check(first18)
