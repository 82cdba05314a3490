"""How a 整改清单 looks: red for what must be corrected (须改正), yellow for what to check (请核对),
and the formats both its sheets use, on the look of every workbook people print
(ingest/workbooks/style.py)."""

from __future__ import annotations

from ingest.workbooks.layout import DATE_FORMAT
from ingest.workbooks.style import HEADER_FILL, OPTIONAL_HEADER, REQUIRED_HEADER, Formats

REJECTED_FILL = "#FFC7CE"
WARNING_FILL = "#FFEB9C"
SEVERITY_WORDS = {"rejected": "须改正", "warning": "请核对"}


class FeedbackStyles(Formats):
    """The formats of both sheets of a 整改清单, on the workbook style's."""

    def __init__(self, book):
        super().__init__(book)
        add = book.add_format
        self.block = add({"bold": True, "font_size": 12})
        self.instruction = add(
            {"bold": True, "font_color": "#C00000", "font_size": 12, "text_wrap": True, "valign": "top"}
        )
        self.label = add({"bold": True, "bg_color": HEADER_FILL, "border": 1, "valign": "top"})
        self.rejected = self.fill(REJECTED_FILL, font_color="#9C0006", text_wrap=True)
        self.warning = self.fill(WARNING_FILL, font_color="#9C5700", text_wrap=True)
        self.required = add({**REQUIRED_HEADER, "text_wrap": True, "valign": "vcenter"})
        self.optional = add({**OPTIONAL_HEADER, "text_wrap": True, "valign": "vcenter"})
        self.row_number = add({"border": 1, "valign": "top", "align": "center", "bold": True})
        self.red = self.fill(REJECTED_FILL, font_color="#9C0006")
        self.red_date = self.fill(REJECTED_FILL, font_color="#9C0006", num_format=DATE_FORMAT)
        self.yellow = self.fill(WARNING_FILL, font_color="#9C5700")
        self.yellow_date = self.fill(WARNING_FILL, font_color="#9C5700", num_format=DATE_FORMAT)
