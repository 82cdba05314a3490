"""Cell normalisers, one per column type, applied to a whole column at once.

Each takes the column's raw cells as python-calamine gives them ('' for empty, float for every
number, datetime.date for a date-formatted cell, str, bool) and returns (values, errors): the
normalised values (None for empty) and {index: Chinese reason} for cells that cannot be
accepted. Typed cells take a fast path; text that a clerk typed (thousands separators,
full-width digits, 2018年3月5日) goes through the slower parsing."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation, localcontext

from ingest.clean.validators import InvalidValue, resident_ids_in

Errors = dict[int, str]
# Excel counts 1900 as a leap year (as Lotus 1-2-3 did): serial 60 is a 1900-02-29 that never was,
# serials 1–59 are 1900-01-01 … 1900-02-28 (day 0 is 1899-12-31), and from 61 on the count is one
# ahead, so 1899-12-30 is the epoch that gives the right day.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_EPOCH_BEFORE_LEAP_DAY = dt.date(1899, 12, 31)
EXCEL_LEAP_DAY_SERIAL = 60
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31
MAX_CENTS = 10**18  # DECIMAL(18,2)
# Excel keeps 15 significant digits: a whole number from 10^15 on is not what the clerk typed.
MAX_WHOLE = 10**15
MAX_DECIMALS = 8  # more places than any amount can mean (0.000001 万元 is one fen)
NOT_A_NUMBER_REASON = (
    "这里的值不是有效的数字（{shown}；可能是公式出错，或文件被其他软件改过）：请填写正确的数字后重新报送"
)
_NUMBER_TEXT = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,", " \u3000\u00a0\t\n\r,'")
_WHITESPACE = " \u3000\u00a0\t\n\r"
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME_TAIL = re.compile(r"(?<=\d)[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
TRUE_WORDS = frozenset({"是", "√", "Y", "YES", "TRUE"})
FALSE_WORDS = frozenset({"否", "×", "N", "NO", "FALSE"})
_PLAIN_BOOLS = {"是": True, "否": False}
REQUIRED_REASON = "必填项为空：请补填后重新报送"


def is_empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip(_WHITESPACE))


def convert_cells(
    values: Sequence, convert: Callable[[object], object], required: bool, fast: list | None = None
) -> tuple[list, Errors]:
    """The slow path shared by every type: convert each non-empty cell, collect reasons.
    `fast`: values a type's fast path already converted (None where it did not apply): only
    those cells go through `convert`."""
    if fast is None:
        out: list = [None] * len(values)
        todo: Iterable[int] = range(len(values))
    else:
        out = fast
        todo = [i for i, v in enumerate(fast) if v is None] if None in fast else ()
    errors: Errors = {}
    for i in todo:
        raw = values[i]
        if raw == "" or raw is None or (isinstance(raw, str) and not raw.strip(_WHITESPACE)):
            if required:
                errors[i] = REQUIRED_REASON
            continue
        try:
            out[i] = convert(raw)
        except InvalidValue as problem:
            errors[i] = problem.reason
    return out, errors


def number_text(raw: str) -> str:
    """'１２,３４５ ' → '12345': full-width digits, separators and spaces removed."""
    return raw.translate(_NUMBER_TEXT)


def to_text(raw: object) -> str:
    if isinstance(raw, str):
        return raw.strip(_WHITESPACE)
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw.isoformat()
    return str(raw)


PERSONAL_IN_TEXT_REASON = "此处填写了身份证号：身份证号只能填在“身份证号”列，请从这一格删除后重新报送"
_LONG_DIGITS = re.compile(r"[0-9]{17}")


def text(values: Sequence, required: bool = False) -> tuple[list, Errors]:
    try:  # fast path, when every cell is text: strip, '' → None
        out = [v.strip(_WHITESPACE) or None for v in values]
        errors = {i: REQUIRED_REASON for i, v in enumerate(out) if v is None} if required and None in out else {}
    except AttributeError:  # a number or a date among them
        out, errors = convert_cells(values, to_text, required)
    # Free text is loaded as it is, so an ID number typed into it would leave ingest unhashed.
    # One search over the whole column first (a regex call per cell cost 7% of reading).
    if _LONG_DIGITS.search("\n".join(filter(None, out))):
        for i, value in enumerate(out):
            if value is not None and _LONG_DIGITS.search(value) and resident_ids_in(value):
                out[i] = None
                errors[i] = PERSONAL_IN_TEXT_REASON
    return out, errors


def blanks(values: Sequence) -> list[int]:
    """Positions of empty cells ('' or only spaces); calamine gives '' for an empty cell."""
    return [i for i, v in enumerate(values) if type(v) is str and not v.strip(_WHITESPACE)]


TOO_LARGE_WHOLE_REASON = (
    f"数字过大（{len(str(MAX_WHOLE))} 位以上，Excel 无法准确保存），不像是实际的数：请核对后重新填写"
)


def _finite(raw: float) -> float:
    """A typed number that is a number: Excel never stores infinity or NaN, but a file written
    by another program (or altered) can hold them, and 1e308 is a legal cell."""
    if not math.isfinite(raw):
        raise InvalidValue(NOT_A_NUMBER_REASON.format(shown=raw))
    return raw


def _finite_decimal(value: Decimal, raw: str) -> Decimal:
    """A number typed as text, when it is one: "NaN", "Infinity" and "sNaN" parse as Decimals."""
    if not value.is_finite():
        raise InvalidValue(NOT_A_NUMBER_REASON.format(shown=raw.strip()[:20]))
    return value


def _whole_number(raw: object, minimum: int) -> int:
    if isinstance(raw, bool):
        raise InvalidValue("这里应填整数，不是“是/否”：请填写数字")
    if isinstance(raw, float):
        _finite(raw)
        if abs(raw) >= MAX_WHOLE:
            raise InvalidValue(TOO_LARGE_WHOLE_REASON)
        if not raw.is_integer():
            raise InvalidValue(f"这里应填整数，不能有小数（{raw}）：请改为整数")
        number = int(raw)
    elif isinstance(raw, str):
        cleaned = number_text(raw)
        try:
            value = _finite_decimal(Decimal(cleaned), raw)
        except InvalidOperation:
            raise InvalidValue("这里应填整数，不是文字：请只填数字（不要带单位）") from None
        if value and value.adjusted() >= len(str(MAX_WHOLE)) - 1:  # before int(): 1e999999999 has a billion digits
            raise InvalidValue(TOO_LARGE_WHOLE_REASON)
        if value != value.to_integral_value():
            raise InvalidValue("这里应填整数，不能有小数：请改为整数")
        number = int(value)
    elif isinstance(raw, int):
        number = raw
    else:
        raise InvalidValue("这里应填整数：请只填数字")
    if abs(number) >= MAX_WHOLE:
        raise InvalidValue(TOO_LARGE_WHOLE_REASON)
    if number < minimum:
        raise InvalidValue(f"这里应填不小于 {minimum} 的整数，这里是 {number}：请核对后重新填写")
    return number


def integer(values: Sequence, required: bool = False, minimum: int | None = None) -> tuple[list, Errors]:
    low = 0 if minimum is None else minimum
    fast = [int(v) if type(v) is float and low <= v < MAX_WHOLE and v.is_integer() else None for v in values]
    return convert_cells(values, lambda raw: _whole_number(raw, low), required, fast)


def _cents(raw: object, scale: int) -> int:
    """Yuan with at most two decimals, as whole cents; `scale` 10000 for a 万元 header."""
    if isinstance(raw, bool):
        raise InvalidValue("这里应填金额，不是“是/否”：请填写数字")
    if isinstance(raw, float):
        if abs(_finite(raw)) * scale * 100 >= MAX_CENTS:  # 1e308 × 100 is inf: round() would raise
            raise InvalidValue(TOO_LARGE_MONEY_REASON)
        exact = raw * scale * 100
        cents = round(exact)
        if abs(exact - cents) > 1e-9 * max(1.0, abs(exact)):
            # a float that is not a whole number of cents may still be, read as its shortest decimal
            cents = _decimal_cents(Decimal(repr(raw)), scale)
    elif isinstance(raw, str):
        cleaned = number_text(raw)
        for suffix in ("万元", "元"):
            if cleaned.endswith(suffix):
                cleaned = cleaned[: -len(suffix)]
                break
        try:
            value = _finite_decimal(Decimal(cleaned), raw)
        except InvalidOperation:
            raise InvalidValue("这里应填金额（数字），不是文字：请只填数字，单位按表头") from None
        cents = _decimal_cents(value, scale)
    elif isinstance(raw, int):
        cents = raw * scale * 100
    else:
        raise InvalidValue("这里应填金额（数字）：请只填数字")
    if cents < 0:
        raise InvalidValue("金额不能为负数：请核对后重新填写")
    if cents >= MAX_CENTS:
        raise InvalidValue(TOO_LARGE_MONEY_REASON)
    return cents


TOO_LARGE_MONEY_REASON = "金额过大，超出可记录的范围：请核对单位（元/万元）后重新填写"


def _decimal_cents(value: Decimal, scale: int) -> int:
    if not value.is_finite():
        raise InvalidValue("这里应填金额（数字）：请只填数字")
    unit = "万元" if scale == 10000 else "元"
    places = 6 if scale == 10000 else 2
    too_many_places = InvalidValue(f"金额最多保留 {places} 位小数（以{unit}计精确到分）：请核对后重新填写")
    if not value:
        return 0
    # Bounds before any arithmetic: 1e999999999 overflows the context, 1e-999999999 underflows to 0.
    if value.adjusted() >= len(str(MAX_CENTS)):  # far past MAX_CENTS even in 元; the rest is caught below
        raise InvalidValue(TOO_LARGE_MONEY_REASON)
    if value.adjusted() < -MAX_DECIMALS:
        raise too_many_places
    with localcontext() as exact:  # enough digits that ×100 (or ×1 000 000) is never rounded
        exact.prec = max(28, len(value.as_tuple().digits) + 8)
        cents = value * scale * 100
    if cents != cents.to_integral_value():
        raise too_many_places
    return int(cents)


def _float_cents(value: float, factor: int) -> int | None:
    """Cents of a typed number when plainly valid (non-negative, whole cents), else None."""
    exact = value * factor
    if not 0 <= exact < MAX_CENTS:  # also NaN and inf, which round() cannot take
        return None
    cents = round(exact)
    if cents < MAX_CENTS and abs(exact - cents) <= 1e-9 * max(1.0, exact):
        return cents
    return None


def money(values: Sequence, required: bool = False, scale: int = 1) -> tuple[list, Errors]:
    """Whole cents (int): exact, and turned into DECIMAL(18,2) only at load."""
    factor = scale * 100
    fast = [_float_cents(v, factor) if type(v) is float else None for v in values]
    return convert_cells(values, lambda raw: _cents(raw, scale), required, fast)


def to_date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise InvalidValue("这里应填日期：请按“2018-03-05”的样式填写")
    if isinstance(raw, (int, float)):
        if not 1 <= raw <= MAX_EXCEL_SERIAL:
            raise InvalidValue(f"这里应填日期，{raw} 不是日期：请按“2018-03-05”的样式填写")
        return excel_serial_date(int(raw))
    if isinstance(raw, str):
        return parse_date_text(raw)
    raise InvalidValue("这里应填日期：请按“2018-03-05”的样式填写")


def excel_serial_date(serial: int) -> dt.date:
    """The day an Excel serial number means (1 → 1900-01-01, 61 → 1900-03-01)."""
    if serial == EXCEL_LEAP_DAY_SERIAL:
        raise InvalidValue(
            "这里的数字 60 在 Excel 中是“1900-02-29”，这一天并不存在：请按“2018-03-05”的样式填写正确日期"
        )
    epoch = EXCEL_EPOCH_BEFORE_LEAP_DAY if serial < EXCEL_LEAP_DAY_SERIAL else EXCEL_EPOCH
    return epoch + dt.timedelta(days=serial)


def parse_date_text(raw: str) -> dt.date:
    """2018-03-05, 2018/3/5, 2018.3.5, 2018年3月5日, 20180305 (a time part is ignored)."""
    cleaned = raw.strip(_WHITESPACE).replace("－", "-").replace("／", "/").replace("：", ":")
    cleaned = number_text(_TIME_TAIL.sub("", cleaned))
    found = _DATE_TEXT.match(cleaned) or _DATE_COMPACT.match(cleaned)
    if not found:
        raise InvalidValue(f"无法识别的日期“{raw.strip()}”：请按“2018-03-05”的样式填写")
    year, month, day = (int(g) for g in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidValue(f"日期“{raw.strip()}”不存在：请核对后重新填写") from None


def date(
    values: Sequence, required: bool = False, window: tuple[dt.date, dt.date | None] | None = None
) -> tuple[list, Errors]:
    """`window`: (earliest, latest) plausible day (latest None: no bound), the schema's
    (Column.date_window): a day outside it is rejected, not loaded."""
    fast = [v if type(v) is dt.date else None for v in values]  # date-formatted cells
    out, errors = convert_cells(values, to_date, required, fast)
    if window is not None:
        _outside_window(out, errors, *window)
    return out, errors


def _outside_window(days: list, errors: Errors, earliest: dt.date, latest: dt.date | None) -> None:
    """Reject the days outside [earliest, latest] in place; one pass in C when all are inside."""
    present = [d for d in days if d is not None]
    if not present or (min(present) >= earliest and (latest is None or max(present) <= latest)):
        return
    for i, day in enumerate(days):
        if day is None:
            continue
        if day < earliest:
            errors[i] = (
                f"日期 {day.isoformat()} 早于 {earliest.isoformat()}，不是合理的日期（可能年份录错，"
                "或把数字设成了日期格式）：请核对后重新填写"
            )
        elif latest is not None and day > latest:
            errors[i] = (
                f"日期 {day.isoformat()} 晚于 {latest.isoformat()}（离统计期末太远），不是合理的日期（可能年份录错；"
                "“无期限”不要填 9999-12-31 之类的日期）：请核对后重新填写"
            )
        else:
            continue
        days[i] = None


def too_long(values: Sequence, limit: int) -> Errors:
    """{index: reason} for the text cells longer than `limit` characters. The longest cell is
    found in C: of every cell when all are text (a text column), else of the text cells only
    (a number column: 3× cheaper than a test per cell, measured)."""
    try:
        longest = max(map(len, values), default=0)
    except TypeError:  # numbers or dates among them: only a text cell can be long
        longest = max(map(len, filter(str.__instancecheck__, values)), default=0)
    if longest <= limit:
        return {}
    return {
        i: (
            f"内容过长：有 {len(v):,} 个字，本列最多 {limit} "
            "个字（可能误粘贴了整段文字或整个文件）：请只填本格应填的内容后重新报送"
        )
        for i, v in enumerate(values)
        if type(v) is str and len(v) > limit
    }


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    word = to_text(raw).upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidValue(f"这里应填“是”或“否”，不是“{to_text(raw)}”：请改为“是”或“否”")


def boolean(values: Sequence, required: bool = False) -> tuple[list, Errors]:
    fast = [_PLAIN_BOOLS.get(v) if type(v) is str else None for v in values]
    return convert_cells(values, _bool, required, fast)


def enum(values: Sequence, allowed: tuple[str, ...], required: bool = False) -> tuple[list, Errors]:
    allowed_set = frozenset(allowed)
    listed = "、".join(allowed)

    def convert(raw: object) -> str:
        word = to_text(raw).replace(" ", "").replace("\u3000", "")
        if word not in allowed_set:
            raise InvalidValue(f"“{to_text(raw)}”不是可选值：请从 {listed} 中选填一个")
        return word

    exact = {value: value for value in allowed}
    return convert_cells(values, convert, required, list(map(exact.get, values)))
