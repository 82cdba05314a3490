"""Validators for the identifiers a return carries: 居民身份证号 (GB 11643), 统一社会信用代码
(GB 32100) and 京卡卡号 (Luhn). Each returns the normalised value or raises InvalidValue with a
reason a clerk can act on. Nothing here repairs a damaged number: a wrong digit means the clerk
must look at the source document again."""

from __future__ import annotations

import datetime as dt
import operator
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# First two digits of a resident ID: provinces, Taiwan (71), Hong Kong/Macau/Taiwan residence
# permits (81, 82, 83).
PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        21,
        22,
        23,
        31,
        32,
        33,
        34,
        35,
        36,
        37,
        41,
        42,
        43,
        44,
        45,
        46,
        50,
        51,
        52,
        53,
        54,
        61,
        62,
        63,
        64,
        65,
        71,
        81,
        82,
        83,
    }
)
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_CREDIT_INDEX = {c: i for i, c in enumerate(CREDIT_ALPHABET)}
_SEPARATORS = str.maketrans("", "", " \u3000\t\n\r-'‘’")
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＸｘＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＹ", "0123456789XxABCDEFGHJKLMNPQRTUWY"
)

_TODAY = dt.date.today()  # once per process: at worst a day stale, and calls are many


def today() -> dt.date:
    """The day birth dates are checked against: the same for every check in the process."""
    return _TODAY


_earliest_future_birth: dt.date | None = None


def forget_future_births() -> None:
    """Start noting birth dates rejected as after today afresh (at the start of each workbook)."""
    global _earliest_future_birth
    _earliest_future_birth = None


def earliest_future_birth() -> dt.date | None:
    """The earliest birth date rejected as after today since forget_future_births: from that day
    on the same ID would be accepted, so a workbook's result holds until then and no longer
    (ingest/load/cache.py keeps it that long). None: nothing read depends on the date."""
    return _earliest_future_birth


def _note_future_birth(born: dt.date) -> None:
    global _earliest_future_birth
    if _earliest_future_birth is None or born < _earliest_future_birth:
        _earliest_future_birth = born


TEXT_FORMAT_ADVICE = "请把该列单元格格式设为“文本”后重新录入完整号码（不要在数字上直接修改）"


class InvalidValue(ValueError):
    """A cell value that cannot be accepted; `reason` is Chinese and says what to do."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _clean(raw: object, what: str) -> str:
    if isinstance(raw, bool):
        raise InvalidValue(f"{what}不能是“是/否”值：请填写{what}")
    if isinstance(raw, (int, float)):
        raise InvalidValue(f"{what}被 Excel 存成了数字，超过 15 位的部分已经丢失：{TEXT_FORMAT_ADVICE}")
    if not isinstance(raw, str):
        raise InvalidValue(f"{what}应为文本：{TEXT_FORMAT_ADVICE}")
    return raw.translate(_FULL_WIDTH).translate(_SEPARATORS).upper()


_ASCII_ZERO_TOTAL = 48 * sum(ID_WEIGHTS)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits (weighted sum over the ASCII codes,
    less the weighted '0's: the same sum, computed in C for speed)."""
    total = sum(map(operator.mul, first17.encode("ascii"), ID_WEIGHTS)) - _ASCII_ZERO_TOTAL
    return ID_CHECK_CHARS[total % 11]


def _birth_date(digits8: str) -> dt.date:
    try:
        born = dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        raise InvalidValue("身份证号中的出生日期（第 7–14 位）不存在：请核对证件后重新填写") from None
    if born > _TODAY:
        _note_future_birth(born)
    if born.year < 1900 or born > _TODAY:
        raise InvalidValue("身份证号中的出生日期（第 7–14 位）不合理（早于 1900 年或晚于今天）：请核对证件后重新填写")
    return born


def resident_id(raw: object) -> str:
    """The normalised 18-character resident ID (X upper-case). A 15-digit legacy number is
    converted to 18 digits (century 19 inserted, check character computed)."""
    if type(raw) is str and len(raw) == 18 and raw.isascii() and raw.isalnum():
        text = raw.upper()  # the common case: already clean
    else:
        text = _clean(raw, "身份证号")
    if len(text) == 15:
        if not text.isdigit():
            raise InvalidValue("15 位身份证号只能由数字组成：请核对证件后重新填写")
        text = text[:6] + "19" + text[6:]
        text += id_check_char(text)
    elif len(text) != 18:
        raise InvalidValue(f"身份证号应为 18 位，这里是 {len(text)} 位：请核对证件后重新填写")
    first17, check = text[:17], text[17]
    if not first17.isdigit() or not (check.isdigit() or check == "X"):
        raise InvalidValue("身份证号前 17 位应为数字，最后一位为数字或 X：请核对证件后重新填写")
    if int(first17[:2]) not in PROVINCE_CODES:
        raise InvalidValue(f"身份证号开头的地区码 {first17[:2]} 不存在：请核对证件后重新填写")
    _birth_date(first17[6:14])
    if id_check_char(first17) != check:
        raise InvalidValue("身份证号校验位不符（可能有数字录错）：请对照证件逐位核对后重新填写")
    return text


