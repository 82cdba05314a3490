"""Validating many ID numbers at once with numpy. A district's returns hold hundreds of thousands
of distinct resident IDs and card numbers; checking them one by one in Python costs more than
reading the workbooks. Here the well-formed ones (18 ASCII characters; 16–19 ASCII digits) are
checked as arrays. Anything not accepted here goes through ingest.clean.validators one by one, which
also gives the clerk the reason: these functions only ever accept, never explain."""

from __future__ import annotations

import numpy as np

from ingest.clean.validators import ID_CHECK_CHARS, ID_WEIGHTS, PROVINCE_CODES
from ingest.clean.validators import today as validation_day

_WEIGHTS = np.array(ID_WEIGHTS, dtype=np.int64)
_CHECK_CODES = np.frombuffer(ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)
_PROVINCE = np.zeros(100, dtype=bool)
_PROVINCE[list(PROVINCE_CODES)] = True
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def _as_matrix(texts: list[str], width: int) -> np.ndarray:
    return np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(len(texts), width)


def _number(digits: np.ndarray) -> np.ndarray:
    out = np.zeros(len(digits), dtype=np.int64)
    for column in range(digits.shape[1]):
        out = out * 10 + digits[:, column]
    return out


def valid_resident_ids(candidates: list[str]) -> dict[str, str]:
    """{raw: normalised} for those of `candidates` that are valid 18-character resident IDs."""
    texts = [t for t in candidates if len(t) == 18 and t.isascii()]
    if not texts:
        return {}
    upper = [t.upper() for t in texts]
    codes = _as_matrix(upper, 18)
    digits = codes[:, :17].astype(np.int64) - 48
    ok = np.asarray(((digits >= 0) & (digits <= 9)).all(axis=1))
    digits = np.where(ok[:, None], digits, 0)
    ok &= _CHECK_CODES[(digits @ _WEIGHTS) % 11] == codes[:, 17]
    ok &= _PROVINCE[digits[:, 0] * 10 + digits[:, 1]]
    year, month, day = _number(digits[:, 6:10]), _number(digits[:, 10:12]), _number(digits[:, 12:14])
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ok = (month >= 1) & (month <= 12)
    days = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + ((month == 2) & leap)
    today = validation_day()
    ok &= month_ok & (day >= 1) & (day <= days) & (year >= 1900)
    ok &= year * 10000 + month * 100 + day <= today.year * 10000 + today.month * 100 + today.day
    return {texts[i]: upper[i] for i in np.flatnonzero(ok)}


def valid_card_numbers(candidates: list[str]) -> dict[str, str]:
    """{raw: raw} for those of `candidates` that are 16–19 ASCII digits passing the Luhn check."""
    out: dict[str, str] = {}
    by_length: dict[int, list[str]] = {}
    for text in candidates:
        if 16 <= len(text) <= 19 and text.isascii() and text.isdigit():
            by_length.setdefault(len(text), []).append(text)
    for length, texts in by_length.items():
        digits = _as_matrix(texts, length).astype(np.int64) - 48
        from_right = digits[:, ::-1]
        total = from_right[:, 0::2].sum(axis=1) + _DOUBLED[from_right[:, 1::2]].sum(axis=1)
        out.update((texts[i], texts[i]) for i in np.flatnonzero(total % 10 == 0))
    return out


def birth_years_and_sexes(ids: list[str]) -> tuple[list[int], list[str]]:
    """Birth year (digits 7–10) and sex (17th digit odd: 男) of valid 18-character IDs."""
    if not ids:
        return [], []
    digits = _as_matrix(ids, 18).astype(np.int64) - 48
    sexes = np.where(digits[:, 16] % 2 == 1, "男", "女")
    return _number(digits[:, 6:10]).tolist(), sexes.tolist()
