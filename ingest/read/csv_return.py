"""A return sent as CSV: one sheet in one file, as an export tool or a clerk's "另存为 CSV" makes it.

Decisions (documented here because a CSV has no sheets and no cover):
- Encoding: UTF-8 with or without BOM, else GB18030 (a superset of GBK, what Chinese Excel
  writes); UTF-16 with BOM (Excel's "Unicode 文本") as well. Comma- or tab-separated.
- Which sheet: a sheet title in the file name (…_会员名册.csv), checked against the headers;
  otherwise the headers alone, as for a renamed sheet.
- Which unit and period: cover lines at the top (填报单位,月坛街道工会服务站 / 统计期起,2018-01-01 …
  or "填报单位：…" in one cell) win; what they lack comes from the file name, whose parts are
  separated by "_": a unit's name, short name or alias, and a period label (2018年度, 2018年,
  2018年上半年, 2018年第一季度, 2018年3月), e.g. 月坛街道工会服务站_2018年度_会员名册.csv.
- A CSV is a whole submission of one sheet: for a unit and period only the newest file counts
  (see ingest/load/current.py), so a unit should send all its sheets in one workbook.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re

from domain.schema import cover_fields
from ingest.read.cover import Cover, CoverError, has_cover_fields, read_cover, unit_names
from ingest.read.headers import kind_by_title, normalise_header

_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_PERIODS = (
    (re.compile(r"(\d{4})年?(\d{1,2})月$"), "month"),
    (re.compile(r"(\d{4})年?第?([一二三四1-4])季度?$"), "quarter"),
    (re.compile(r"(\d{4})年?([上下])半年$"), "half"),
    (re.compile(r"(\d{4})年?度?$"), "year"),
)
UNIT_ADVICE = "请把文件命名为“单位全称_2018年度_表名.csv”，或在文件第一行写“填报单位,单位全称”"
PERIOD_ADVICE = (
    "请在文件名中写明统计期（如“单位全称_2018年度_表名.csv”，也可写 2018年上半年、2018年第一季度、2018年3月），"
    "或在文件开头写“统计期起,2018-01-01”和“统计期止,2018-12-31”两行"
)


class CsvUnreadable(ValueError):
    """A CSV whose text cannot be decoded or parsed; `reason` is for the clerk."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise CsvUnreadable(
            "CSV 文件的文字编码无法识别（不是 UTF-8 或 GBK）：请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"
        ) from None


def read_csv_rows(data: bytes) -> list[list[str]]:
    """Rows of text cells, all padded to the same width ('' for an empty cell, as calamine gives)."""
    text = _decode(data)
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise CsvUnreadable(f"CSV 文件格式有误（{error}）：请用 Excel 或 WPS 打开后另存为 .xlsx 再报送") from None
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def period_of_label(label: str) -> tuple[dt.date, dt.date] | None:
    """'2018年度' → (2018-01-01, 2018-12-31); also 2018年上半年, 2018年第一季度, 2018年3月."""
    text = normalise_header(label)
    for pattern, kind in _PERIODS:
        found = pattern.match(text)
        if not found:
            continue
        year = int(found.group(1))
        if kind == "year":
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if kind == "half":
            first = 1 if found.group(2) == "上" else 7
            months = (first, first + 5)
        elif kind == "quarter":
            q = _CN_NUMBERS.get(found.group(2)) or int(found.group(2))
            months = (3 * q - 2, 3 * q)
        else:
            month = int(found.group(2))
            if not 1 <= month <= 12:
                return None
            months = (month, month)
        return dt.date(year, months[0], 1), dt.date(year, months[1], calendar.monthrange(year, months[1])[1])
    return None


def name_fields(stem: str) -> tuple[dict[str, object], str | None]:
    """Cover field values and the sheet title that a file name gives."""
    fields: dict[str, object] = {}
    title = None
    known = unit_names()
    for part in re.split(r"[_\s\-—]+", stem):
        if not part:
            continue
        if "unit_name" not in fields and normalise_header(part) in known:
            fields["unit_name"] = part
        elif "period_start" not in fields and (period := period_of_label(part)) is not None:
            fields["period_start"], fields["period_end"] = period
        elif title is None and (kind := kind_by_title(part)) is not None:
            title = kind.title
    return fields, title


def csv_cover(rows: list[list[str]], stem: str) -> tuple[Cover, str | None]:
    """The CSV's cover (lines at the top, then the file name) and the sheet title in its name.
    A field written nowhere gets advice on where to write it: one problem for the unit, one for
    the period (统计期起 and 统计期止 come from the same place, so they are told once)."""
    defaults, title = name_fields(stem)
    cover = read_cover(rows if has_cover_fields(rows) else [], defaults, where="文件开头")
    headers = {f.name: f.header for f in cover_fields()}
    nowhere = {name for name in ("unit_name", "period_start", "period_end") if name not in cover.fields}
    errors = [e for e in cover.errors if not (e.row is None and e.header in {headers[n] for n in nowhere})]
    if "unit_name" in nowhere:
        errors.append(CoverError(headers["unit_name"], f"CSV 文件的文件名和开头几行都没有写明填报单位：{UNIT_ADVICE}"))
    period = [name for name in ("period_start", "period_end") if name in nowhere]
    if period:
        header = headers[period[0]] if len(period) == 1 else None  # both: no one heading to show
        what = header or "统计期"
        errors.append(CoverError(header, f"CSV 文件的文件名和开头几行都没有写明{what}：{PERIOD_ADVICE}"))
    cover.errors = errors
    return cover, title
