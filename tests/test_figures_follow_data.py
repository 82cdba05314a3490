"""Figures come from the data: change a workbook and the computed figure changes with it.
Also: at small scale, every headline figure equals what the generator says it generated."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from reports.bulletin import load_indicators
from tests.conftest import run_pipeline

CARD_SHEET, MEMBER_SHEET, AID_SHEET = "京卡办理", "会员名册", "帮扶救助"


def headline(run) -> dict[str, Decimal]:
    table = load_indicators(run.run_dir / "warehouse.duckdb")
    heads = table[table["breakdown_dim"].isna()]
    return dict(zip(heads["indicator_id"], heads["value"], strict=True))


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def in_2018(value) -> bool:
    """The demo's period is the calendar year 2018; dates arrive as datetimes from openpyxl."""
    return isinstance(value, (date, datetime)) and value.year == 2018


def header_index(sheet, header: str) -> tuple[int, int]:
    """(header row, column) of a header cell, wherever the layout put it."""
    for row in sheet.iter_rows(min_row=1, max_row=10):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip().rstrip("*").strip() == header:
                return cell.row, cell.column
    raise LookupError(header)


def column_values(sheet, header: str) -> list[tuple[int, object]]:
    top, col = header_index(sheet, header)
    return [
        (r, sheet.cell(r, col).value) for r in range(top + 1, sheet.max_row + 1) if sheet.cell(r, col).value is not None
    ]


def test_every_headline_figure_is_what_the_generator_generated(small_run, small_truth):
    computed = headline(small_run)
    expected = small_truth.get("figures", small_truth)
    differing = {}
    for figure_id, truth in expected.items():
        if isinstance(truth, dict):
            value = Decimal(str(truth["numerator"])) / Decimal(str(truth["denominator"]))
            ok = abs(computed[figure_id] - value) < Decimal("1e-6")
        else:
            ok = computed[figure_id] == Decimal(str(truth))
        if not ok:
            differing[figure_id] = (truth, computed.get(figure_id))
    assert not differing


def test_one_more_card_and_one_aid_payment_fewer_move_the_figures(small_demo, small_run, tmp_path):
    changed = tmp_path / "inputs"
    shutil.copytree(small_demo, changed)
    # The demo holds the previous year's returns too; the run's period is the latest (2018).
    books = {p: openpyxl.load_workbook(p) for p in sorted(changed.glob("*2018*.xlsx"))}

    holders = set()
    for book in books.values():
        if CARD_SHEET in book.sheetnames:
            sheet = book[CARD_SHEET]
            status = dict(column_values(sheet, "状态"))
            holders |= {v for r, v in column_values(sheet, "身份证号") if status.get(r) == "正常"}
    path, book = next((p, b) for p, b in books.items() if CARD_SHEET in b.sheetnames and MEMBER_SHEET in b.sheetnames)
    joined = dict(column_values(book[MEMBER_SHEET], "入会日期"))
    member = next(
        v
        for r, v in column_values(book[MEMBER_SHEET], "身份证号")
        if v not in holders and isinstance(joined.get(r), datetime) and joined[r] <= datetime(2018, 12, 31)
    )
    cards = book[CARD_SHEET]
    top, _ = header_index(cards, "身份证号")
    headers = [c.value.strip().rstrip("*").strip() if isinstance(c.value, str) else c.value for c in cards[top]]
    new_card = {
        "姓名": "新办卡",
        "身份证号": member,
        "卡号": luhn_complete("621468000000123987"),
        "办卡日期": datetime(2018, 6, 1),
        "状态": "正常",
    }
    cards.append([new_card.get(h) for h in headers])
    book.save(path)

    aid_path, aid_book = next(
        (p, b) for p, b in books.items() if AID_SHEET in b.sheetnames and len(column_values(b[AID_SHEET], "项目")) > 0
    )
    aid = aid_book[AID_SHEET]
    programme, category = dict(column_values(aid, "项目")), dict(column_values(aid, "对象类别"))
    cash, goods = dict(column_values(aid, "现金（元）")), dict(column_values(aid, "物资折款（元）"))
    paid_on = dict(column_values(aid, "发放日期"))
    row = next(
        r
        for r, v in programme.items()
        if v == "送温暖" and category.get(r) in ("在档困难职工", "困难劳模") and in_2018(paid_on.get(r))
    )
    removed = Decimal(str(cash.get(row) or 0)) + Decimal(str(goods.get(row) or 0))
    aid.delete_rows(row)
    aid_book.save(aid_path)

    before, after = headline(small_run), headline(run_pipeline(changed, tmp_path / "build"))
    assert after["cards_issued"] == before["cards_issued"] + 1
    assert after["warmth_aid_amount"] == before["warmth_aid_amount"] - removed
    assert after["members"] == before["members"]
