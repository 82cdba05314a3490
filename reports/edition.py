"""What a set of outputs is, said on every page, document and export: a draft (草稿) of a run,
which nobody should quote, or release n of its period, which the federation stands behind;
whether its input is the demo data (演示数据, said on a release too); and which figures are
provisional (初步数) and why, when a release was made with open problems."""

from __future__ import annotations

from dataclasses import dataclass, field

DRAFT = "草稿"
DEMO = "演示数据"
PROVISIONAL = "初步数"


@dataclass(frozen=True)
class Edition:
    release: int | None = None  # None: a draft
    demo: bool = False
    provisional: dict[str, str] = field(default_factory=dict)  # indicator_id → why (which units, sheets, rows)

    @property
    def is_draft(self) -> bool:
        return self.release is None

    @property
    def status(self) -> str:
        """草稿, or 第 2 版 for release 2."""
        return DRAFT if self.is_draft else f"第 {self.release} 版"

    @property
    def marks(self) -> list[str]:
        """The words every output carries in its heading: 草稿 and/or 演示数据; none for a release
        of real returns."""
        return [*([DRAFT] if self.is_draft else []), *([DEMO] if self.demo else [])]

    @property
    def banner(self) -> str:
        """One sentence for the top of a page or document; empty for a release of real returns."""
        parts = []
        if self.is_draft:
            parts.append("草稿：本结果尚未发布，数字可能随报表更正而变动，请勿引用")
        if self.demo:
            parts.append("演示数据：由程序生成的模拟报表，不是真实统计结果")
        return "；".join(parts) + ("。" if parts else "")

    def provisional_note(self, indicator_id: str) -> str | None:
        reason = self.provisional.get(indicator_id)
        return f"{PROVISIONAL}：{reason}" if reason else None

    def to_json(self) -> dict:
        return {"版本": self.status, "演示数据": self.demo, "初步数": dict(self.provisional)}


def provisional_notes(indicators, edition: Edition) -> list[str]:
    """The bulletin's note on provisional figures: which, and why (one sentence each)."""
    labels = dict(zip(indicators["indicator_id"], indicators["label"], strict=True))
    return [f"“{labels.get(i, i)}”为{PROVISIONAL}：{why}。" for i, why in edition.provisional.items()]
