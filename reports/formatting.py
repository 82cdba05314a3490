"""Print a figure the way the federation's bulletin writes it (数说工会's number habits).

Every figure is rounded here, once, from the exact value kept in `marts.indicators`; nothing
upstream rounds. Arithmetic is Decimal throughout: a float turns 29/200 = 14.5% into 14%.

Styles (column `style` of seeds/indicator_catalog.csv):

- ``exact``    the plain integer, no thousands separator: 123456. A value with a fraction is an
               error (the catalog promised a count).
- ``wan:N``    value ÷ 10000 rounded half up to N decimals, always N decimals, then 万:
               12345050 → 1234.51万; 99950 with wan:2 → 10.00万 (decimals are kept even when the
               rounding carries, so a column of figures keeps one precision); 0 → 0.0万 (wan:1).
- ``yu:K``     rounded DOWN to a multiple of K, then 余 only when the true value is above it:
               35 → 30余, 30 → 30. A value below K prints its integer part (7 → 7, 7.5 → 7余):
               "0余" would say nothing.
               With unit 元 printed in 万元, K must be a multiple of 10000 and the figure is
               printed in 万 (3456789 → 345余万) — never 345.6余万; under 10000 元 it
               prints 万 with two decimals (0.50万) rather than a false "0余万".
- ``pct:N``    a ratio × 100 rounded half up to N decimals, then %; computed from numerator ÷
               denominator when both are given (the rate is stored rounded to six places).
- ``shangwan`` 上万 for 10000 ≤ v < 100000. Outside that range the word would be false, so the
               figure falls back to wan:1 at or above 100000 (18.2万) and to exact below 10000.

Missing values (None, NaN, pd.NA) raise MissingFigureError: a bulletin never prints a gap.
Negative values print with a minus sign for exact and wan (a change may be negative); for
yu, shangwan and pct they raise FigureFormatError ("more than", "上万" and a rate cannot be).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

TEN_THOUSAND = Decimal(10000)
HUNDRED_THOUSAND = Decimal(100000)


class FigureFormatError(ValueError):
    """A figure cannot be printed in the style its catalog entry asks for."""


class MissingFigureError(FigureFormatError):
    """A figure has no value: the bulletin refuses to print a gap."""


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA all mean "no value" (pandas turns NULLs into any of them)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, Decimal) and value.is_nan():
        return True
    return type(value).__name__ in {"NAType", "NaTType"}


def to_decimal(value: Any) -> Decimal:
    """Exact Decimal of a value; floats go through their shortest repr (0.0145 stays 0.0145)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise FigureFormatError(f"数值不能是真假值：{value!r}")
    if isinstance(value, float):
        if math.isinf(value):
            raise FigureFormatError(f"数值不能是无穷大：{value!r}")
        return Decimal(repr(value))
    if hasattr(value, "item"):  # numpy scalar
        return to_decimal(value.item())
    try:
        return Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise FigureFormatError(f"不是数值：{value!r}") from exc


def _style_parts(style: str) -> tuple[str, int]:
    name, _, arg = str(style).strip().partition(":")
    if name in {"exact", "shangwan"} and not arg:
        return name, 0  # these styles take no number
    if name in {"wan", "yu", "pct"} and arg.isdigit():
        return name, int(arg)
    raise FigureFormatError(f"未知的格式“{style}”：应为 exact、wan:N、yu:K、pct:N 或 shangwan")


def _plain(number: Decimal) -> str:
    """Fixed-point text without exponent or thousands separator; -0 prints as 0."""
    text = f"{number:f}"
    return text[1:] if text.startswith("-") and number == 0 else text


