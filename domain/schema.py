"""The submission schema (报表制度), loaded from schema.yaml: the one place that says what a
return holds. Everything that needs a sheet, a column or a warehouse type asks this module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

SCHEMA_FILE = Path(__file__).with_name("schema.yaml")
UNITS_FILE = Path(__file__).with_name("units.yaml")

# What each column type becomes in the raw tables. Personal types expand into derived columns
# (see Column.raw_columns); person_name is never loaded.
WAREHOUSE_TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "credit_code": "VARCHAR",
    "enum": "VARCHAR",
    "int": "BIGINT",
    "money": "DECIMAL(18,2)",
    "date": "DATE",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",
}
PERSONAL_TYPES = {"resident_id", "card_number", "person_name"}


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    min: int | None = None
    hint: str | None = None
    window: str | None = None  # date columns: flow | history | term (schema.yaml, `plausible`)
    own_max_length: int | None = None  # the column's max_length, when it overrides its type's

    @property
    def max_length(self) -> int:
        """The longest text a cell of this column may hold (schema.yaml `plausible`)."""
        return self.own_max_length or plausible()["max_length"][self.type]

    def date_window(self, period_end: dt.date | None) -> tuple[dt.date, dt.date | None]:
        """(earliest, latest) plausible date of this date column for a return whose period ends
        on `period_end`; latest is None when the period is not known."""
        facts = plausible()
        latest = None
        if period_end is not None:
            latest = period_end + dt.timedelta(days=facts["days_after_period_end"][self.window])
        return facts["earliest_date"], latest

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header a clerk may write for this column, the template's first."""
        return (self.header, *self.synonyms)

    @property
    def raw_columns(self) -> list[tuple[str, str]]:
        """(name, warehouse type) of what this column becomes in its raw table."""
        if self.type == "person_name":
            return []
        if self.type == "resident_id":
            return [
                (f"{self.name}_key", "VARCHAR"),
                (f"{self.name}_birth_year", "SMALLINT"),
                (f"{self.name}_sex", "VARCHAR"),
            ]
        if self.type == "card_number":
            return [(f"{self.name}_key", "VARCHAR")]
        return [(self.name, WAREHOUSE_TYPES[self.type])]

    @property
    def is_personal(self) -> bool:
        return self.type in PERSONAL_TYPES

    def raw_column_label(self, raw_name: str) -> str | None:
        """The header a clerk knows one of this column's raw columns by (身份证号所示出生年份 for
        person_birth_year), or None if the raw column is not this column's."""
        for name, _ in self.raw_columns:
            if name == raw_name:
                return self.header + DERIVED_LABELS.get(name[len(self.name) :], "")
        return None


# What the derived raw columns of an identifier column are called, after its header.
DERIVED_LABELS = {"_key": "（脱敏键）", "_birth_year": "所示出生年份", "_sex": "所示性别"}


@dataclass(frozen=True)
class RowCheck:
    """A row whose loaded values `when` match must also match `expect` (raw column → value);
    one that does not is loaded and sent back as 请核对 with `reason` (schema.yaml row_checks)."""

    id: str
    when: tuple[tuple[str, str], ...]
    expect: tuple[tuple[str, str], ...]
    reason: str


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    grain: str
    row_is: str
    submitted_by: tuple[str, ...]
    description: str
    columns: tuple[Column, ...]
    expected_nonempty: str | None = None  # 'blocking' | 'verify' | None: see schema.yaml
    row_checks: tuple[RowCheck, ...] = ()

    @property
    def raw_table(self) -> str:
        return f"raw.{self.name}"

    def raw_column_label(self, raw_name: str) -> str:
        """The Chinese name of one of this sheet's own raw columns, for messages; the raw name
        for a lineage column (checks.outcome.field_label names those)."""
        for column in self.columns:
            if (label := column.raw_column_label(raw_name)) is not None:
                return label
        return raw_name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def raw_columns(self) -> list[tuple[str, str]]:
        """The raw table's columns: the sheet's canonical columns, then lineage."""
        own = [rc for c in self.columns for rc in c.raw_columns]
        return own + lineage_columns()


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short: str
    kind: str
    aliases: tuple[str, ...] = field(default=())


def _column(spec: dict) -> Column:
    return Column(
        name=spec["name"],
        header=spec["header"],
        type=spec["type"],
        required=bool(spec.get("required", False)),
        values=tuple(spec.get("values", ())),
        synonyms=tuple(spec.get("synonyms", ())),
        min=spec.get("min"),
        hint=spec.get("hint"),
        window=spec.get("window"),
        own_max_length=spec.get("max_length"),
    )


def _row_check(spec: dict) -> RowCheck:
    return RowCheck(
        id=spec["id"], when=tuple(spec["when"].items()), expect=tuple(spec["expect"].items()), reason=spec["reason"]
    )


@cache
def _document() -> dict:
    return yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def sheets() -> tuple[Sheet, ...]:
    """Every return sheet, in the order of the template."""
    return tuple(
        Sheet(
            name=name,
            title=spec["title"],
            grain=spec["grain"],
            row_is=spec["row_is"],
            submitted_by=tuple(spec["submitted_by"]),
            description=spec["description"],
            columns=tuple(_column(c) for c in spec["columns"]),
            expected_nonempty=spec.get("expected_nonempty"),
            row_checks=tuple(_row_check(c) for c in spec.get("row_checks", ())),
        )
        for name, spec in _document()["sheets"].items()
    )


@cache
def plausible() -> dict:
    """What no return can mean (schema.yaml `plausible`): the earliest date, the days a date may
    lie past the period's end by window, the longest text by column type."""
    facts = _document()["plausible"]
    windows = set(facts["days_after_period_end"])
    for s in sheets():
        for c in s.columns:
            if c.type == "date" and c.window not in windows:
                raise ValueError(
                    f"schema.yaml：日期列 {s.name}.{c.name} 的 window 应为 {'、'.join(sorted(windows))} 之一"
                )
    return facts


def expected_nonempty() -> dict[str, str]:
    """sheet name → severity, for the sheets the schema flags `expected_nonempty`."""
    return {s.name: s.expected_nonempty for s in sheets() if s.expected_nonempty}


def sheet(name: str) -> Sheet:
    return next(s for s in sheets() if s.name == name)


@cache
def cover_fields() -> tuple[Column, ...]:
    return tuple(_column(c) for c in _document()["cover"]["fields"])


def cover_title() -> str:
    return _document()["cover"]["title"]


@cache
def lineage_columns() -> list[tuple[str, str]]:
    return [(c["name"], WAREHOUSE_TYPES[c["type"]]) for c in _document()["lineage"]]


def lineage_descriptions() -> dict[str, str]:
    return {c["name"]: c["description"] for c in _document()["lineage"]}


@cache
def _units_document() -> dict:
    return yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))


@cache
def units() -> tuple[Unit, ...]:
    return tuple(
        Unit(code=u["code"], name=u["name"], short=u["short"], kind=u["kind"], aliases=tuple(u.get("aliases", ())))
        for u in _units_document()["units"]
    )


def kind_label(kind: str) -> str:
    """街道工会服务站 for 'street': a kind of unit as a message names it (units.yaml kinds)."""
    return _units_document().get("kinds", {}).get(kind, kind)


def district() -> str:
    return _units_document()["district"]


def federation() -> str:
    """西城区总工会: who publishes the bulletin (units.yaml), its documents' author."""
    return _units_document()["federation"]
