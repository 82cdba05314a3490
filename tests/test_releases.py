"""Releases (shushuo/releases.py): a draft says 草稿 everywhere; a release is frozen, read-only,
checksummed and served by the figures desk; a second release shows what changed and why; open
problems stop a release unless accepted, and then only the figures they can move are 初步数."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest
from typer.testing import CliRunner

from reports.edition import DEMO, DRAFT
from shushuo import releases
from shushuo.cli import app
from tests.conftest import run_pipeline
from tests.test_figures_follow_data import AID_SHEET, CARD_SHEET, MEMBER_SHEET, column_values, header_index

MARCH = dt.datetime(2019, 3, 1, 10, 0)


def _figures(folder) -> dict[tuple[str, str], dict]:
    rows = csv.DictReader((folder / "figures.csv").read_text(encoding="utf-8-sig").splitlines())
    return {(r["id"], r["分项"]): r for r in rows}


def _texts(folder) -> dict[str, str]:
    """What a reader sees of each output: the HTML, Markdown, the DOCX's text, the site's pages."""
    from docx import Document

    document = Document(str(folder / "bulletin.docx"))
    docx_text = "\n".join(
        [p.text for p in document.paragraphs]
        + [p.text for p in document.sections[0].header.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    return {
        "html": (folder / "bulletin.html").read_text(encoding="utf-8"),
        "md": (folder / "bulletin.md").read_text(encoding="utf-8"),
        "docx": docx_text,
        "site": (folder / "site" / "index.html").read_text(encoding="utf-8"),
        "csv": (folder / "figures.csv").read_text(encoding="utf-8-sig"),
    }


def _one_card_fewer(inputs) -> str:
    """Delete the one card in force of a member with no other card: 办卡数 falls by one. Returns
    the file's name."""
    end = dt.datetime(2018, 12, 31)
    books = {p: openpyxl.load_workbook(p) for p in sorted(inputs.glob("*2018*.xlsx"))}
    holders = Counter(
        v for b in books.values() if CARD_SHEET in b.sheetnames for _, v in column_values(b[CARD_SHEET], "身份证号")
    )
    members = set()
    for book in books.values():
        if MEMBER_SHEET in book.sheetnames:
            joined = dict(column_values(book[MEMBER_SHEET], "入会日期"))
            members |= {
                v
                for r, v in column_values(book[MEMBER_SHEET], "身份证号")
                if isinstance(joined.get(r), dt.datetime) and joined[r] <= end
            }
    for path, book in books.items():
        if CARD_SHEET not in book.sheetnames:
            continue
        sheet = book[CARD_SHEET]
        status, issued = dict(column_values(sheet, "状态")), dict(column_values(sheet, "办卡日期"))
        row = next(
            (
                r
                for r, v in column_values(sheet, "身份证号")
                if holders[v] == 1
                and v in members
                and status.get(r) == "正常"
                and isinstance(issued.get(r), dt.datetime)
                and issued[r] <= end
            ),
            None,
        )
        if row is not None:
            sheet.delete_rows(row)
            book.save(path)
            return path.name
    raise AssertionError("no card to delete")


def _one_bad_aid_cell(inputs) -> None:
    for path in sorted(inputs.glob("*2018*.xlsx")):
        book = openpyxl.load_workbook(path)
        if AID_SHEET in book.sheetnames and len(column_values(book[AID_SHEET], "项目")) > 2:
            sheet = book[AID_SHEET]
            top, col = header_index(sheet, "发放日期")
            sheet.cell(row=top + 1, column=col, value="去年冬天")
            book.save(path)
            return
    raise AssertionError("no aid sheet")


