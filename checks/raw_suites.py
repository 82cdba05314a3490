"""Great Expectations suites for the raw tables, derived from the submission schema
(domain/schema.py), never written by hand: a column's type, `required`, `values` and `min`
decide its expectations. Each expectation carries in `meta` the check id and the Chinese title
the gate reports; its GE severity says whether a failure blocks publication.

Only canonical and derived (pseudonymised) columns are checked: the raw tables never hold an ID
number or a name, so no failing example can leak one."""

from __future__ import annotations

import datetime as dt

import great_expectations.expectations as gxe

from checks import date_windows
from checks.outcome import BLOCKING, INFO, VERIFY, field_label
from domain import schema

GX_SEVERITY = {BLOCKING: "critical", VERIFY: "warning", INFO: "info"}
# Columns shown with every failing value so a clerk can find the row.
LINEAGE_INDEX = ["unit_code", "source_file", "sheet", "source_row"]
NUMERIC_TYPES = ("BIGINT", "SMALLINT", "INTEGER", "DECIMAL", "DOUBLE")
# the row's number in the batch validated: GE reports it for a failing value, the lineage is looked up by it
ROW_INDEX = "_row"
LINEAGE_REQUIRED = ["unit_code", "period_start", "period_end", "source_file", "file_sha256", "sheet", "source_row"]
SEX_VALUES = ["男", "女"]


def expectations_for(sheet: schema.Sheet, period_start: dt.date, period_end: dt.date) -> list:
    """The expectations of one raw table for one run's period (plain objects: a suite made of
    them needs a GE context, which raw_validation owns)."""
    expectations = list(_lineage_expectations(sheet))
    for column in sheet.columns:
        expectations.extend(_column_expectations(sheet, column, period_start, period_end))
    return expectations


def columns_read(sheet: schema.Sheet, expectations: list) -> dict[str, str]:
    """How each column the expectations need is read, in raw-table order: "value" as it is,
    "day" as a day number (see day_number), "number" as a DOUBLE (GE's between is vectorised
    only for float64 and int64 columns: DuckDB gives a SMALLINT as int16 and an integer column
    with NULLs as pandas' Int64, which GE then maps element by element, measured at 3.8 million
    Python calls at ×10), or "presence" as 1/NULL when only its presence is
    checked: a text column read as text costs most of the read (pandas strings), and what it
    says is never needed to tell whether it is empty. The lineage shown with a failing value is
    not read here: it is looked up by the row's ROW_INDEX for the few examples."""
    kinds: dict[str, set[str]] = {}
    for expectation in expectations:
        kinds.setdefault(expectation.column, set()).add(expectation.expectation_type)
    dates = date_columns(sheet)
    how = {}
    for name, type_ in sheet.raw_columns:
        if name not in kinds:
            continue
        elif kinds[name] == {"expect_column_values_to_not_be_null"}:
            how[name] = "presence"
        elif name in dates:
            how[name] = "day"
        else:
            how[name] = "number" if type_.startswith(NUMERIC_TYPES) else "value"
    return how


def _meta(sheet: schema.Sheet, column: str, rule: str, title: str) -> dict:
    return {"check_id": f"raw.{sheet.name}.{column}.{rule}", "title": f"{sheet.title}·{title}"}


def _expect(cls, sheet, column, rule, title, severity=BLOCKING, **kwargs):
    return cls(column=column, meta=_meta(sheet, column, rule, title), severity=GX_SEVERITY[severity], **kwargs)