def birth_year(id18: str) -> int:
    return int(id18[6:10])


def sex(id18: str) -> str:
    """'男' when the 17th digit is odd, '女' when even (GB 11643 sequence code)."""
    return "男" if int(id18[16]) % 2 else "女"


def mask_resident_id(id18: str) -> str:
    """Region code and last four kept, birth date hidden: '110101********123X'."""
    return id18[:6] + "*" * 8 + id18[-4:]


_ID_SHAPE = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")


def resident_ids_in(text: str) -> list[str]:
    """The valid resident ID numbers written anywhere inside a text (a clerk's note, a cause of a
    case): such text must not be loaded, since only the 身份证号 column is pseudonymised."""
    found = []
    for match in _ID_SHAPE.finditer(text):
        try:
            found.append(resident_id(match.group()))
        except InvalidValue:
            continue
    return found


def mask_resident_ids_in(text: str) -> str:
    """The text with every valid ID number in it masked (110101********123X)."""
    return _ID_SHAPE.sub(
        lambda m: mask_resident_id(m.group().upper()) if resident_ids_in(m.group()) else m.group(), text
    )


_DIGIT_RUN = re.compile(r"\d{14,}[\dXx]?")  # an ID or card number, whole or mistyped


def mask_digit_runs(text: str) -> str:
    """The text with every run of 14 or more digits masked as a personal value is: a reason that
    quotes what a clerk typed may quote an ID number typed in the wrong cell."""
    return _DIGIT_RUN.sub(lambda m: mask_personal(m.group()), text) if text else text


def mask_personal(raw: object) -> str:
    """A personal value (valid or not) in a form fit for a report: middle characters hidden."""
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))  # what the clerk sees in Excel's formula bar
    else:
        text = raw.strip() if isinstance(raw, str) else str(raw)
    if len(text) >= 12:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    return "*" * len(text)


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(map(operator.mul, map(_CREDIT_INDEX.__getitem__, first17), CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code(raw: object) -> str:
    """The normalised 统一社会信用代码 (upper-case, 18 characters), check character verified."""
    text = _clean(raw, "统一社会信用代码")
    if len(text) != 18:
        raise InvalidValue(f"统一社会信用代码应为 18 位，这里是 {len(text)} 位：请对照营业执照或登记证书重新填写")
    bad = sorted({c for c in text if c not in _CREDIT_INDEX})
    if bad:
        raise InvalidValue(
            f"统一社会信用代码含有不允许的字符 {''.join(bad)}（不使用 I、O、Z、S、V）：请对照证书重新填写"
        )
    if credit_check_char(text[:17]) != text[17]:
        raise InvalidValue("统一社会信用代码校验位不符（可能有字符录错）：请对照证书逐位核对后重新填写")
    return text


_LUHN_DOUBLED = {48 + d: (d * 2 - 9 if d > 4 else d * 2) for d in range(10)}  # by ASCII code


def luhn_valid(digits: str) -> bool:
    """Luhn: from the right, every second digit doubled (less 9 if over 9); total ≡ 0 mod 10."""
    codes = digits.encode("ascii")
    kept = sum(codes[-1::-2]) - 48 * len(codes[-1::-2])
    doubled = sum(map(_LUHN_DOUBLED.__getitem__, codes[-2::-2]))
    return (kept + doubled) % 10 == 0


def card_number(raw: object) -> str:
    """The normalised 京卡 card number: 16–19 digits passing the Luhn check."""
    text = raw if type(raw) is str and raw.isascii() and raw.isdigit() else _clean(raw, "卡号")
    if not text.isdigit():
        raise InvalidValue("卡号只能由数字组成：请对照卡面重新填写")
    if not 16 <= len(text) <= 19:
        raise InvalidValue(f"卡号应为 16–19 位数字，这里是 {len(text)} 位：请对照卡面重新填写")
    if not luhn_valid(text):
        raise InvalidValue("卡号校验不符（可能有数字录错）：请对照卡面逐位核对后重新填写")
    return text