@pytest.fixture(scope="module")
def season(small_demo, tmp_path_factory):
    """Run → release 1 → one unit resubmits with a card fewer → run (a draft) → release 2."""
    base = tmp_path_factory.mktemp("season")
    inputs, build, root = base / "inputs", base / "build", base / "releases"
    shutil.copytree(small_demo, inputs)
    first_run = run_pipeline(inputs, build)
    first = releases.release(build, root, by="张三", note="首次发布", now=MARCH)
    changed_file = _one_card_fewer(inputs)
    second_run = run_pipeline(inputs, build)
    second = releases.release(build, root, by="李四", note="天桥更正", now=MARCH + dt.timedelta(days=30))
    return dict(
        build=build,
        root=root,
        first=first,
        second=second,
        first_run=first_run,
        second_run=second_run,
        changed_file=changed_file,
    )


def test_a_draft_says_so_in_every_output_and_a_release_in_none(season):
    for name, text in _texts(season["first_run"].run_dir).items():
        assert DRAFT in text, name
    for name, text in _texts(season["first"].path).items():
        assert DRAFT not in text, name
        assert DEMO in text, name  # the demo stays marked as the demo


def test_a_release_is_frozen_read_only_and_its_checksums_verify(season):
    first = season["first"]
    assert first.path == season["root"] / "2018-01-01_2018-12-31" / "1"
    info = json.loads((first.path / "release.json").read_text(encoding="utf-8"))
    assert (info["by"], info["note"], info["release"], info["run_id"]) == (
        "张三",
        "首次发布",
        1,
        season["first_run"].run_id,
    )
    assert releases.verify(first.path) == []
    assert all(not p.stat().st_mode & 0o222 for p in first.path.rglob("*") if p.is_file())
    assert (season["root"] / "index.html").is_file()


def test_a_second_release_names_what_changed_and_why(season):
    first, second = _figures(season["first"].path), _figures(season["second"].path)
    old, new = Decimal(first[("cards_issued", "合计")]["数值"]), Decimal(second[("cards_issued", "合计")]["数值"])
    assert new == old - 1
    revision = json.loads((season["second"].path / "revision.json").read_text(encoding="utf-8"))
    assert revision["title"] == "第 1 版 → 第 2 版"
    changed = {(r["id"], r["分项"]): r for r in revision["changed"]}
    cards = changed[("cards_issued", "合计")]
    assert (Decimal(cards["原数值"]), Decimal(cards["新数值"]), Decimal(cards["差额"])) == (old, new, Decimal(-1))
    assert season["changed_file"] in cards["原因"] and "京卡办理 -1 行" in cards["原因"]
    assert ("card_uptake_rate", "合计") in changed
    unchanged = {(r["id"], r["分项"]) for r in revision["unchanged"]}
    assert ("warmth_aid_amount", "合计") in unchanged and ("members", "合计") in unchanged
    assert (season["second"].path / "revision.xlsx").is_file()
    page = (season["second"].path / "site" / "revision.html").read_text(encoding="utf-8")
    assert "第 1 版 → 第 2 版" in page and season["changed_file"] in page
    assert 'href="revision.html"' in (season["second"].path / "site" / "figures.html").read_text(encoding="utf-8")
    assert not (season["first"].path / "site" / "revision.html").exists()  # nothing to compare release 1 with


def test_the_draft_after_a_release_is_compared_with_it(season):
    revision = json.loads((season["second_run"].run_dir / "revision.json").read_text(encoding="utf-8"))
    assert revision["title"].startswith("2018-01-01 至 2018-12-31 第 1 版 → 本次草稿")
    assert ("cards_issued", "合计") in {(r["id"], r["分项"]) for r in revision["changed"]}


def test_the_figures_desk_serves_the_release_in_force(season):
    build = str(season["build"])
    latest = CliRunner().invoke(app, ["figure", "cards_issued", "--build", build])
    assert latest.exit_code == 0 and "第 2 版" in latest.output
    then = CliRunner().invoke(app, ["figure", "cards_issued", "--build", build, "--as-of", "2019-03-15"])
    assert then.exit_code == 0 and "第 1 版" in then.output
    printed = {
        v: _figures(r.path)[("cards_issued", "合计")]["印刷数字"]
        for v, r in (("1", season["first"]), ("2", season["second"]))
    }
    assert printed["1"] in then.output
    before = CliRunner().invoke(app, ["figure", "cards_issued", "--build", build, "--as-of", "2019-02-01"])
    assert before.exit_code == 1 and "还没有发布" in before.output
    draft = CliRunner().invoke(app, ["figure", "cards_issued", "--build", build, "--draft"])
    assert "草稿" in draft.output