def _lineage_expectations(sheet: schema.Sheet):
    for name in LINEAGE_REQUIRED:
        yield _expect(
            gxe.ExpectColumnValuesToNotBeNull, sheet, name, "not_null", f"来源信息「{field_label(name)}」不为空"
        )
    codes = [u.code for u in schema.units()]
    yield _expect(
        gxe.ExpectColumnValuesToBeInSet, sheet, "unit_code", "known_unit", "填报单位在本区单位名单中", value_set=codes
    )
    expected = [u.code for u in schema.units() if u.kind in sheet.submitted_by]
    kinds = "、".join(schema.kind_label(kind) for kind in sheet.submitted_by)
    yield _expect(
        gxe.ExpectColumnValuesToBeInSet,
        sheet,
        "unit_code",
        "expected_submitter",
        f"填报单位属于应报本表的单位（{kinds}）",
        VERIFY,  # rows from a unit that should not send this sheet: the unit must say why
        value_set=expected,
    )


def _column_expectations(sheet: schema.Sheet, column: schema.Column, period_start: dt.date, period_end: dt.date):
    label = column.header
    if column.type == "person_name":
        return  # never loaded
    if column.type in ("resident_id", "card_number"):
        key = f"{column.name}_key"
        if column.required:
            yield _expect(gxe.ExpectColumnValuesToNotBeNull, sheet, key, "not_null", f"{label}（脱敏键）必填不为空")
        if column.type == "resident_id":
            yield _expect(
                gxe.ExpectColumnValuesToBeInSet,
                sheet,
                f"{column.name}_sex",
                "allowed_values",
                f"{label}推得的性别为男或女",
                value_set=SEX_VALUES,
            )
        return
    if column.required:
        yield _expect(gxe.ExpectColumnValuesToNotBeNull, sheet, column.name, "not_null", f"{label}必填不为空")
    if column.type == "enum":
        yield _expect(
            gxe.ExpectColumnValuesToBeInSet,
            sheet,
            column.name,
            "allowed_values",
            f"{label}取值为{'、'.join(column.values)}之一",
            value_set=list(column.values),
        )
    elif column.type == "int":
        low = column.min if column.min is not None else 0
        yield _expect(
            gxe.ExpectColumnValuesToBeBetween, sheet, column.name, "range", f"{label}不小于 {low}", min_value=low
        )
    elif column.type == "money":
        yield _expect(gxe.ExpectColumnValuesToBeBetween, sheet, column.name, "range", f"{label}不为负", min_value=0)
    elif column.type == "date":
        yield from _date_expectations(sheet, column, period_start, period_end)


def _date_expectations(sheet: schema.Sheet, column: schema.Column, period_start: dt.date, period_end: dt.date):
    kind = date_windows.kind_of(sheet.name, column.name)
    earliest, latest = date_windows.plausible_window(kind, period_end)
    yield _expect(
        gxe.ExpectColumnValuesToBeBetween,
        sheet,
        column.name,
        "plausible_date",
        f"{column.header}在合理范围内（{earliest.isoformat()} 至 {latest.isoformat()}）",
        min_value=day_number(earliest),
        max_value=day_number(latest),
    )
    if kind == date_windows.FLOW:
        yield _expect(
            gxe.ExpectColumnValuesToBeBetween,
            sheet,
            column.name,
            "in_period",
            f"{column.header}在统计期内（{period_start.isoformat()} 至 {period_end.isoformat()}），期外的不计入",
            INFO,  # the definition leaves them out
            min_value=day_number(period_start),
            max_value=day_number(period_end),
        )
    elif kind == date_windows.HISTORY:
        yield _expect(
            gxe.ExpectColumnValuesToBeBetween,
            sheet,
            column.name,
            "not_after_period",
            f"{column.header}不晚于统计期末（{period_end.isoformat()}），晚于期末的不计入",
            INFO,  # the definition leaves them out
            max_value=day_number(period_end),
        )


EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Dates are validated as day numbers: GE's between maps a datetime column element by
    element in Python (about a second per column of 200k rows), a float64 one is vectorised.
    raw_validation reads DATE columns as `(column - DATE '1970-01-01')::DOUBLE` to match."""
    return (day - EPOCH).days


def from_day_number(number) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def date_columns(sheet: schema.Sheet) -> set[str]:
    return {name for name, type_ in sheet.raw_columns if type_ == "DATE"}
