"""The workbooks people print, printed: LibreOffice converts figures.xlsx, 提交情况.xlsx,
重复填报.xlsx and a 整改清单 to PDF and the PDFs are read back. Every page is A4 with 第 x 页 / 共 y
页; a sheet is one page wide (its header repeated whole on every page it runs to); figures show
thousands separators and per cent; Chinese is in the text, in an embedded CJK font; and a return
with four bad cells in three sheets gets a 整改清单 that prints on at most 3 pages, says first to
correct the unit's own workbook, shows the ID masked in full length and the public 统一社会信用代码
as written, and is linked from 提交情况.

One build for all: the small demo's run, and one of its returns with four cells spoiled."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import openpyxl
import pytest
from office_render import A4_POINTS, fonts, links, page_count, page_sizes, page_texts, to_pdf

from ingest.run import ingest
from ingest.workbooks.feedback import write_feedback, write_submission_summary

KEY = b"workbooks-print-key" * 2
PERIOD = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
UNIT_FILE = "月坛街道工会服务站_2018年度.xlsx"
# (sheet, row, column header, what the clerk typed instead): two in 会员名册, one in 京卡办理, one in 帮扶救助
SPOILED = [
    ("会员名册", 10, "入会日期", "去年春天"),
    ("会员名册", 60, "身份证号", "11010219860308697X"),  # a wrong check character
    ("京卡办理", 20, "卡号", "12345"),
    ("帮扶救助", 8, "现金（元）", "两千元"),
]
FOOTER = re.compile(r"第\s*\d+\s*页\s*/\s*共\s*\d+\s*页")
MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")


def _spoil(path) -> dict:
    """Four cells of the return replaced by what a clerk might type; returns the 统一社会信用代码 of
    the first spoiled row (a public code the 整改清单 shows as written)."""
    book = openpyxl.load_workbook(path)
    for sheet, row, header, typed in SPOILED:
        ws = book[sheet]
        column = next(c.column for c in ws[3] if c.value == header)
        ws.cell(row, column).value = typed
    credit = next(c.column for c in book["会员名册"][3] if c.value == "统一社会信用代码")
    code = book["会员名册"].cell(10, credit).value
    book.save(path)
    return {"credit_code": code}


@pytest.fixture(scope="module")
def printed(small_demo, small_run, tmp_path_factory):
    root = tmp_path_factory.mktemp("workbooks-print")
    (root / "in").mkdir()
    shutil.copy(small_demo / UNIT_FILE, root / "in" / UNIT_FILE)
    facts = _spoil(root / "in" / UNIT_FILE)
    report = ingest(root / "in", root / "w.duckdb", key=KEY, workers=1)
    (feedback,) = write_feedback(report, root / "in", root / "run")
    summary = write_submission_summary(report, root / "run", PERIOD)
    run = small_run.run_dir
    books = {
        "feedback": feedback,
        "summary": summary,
        "figures": run / "figures.xlsx",
        "run_summary": run / "提交情况.xlsx",
        "duplicates": run / "重复填报.xlsx",
    }
    # one LibreOffice start; the two 提交情况 share a name, so the run's is converted from a copy
    shutil.copy(books["run_summary"], root / "run_提交情况.xlsx")
    books["run_summary"] = root / "run_提交情况.xlsx"
    pdfs = to_pdf(list(books.values()), root / "pdf")
    return {name: pdfs[path] for name, path in books.items()}, report, facts


def test_every_page_is_a4_and_numbered(printed):
    pdfs, _, _ = printed
    for name, pdf in pdfs.items():
        sizes = page_sizes(pdf)
        assert sizes and all(sorted(size) == sorted(A4_POINTS) for size in sizes), name
        texts = page_texts(pdf)
        assert all(FOOTER.search(text) for text in texts), (
            name,
            [i for i, t in enumerate(texts) if not FOOTER.search(t)],
        )


def test_figures_print_one_page_wide_with_separators_and_per_cent(printed):
    pdfs, _, _ = printed
    texts = page_texts(pdfs["figures"])
    # every page repeats its sheet's whole header (first and last column): a sheet split by columns
    # would print a page with only some of them
    headers = {
        "指标": ("主题", "初步数"),
        "分单位": ("单位名称", "可否发布"),
        "来源文件": ("单位代码", "有误未计入的行"),
    }
    sheets = [next((s for s, words in headers.items() if all(w in t for w in words)), None) for t in texts]
    about = [i for i, s in enumerate(sheets) if s is None]
    assert about == [len(texts) - 1] and "运行编号" in texts[-1], sheets  # only 说明, one page, is not a table
    assert set(sheets[:-1]) == set(headers)
    body = "\n".join(texts)
    assert re.search(r"\d{1,3}(,\d{3})+\.\d{2}\b", body), "金额应有千分位和两位小数"
    assert re.search(r"\b\d{1,3}\.\d{2}%", body), "比率应显示为百分数（两位小数）"
    assert "通用能力培训人次" in body


def test_the_four_bad_cells_list_prints_on_three_pages_at_most_and_says_first_what_to_do(printed):
    pdfs, report, _ = printed
    assert len([p for p in report.problems if p.source_column]) >= len(SPOILED)
    texts = page_texts(pdfs["feedback"])
    assert len(texts) <= 3
    first = texts[0]
    assert first.index("请在贵单位自己的原工作簿") < first.index("结论")
    assert "说明（问题与改法）" in first  # the summary's last column is on the first page: one page wide
    body = "\n".join(texts)
    assert all(header in body for _, _, header, _ in SPOILED)
    assert "原表行号" in body and "去年春天" in body


def test_the_list_masks_ids_in_full_length_and_shows_public_codes(printed):
    pdfs, _, facts = printed
    body = "\n".join(page_texts(pdfs["feedback"]))
    assert MASKED_ID.search(body), "身份证号应整段脱敏显示，如 110101********123X"
    assert facts["credit_code"] in body, "统一社会信用代码是公开信息，应原样显示"


def test_submission_summary_links_the_list_and_chinese_is_in_an_embedded_cjk_font(printed):
    pdfs, _, _ = printed
    assert any(link.startswith("feedback/") and link.endswith(".xlsx") for link in links(pdfs["summary"]))
    for name in ("figures", "feedback", "run_summary"):
        assert any("CJK" in font or "Hei" in font or "Song" in font for font in fonts(pdfs[name])), name
    assert "报表提交情况" in page_texts(pdfs["run_summary"])[0]
    assert page_count(pdfs["duplicates"]) >= 1