def test_open_problems_stop_a_release_unless_accepted_and_then_mark_only_what_they_move(small_demo, tmp_path):
    inputs, build, root = tmp_path / "inputs", tmp_path / "build", tmp_path / "releases"
    shutil.copytree(small_demo, inputs)
    _one_bad_aid_cell(inputs)
    run_pipeline(inputs, build)
    with pytest.raises(releases.ReleaseRefused) as refused:
        releases.release(build, root, by="张三")
    assert "帮扶救助" in str(refused.value) and "--accept-open-problems" in str(refused.value)
    assert not root.exists() or not list(root.glob("*/1"))
    made = releases.release(build, root, by="张三", accept_open_problems=True)
    assert set(made.provisional) == {"aid_amount", "warmth_aid_amount"}
    figures = _figures(made.path)
    marked = {key[0] for key, row in figures.items() if row["初步数"]}
    assert marked == {"aid_amount", "warmth_aid_amount"}
    texts = _texts(made.path)
    rows = {row.split('"', 1)[0]: row.split("</tr>", 1)[0] for row in texts["html"].split('<tr id="fig-')[1:]}
    assert {i for i, row in rows.items() if "（初步数）" in row} == {"aid_amount", "warmth_aid_amount"} & set(rows)
    assert "warmth_aid_amount" in rows  # the bulletin prints it: it must carry the mark
    assert texts["md"].count("（初步数）") == texts["html"].count("（初步数）")
    assert "（初步数）" in texts["docx"]
    notes = texts["html"].split("数据说明", 1)[1]
    assert notes.count("为初步数") == 2  # both figures, with the unit, sheet and rows
    info = json.loads((made.path / "release.json").read_text(encoding="utf-8"))
    assert info["open_problems_accepted"] and "帮扶救助" in info["open_problems_accepted"][0]


def test_a_run_that_failed_the_gate_cannot_be_released(tmp_path):
    build = tmp_path / "build"
    (build / "runs" / "20190101-000000-abcd.failed").mkdir(parents=True)
    with pytest.raises(releases.ReleaseRefused, match="未通过质量检查"):
        releases.release(build, tmp_path / "releases", by="张三", run_id="20190101-000000-abcd")


def test_every_output_prints_each_figure_as_figures_csv_does(season):
    from reports.consistency import disagreements

    for folder in (season["first_run"].run_dir, season["first"].path, season["second"].path):
        assert disagreements(folder) == []


def test_a_value_changed_in_one_output_after_rendering_blocks_the_run(small_demo, tmp_path, monkeypatch):
    from reports import publication
    from shushuo.run_context import RunFailed

    written = publication.write_figures_desk

    def tampered(*args, **kwargs):
        paths = written(*args, **kwargs)
        rows = list(csv.DictReader(paths["csv"].read_text(encoding="utf-8-sig").splitlines()))
        for row in rows:
            if (row["id"], row["分项"]) == ("cards_issued", "合计"):
                row["印刷数字"] = "1" + row["印刷数字"]
        with open(paths["csv"], "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return paths

    monkeypatch.setattr(publication, "write_figures_desk", tampered)
    with pytest.raises(RunFailed, match="cards_issued"):
        run_pipeline(small_demo, tmp_path / "build")
    assert not (tmp_path / "build" / "current").exists()


def test_a_release_carries_only_the_notes_a_reader_needs(season):
    draft, released = _texts(season["first_run"].run_dir), _texts(season["first"].path)
    assert "内部说明" in draft["html"] and "checks/checks.html" in draft["html"]
    for name in ("html", "md", "docx"):
        assert "内部说明" not in released[name], name
        assert "checks.html" not in released[name] and season["first_run"].run_id not in released[name], name
        assert "第 1 版正式发布" in released[name], name