def _round_half_up(number: Decimal, decimals: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _exact(v: Decimal) -> str:
    if v != v.to_integral_value():
        raise FigureFormatError(f"按整数（exact）印刷的数值带有小数：{_plain(v)}")
    return _plain(v.to_integral_value())


def _wan(v: Decimal, decimals: int) -> str:
    return _plain(_round_half_up(v / TEN_THOUSAND, decimals)) + "万"


def _yu(v: Decimal, step: int, in_wan: bool) -> str:
    if v < 0:
        raise FigureFormatError(f"“余”不能用于负数：{_plain(v)}")
    if step <= 0:
        raise FigureFormatError("yu:K 的 K 必须大于 0")
    if in_wan and step % 10000:
        raise FigureFormatError(f"以万元印刷的“余”须按万的整数倍取整，yu:{step} 会印出小数")
    floor = (v / step).to_integral_value(rounding=ROUND_FLOOR) * step
    if floor == 0 and v > 0 and step > 1:  # below K: "0余" says nothing; print what there is
        return _wan(v, 2) if in_wan else _yu(v, 1, False)
    shown = floor / TEN_THOUSAND if in_wan else floor
    text = _plain(shown.to_integral_value()) + ("余" if v > floor else "")
    return text + ("万" if in_wan else "")


def _ratio(value: Any, numerator: Any, denominator: Any) -> Decimal:
    if is_missing(numerator) or is_missing(denominator):
        if is_missing(value):
            raise MissingFigureError("比率缺少数值，也缺少分子、分母")
        return to_decimal(value)
    den = to_decimal(denominator)
    if den == 0:
        raise FigureFormatError("比率的分母为 0，无法计算")
    with localcontext() as ctx:
        ctx.prec = 60
        return to_decimal(numerator) / den


def _pct(ratio: Decimal, decimals: int) -> str:
    if ratio < 0:
        raise FigureFormatError(f"比率不能为负：{_plain(ratio)}")
    return _plain(_round_half_up(ratio * 100, decimals)) + "%"


def _shangwan(v: Decimal) -> str:
    if v < 0:
        raise FigureFormatError(f"“上万”不能用于负数：{_plain(v)}")
    if TEN_THOUSAND <= v < HUNDRED_THOUSAND:
        return "上万"
    if v >= HUNDRED_THOUSAND:
        return _wan(v, 1)
    return _exact(v)


def _prints_in_wan(printed_unit: str | None) -> bool:
    """A printed unit such as 万元 means the number itself is printed in 万."""
    return bool(printed_unit) and str(printed_unit).startswith("万")


def format_value(
    value: Any,
    style: str,
    *,
    numerator: Any = None,
    denominator: Any = None,
    unit: str | None = None,
    printed_unit: str | None = None,
) -> str:
    """The number part of a figure: "3.8万", "30余", "345余万", "83.67%", "上万", "123456".

    `unit`/`printed_unit` matter only for yu with 万元 (print in 万); the unit itself is added by
    format_figure. Raises MissingFigureError for a missing value, FigureFormatError otherwise.
    """
    name, arg = _style_parts(style)
    if name == "pct":
        return _pct(_ratio(value, numerator, denominator), arg)
    if is_missing(value):
        raise MissingFigureError("数值缺失")
    v = to_decimal(value)
    if not v.is_finite():
        raise FigureFormatError(f"数值无效：{value!r}")
    in_wan = _prints_in_wan(printed_unit)
    if in_wan and name not in {"wan", "yu"}:
        raise FigureFormatError(f"印刷单位“{printed_unit}”要求按万印刷，但格式是 {style}")
    if name == "exact":
        return _exact(v)
    if name == "wan":
        return _wan(v, arg)
    if name == "yu":
        return _yu(v, arg, in_wan)
    return _shangwan(v)


def _field(row: Any, name: str) -> Any:
    if isinstance(row, Mapping) or hasattr(row, "get"):  # dict, pandas Series
        return row.get(name)
    return getattr(row, name, None)  # namedtuple from DataFrame.itertuples


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def format_figure(row: Any) -> str:
    """Value and printed unit of one `marts.indicators` row: "3.8万人次", "345余万元", "83.67%".

    `row` is a mapping, a pandas Series or a namedtuple with the indicators' columns. Errors name
    the indicator so a reader of the log knows which figure to look at.
    """
    indicator = _text(_field(row, "indicator_id")) or "（未命名指标）"
    printed_unit = _text(_field(row, "printed_unit"))
    unit = _text(_field(row, "unit"))
    try:
        number = format_value(
            _field(row, "value"),
            _text(_field(row, "style")),
            numerator=_field(row, "numerator"),
            denominator=_field(row, "denominator"),
            unit=unit,
            printed_unit=printed_unit,
        )
    except MissingFigureError as exc:
        raise MissingFigureError(f"指标 {indicator} 没有数值（{exc}）：公报不印缺失的数字，请先查模型输出") from exc
    except FigureFormatError as exc:
        raise FigureFormatError(f"指标 {indicator} 无法印刷：{exc}") from exc
    if number.endswith("%"):
        return number
    if number.endswith("万") and printed_unit.startswith("万"):
        printed_unit = printed_unit[1:]
    return number + printed_unit


def register_filters(env: Any) -> Any:
    """Add `figure` (a row → "3.8万人次") and `number` (format_value) to a Jinja2 Environment."""
    env.filters["figure"] = format_figure
    env.filters["number"] = format_value
    return env
