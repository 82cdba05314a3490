"""One check's result, in the shape every part of the gate shares (GE expectations and business
rules alike), so the message, the HTML page and the run manifest are written from one list."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import asdict, dataclass, field
from functools import cache

# Three severities; each check states its own beside its definition (the rule, the expectation).
# blocking: the figures cannot be published until it is fixed (no explanation lifts it).
# verify (核实性): the data may be right, but the unit must explain it (a figure that moved > 50 %,
#   a contract cited beyond its coverage): an open problem until explained (上报说明), so a release
#   is refused without --accept-open-problems.
# info (提示): what a definition already handles (non-members' cards left out, a member on two
#   rolls counted once, a date outside the period not counted): listed, never open.
BLOCKING = "blocking"
VERIFY = "verify"
INFO = "info"
SEVERITIES = (BLOCKING, VERIFY, INFO)
SEVERITY_LABELS = {BLOCKING: "阻断", VERIFY: "核实性", INFO: "提示"}

PASSED = "passed"
FAILED = "failed"
ERROR = "error"  # the check could not run (missing table or column): treated as a failure
SKIPPED = "skipped"  # nothing to compare with (no previous period): neither passed nor failed
STATUS_LABELS = {PASSED: "通过", FAILED: "未通过", ERROR: "无法执行", SKIPPED: "未比较"}

# How many failing rows a result keeps as examples: enough to find the problem, few enough
# that the report stays readable and small.
MAX_EXAMPLES = 5

# Lineage columns, in the order a reader looks for them, with their Chinese names.
LINEAGE_LABELS = {
    "unit_code": "单位代码",
    "unit": "单位",
    "source_file": "文件",
    "sheet": "工作表",
    "source_row": "行号",
}

# Chinese names of the other columns examples carry (raw columns show their own names).
FIELD_LABELS = {
    "scope": "范围",
    "indicator_id": "指标",
    "label": "指标名称",
    "value": "数值",
    "numerator": "分子",
    "denominator": "分母",
    "previous_value": "上期数值",
    "problem": "问题",
    "headline_rows": "全区合计行数",
    "non_null_values": "非空值个数",
    "units": "涉及单位",
    "file_sha256": "文件 SHA-256",
    "loaded_at": "入库时间",
    "sheets": "工作表及行数",
    "rows": "行数",
    "units_count": "涉及单位数",
    "members": "会员人数",
    "unit_name": "单位名称",
    "card_holders": "有效京卡持卡人数",
    "member_holders": "其中会员",
    "non_member_holders": "其中非会员",
    "case_no": "案件编号",
    "accepted_on": "受理日期",
    "closed_on": "结案日期",
    "outcome": "调解结果",
    "status": "状态",
    "cancelled_on": "注销日期",
    "given_on": "发放日期",
    "recipient_sex": "身份证所示性别",
    "contract_no": "合同编号",
    "form": "形式",
    "enterprises_declared": "合同所填覆盖企业数",
    "enterprises_citing": "引用该编号的企业数",
    "lesser_label": "指标",
    "lesser_value": "数值",
    "greater_label": "不应小于它的指标",
    "greater_value": "其数值",
    "plan": "保障计划",
}


def field_label(key: str) -> str:
    """The Chinese name of a column an example or a check shows: lineage, the cover's fields
    (统计期起 …, from the schema), then the other known names."""
    return LINEAGE_LABELS.get(key) or _cover_headers().get(key) or FIELD_LABELS.get(key, key)


@cache
def _cover_headers() -> dict[str, str]:
    from domain.schema import cover_fields

    return {column.name: column.header for column in cover_fields()}


@dataclass
class CheckOutcome:
    """What one check found. `examples` are a few failing rows, lineage first (unit, file,
    sheet, row) so a clerk can open the workbook at the right line."""

    check_id: str
    title: str
    source: str  # "数据期望（GE）" or "业务规则"
    table: str
    severity: str
    status: str
    failing_count: int = 0
    examples: list[dict] = field(default_factory=list)
    detail: str = ""
    count_noun: str = "条"
    units: list[str] = field(default_factory=list)  # codes of every unit among the failing rows
    sheets: list[str] = field(default_factory=list)  # schema sheets whose figures the problem can move
    figures: list[str] = field(default_factory=list)  # indicator ids the failing rows name themselves
    explanations: list[dict] = field(default_factory=list)  # the units' 上报说明 that answer it
    unexplained_units: list[str] = field(default_factory=list)  # concerned units without one

    @property
    def explained(self) -> bool:
        """A 核实性 warning every concerned unit has explained (one without units: any explanation)."""
        return self.needs_explanation and bool(self.explanations) and not self.unexplained_units

    @property
    def is_open(self) -> bool:
        """A 核实性 warning not yet explained: it stands between the run and a release."""
        return self.needs_explanation and not self.explained

    @property
    def failed(self) -> bool:
        return self.status in (FAILED, ERROR)

    @property
    def is_blocking_failure(self) -> bool:
        return self.failed and self.severity == BLOCKING

    @property
    def is_warning(self) -> bool:
        """Failed, but does not block: a 核实性 warning or an informational one."""
        return self.failed and self.severity in (VERIFY, INFO)

    @property
    def needs_explanation(self) -> bool:
        """A 核实性 warning: open until the unit explains it (上报说明)."""
        return self.failed and self.severity == VERIFY

    def count_phrase(self) -> str:
        if self.status == ERROR:
            return "检查无法执行"
        if self.status == SKIPPED:
            return "未比较"
        if self.status == PASSED:
            return "通过"
        return f"{self.failing_count} {self.count_noun}不符合"

    def __str__(self) -> str:
        """One Chinese line, as the bulletin's notes list a warning."""
        if self.status == FAILED:
            line = f"{self.title}：{self.failing_count} {self.count_noun}"
            if self.explanations:
                said = "；".join(
                    f"{e.get('unit') or e.get('unit_code') or ''}：{e['explanation'].rstrip('。')}"
                    for e in self.explanations
                )
                line += f"（单位说明：{said}）"
            return line
        return f"{self.title}：{self.count_phrase()}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["examples"] = [{k: plain(v) for k, v in row.items()} for row in self.examples]
        return data


def plain(value):
    """A JSON- and HTML-friendly version of a value from pandas, numpy or DuckDB."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    try:
        if value != value:  # NaN, pd.NA, NaT (which is also a datetime, so ask before the dates)
            return None
    except TypeError:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def describe_example(row: dict) -> str:
    """One example as a short Chinese line: lineage first, then the other fields."""
    parts = []
    for key, label in LINEAGE_LABELS.items():
        if row.get(key) is not None:
            parts.append(f"{label} {plain(row[key])}")
    for key, value in row.items():
        if key not in LINEAGE_LABELS:
            shown = plain(value)
            parts.append(f"{field_label(key)} {'（空）' if shown is None else shown}")
    return "，".join(parts)
