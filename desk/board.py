"""The analyst's status board: every expected unit with 未报 / 检查中 / 有误 / 待说明 / 已通过, its
current file and when it came, overdue marked; the 报送率; and the 催报 list with the contact from
the unit's latest cover. A clerk's own page uses the same status for its unit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from desk.checking import ERRORS, EXPLAIN, PASSED, REFUSED
from desk.db import Database
from desk.run_warnings import last_outcomes, open_for_unit
from desk.season import Period
from domain.schema import units

NOT_SENT, CHECKING, WRONG, TO_EXPLAIN, OK = "未报", "检查中", "有误", "待说明", "已通过"
STATUS_CLASS = {NOT_SENT: "none", CHECKING: "checking", WRONG: "wrong", TO_EXPLAIN: "explain", OK: "ok"}


@dataclass
class UnitRow:
    code: str
    name: str
    status: str
    latest: dict | None  # the newest upload of the period
    current: dict | None  # the upload that counts
    overdue: bool
    late: bool  # the file that counts came after the deadline
    contact: dict

    @property
    def css(self) -> str:
        return STATUS_CLASS[self.status]


def unexplained(db: Database, upload: dict) -> list[dict]:
    """The upload's warnings without an explanation."""
    result = json.loads(upload["result_json"] or "{}")
    done = {row["rule"] for row in db.all("select rule from explanations where upload_id = ?", upload["id"])}
    return [p for p in result.get("problems", []) if p["severity"] == "warning" and p["rule"] not in done]


def status_of(db: Database, latest: dict | None) -> str:
    if latest is None:
        return NOT_SENT
    if latest["state"] != "checked":
        return CHECKING
    verdict = latest["verdict"]
    if verdict in (REFUSED, ERRORS):
        return WRONG
    if verdict == EXPLAIN and unexplained(db, latest):
        return TO_EXPLAIN
    return OK if verdict in (PASSED, EXPLAIN) else WRONG


def unit_rows(db: Database, period: Period, today: dt.date | None = None, only: str | None = None) -> list[UnitRow]:
    uploads = [dict(r) for r in db.all("select * from uploads where period_id = ? order by id", period.id)]
    contacts = _contacts(db)
    outcomes = last_outcomes(db)
    overdue_now = period.overdue(today)
    rows = []
    for unit in units():
        if only is not None and unit.code != only:
            continue
        mine = [u for u in uploads if u["unit_code"] == unit.code]
        latest = mine[-1] if mine else None
        counted = [u for u in mine if u["state"] == "checked" and u["counted"]]
        current = counted[-1] if counted else None
        status = status_of(db, latest)
        if status == OK and any(w["explained"] is None for w in open_for_unit(db, outcomes, unit.code, current)):
            status = TO_EXPLAIN  # the last run's 核实性 warnings the unit has not explained
        late = current is not None and current["uploaded_at"][:10] > period.deadline.isoformat()
        rows.append(
            UnitRow(
                unit.code,
                unit.name,
                status,
                latest,
                current,
                overdue_now and status in (NOT_SENT, WRONG, TO_EXPLAIN),
                late,
                contacts.get(unit.code, {}),
            )
        )
    return rows


def _contacts(db: Database) -> dict[str, dict]:
    """unit → 填报人 and 联系电话 from its latest readable cover (any period), else its clerks' accounts."""
    found: dict[str, dict] = {}
    for row in db.all("select unit_code, result_json from uploads where state = 'checked' order by id"):
        contact = json.loads(row["result_json"] or "{}").get("contact") or {}
        if contact.get("filled_by") or contact.get("phone"):
            found[row["unit_code"]] = contact
    for row in db.all(
        "select unit_code, group_concat(username, '、') as names from users where role = 'clerk' group by 1"
    ):
        found.setdefault(row["unit_code"], {"filled_by": None, "phone": None})["accounts"] = row["names"]
    return found


def rates(rows: list[UnitRow]) -> dict:
    expected = len(rows)
    sent = sum(r.current is not None for r in rows)
    passed = sum(r.status == OK for r in rows)
    return {
        "expected": expected,
        "sent": sent,
        "passed": passed,
        "rate": sent / expected if expected else 0.0,
        "passed_rate": passed / expected if expected else 0.0,
    }


def chase_list(rows: list[UnitRow]) -> list[UnitRow]:
    """The units to chase (催报): overdue ones, or before the deadline every unit not yet 已通过."""
    overdue = [r for r in rows if r.overdue]
    return overdue or [r for r in rows if r.status != OK]


CHASE_COLUMNS = ("单位代码", "单位", "状态", "逾期", "填报人", "联系电话", "平台账号", "最近上传")


def chase_csv(rows: list[UnitRow]) -> str:
    """The 催报 list as CSV (UTF-8 with BOM, opens in Excel). Cells are text a clerk wrote: a leading
    = + - @ is quoted with ' so a spreadsheet shows it rather than computing it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHASE_COLUMNS)
    for r in chase_list(rows):
        writer.writerow(
            [
                _cell(v)
                for v in (
                    r.code,
                    r.name,
                    r.status,
                    "是" if r.overdue else "",
                    r.contact.get("filled_by") or "",
                    r.contact.get("phone") or "",
                    r.contact.get("accounts") or "",
                    r.latest["uploaded_at"] if r.latest else "",
                )
            ]
        )
    return "\ufeff" + out.getvalue()


def _cell(value: str) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
