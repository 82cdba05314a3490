"""How a figure is said: its exact value (数值 and 单位, a rate from its parts), the words the
article prints around it (发布用语, from figure_wording.yaml) and the evaluative word its value earns
(高达, evaluative_words.yaml). The catalogue (reports/provenance.py), the figure book, revision.xlsx
and the CLI say a figure through these, so it is worded the same way everywhere."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path

import yaml

from reports.formatting import is_missing, to_decimal

WORDING = Path(__file__).resolve().parent / "figure_wording.yaml"
EVALUATIVE = Path(__file__).resolve().parent / "evaluative_words.yaml"


@cache
def wording_table(path: Path = WORDING) -> dict[str, dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def plain_number(value: Decimal) -> str:
    """Exact decimal text without trailing zeros or exponent: 1200.500000 → 1200.5."""
    text = f"{value.normalize():f}"
    return "0" if text in {"-0", ""} else text


def exact_value(row) -> tuple[str, str]:
    """(数值, 单位): the unrounded value; a rate as a percentage to six places from its parts."""
    style = str(row["style"])
    if style.startswith("pct"):
        num, den = row["numerator"], row["denominator"]
        if not is_missing(num) and not is_missing(den) and to_decimal(den) != 0:
            with localcontext() as ctx:
                ctx.prec = 60
                ratio = to_decimal(num) / to_decimal(den)
        elif not is_missing(row["value"]):
            ratio = to_decimal(row["value"])
        else:
            return "", "%"
        return plain_number((ratio * 100).quantize(Decimal("0.000001"))), "%"
    if is_missing(row["value"]):
        return "", str(row["unit"])
    return plain_number(to_decimal(row["value"])), str(row["unit"])


REACHED = re.compile(r"达到?(?=\{figure\})")  # 达到98% / 达98% (not 达标): said of a figure only when it is reached


PLAIN_REACH = "达到"


@cache
def evaluative_words(path: Path = EVALUATIVE) -> dict[str, dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def reach_word(indicator_id: str, exact: Decimal | None) -> str:
    """The verb before a figure: its evaluative word (高达) when the exact value is at least the
    threshold written in evaluative_words.yaml, else 达到."""
    high = evaluative_words().get(indicator_id)
    if not high or exact is None:
        return PLAIN_REACH
    return str(high["word"]) if exact >= Decimal(str(high["at_least"])) else PLAIN_REACH


def exact_number(row) -> Decimal | None:
    """A figure's exact value: a rate from its numerator and denominator, else the value."""
    numerator, denominator = row["numerator"], row["denominator"]
    if not is_missing(numerator) and not is_missing(denominator) and to_decimal(denominator) != 0:
        return to_decimal(numerator) / to_decimal(denominator)
    return None if is_missing(row["value"]) else to_decimal(row["value"])


def wording(
    indicator_id: str, figure: str, key: str | None = None, rounded_up: bool = False, exact: Decimal | None = None
) -> str:
    """The 发布用语 of a figure; `rounded_up` for a breakdown row whose printed figure is above the
    exact value (97.84% printed 98%): it is not said to 达到 it. The headline keeps the
    article's words, with the evaluative word its `exact` value earns (reach_word)."""
    entry = wording_table().get(indicator_id) or {}
    say = entry.get("say") or "{figure}"
    if key is None:
        return say.format(figure=figure, reach=reach_word(indicator_id, exact))
    template = (entry.get("by") or "{key}" + say).replace("{reach}", PLAIN_REACH)
    if rounded_up:
        template = REACHED.sub("为", template)
    return template.format(key=key, figure=figure)


def rate_rounded_up(row, printed: str) -> bool:
    """Whether a rate's printed percentage (98%) is above its exact value (97.84%)."""
    if not str(row["style"]).startswith("pct") or not printed.endswith("%"):
        return False
    numerator, denominator = row["numerator"], row["denominator"]
    if is_missing(numerator) or is_missing(denominator) or to_decimal(denominator) == 0:
        exact = None if is_missing(row["value"]) else to_decimal(row["value"])
    else:
        exact = to_decimal(numerator) / to_decimal(denominator)
    return exact is not None and Decimal(printed[:-1]) > exact * 100
