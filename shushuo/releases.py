"""Releases: from a checked run to figures the federation stands behind.

Every run is a draft (草稿). `shushuo release --by <name>` releases the last good run (or the one
named) for its period: its outputs are copied to releases/<period>/<n>/ and written again from its
warehouse as release n (no 草稿; 演示数据 stays), with release.json (who, when, the note, the open
problems accepted and the figures they make provisional), revision.xlsx against release n − 1, and
SHA256SUMS over every file. Files are made read-only and a release is never modified after it is
made; releases/ sits beside build/ and `make clean` leaves it alone.

A release is refused, with the reason, when the run did not pass the gate or when it has open
problems (checks/open_problems.py: rows rejected in a current return, a held return, a 核实性
warning no unit has explained); with `accept_open_problems` it goes ahead and every figure a
problem can move (counted from its sheets, or named by it) is marked 初步数 in every output, with
the units, sheets and rows beside it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from domain.fingerprint import sha256_of
from shushuo.lock import run_lock

RELEASE_FILE = "release.json"
CHECKSUMS = "SHA256SUMS"
ROOT_ENV = "SHUSHUO_RELEASES"


class ReleaseRefused(RuntimeError):
    """The run cannot be released; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class Release:
    period: tuple[dt.date, dt.date]
    number: int
    path: Path
    released_at: dt.datetime
    by: str
    note: str
    run_id: str
    provisional: dict

    @property
    def label(self) -> str:
        return f"{self.period[0]} 至 {self.period[1]} 第 {self.number} 版"


def default_root(build_dir: Path) -> Path:
    """releases/ beside build/, or $SHUSHUO_RELEASES."""
    return Path(os.environ[ROOT_ENV]) if os.environ.get(ROOT_ENV) else Path(build_dir).resolve().parent / "releases"


def period_folder(period: tuple[dt.date, dt.date]) -> str:
    return f"{period[0].isoformat()}_{period[1].isoformat()}"


def _read(path: Path) -> Release:
    info = json.loads((path / RELEASE_FILE).read_text(encoding="utf-8"))
    period = (dt.date.fromisoformat(info["period_start"]), dt.date.fromisoformat(info["period_end"]))
    return Release(
        period,
        int(info["release"]),
        path,
        dt.datetime.fromisoformat(info["released_at"]),
        info["by"],
        info.get("note") or "",
        info["run_id"],
        info.get("provisional") or {},
    )


def all_releases(root: Path) -> list[Release]:
    """Every release under root, oldest first (a half-made one, .n.partial, is not a release)."""
    found = [
        _read(p) for p in Path(root).glob("*/*") if p.is_dir() and p.name.isdigit() and (p / RELEASE_FILE).is_file()
    ]
    return sorted(found, key=lambda r: (r.released_at, r.period, r.number))


def latest(root: Path, period: tuple[dt.date, dt.date] | None = None) -> Release | None:
    """The newest release of a period, or of the latest period released."""
    found = [r for r in all_releases(root) if period is None or r.period == period]
    return max(found, key=lambda r: (r.period[1], r.period[0], r.number), default=None)


def in_force(root: Path, day: dt.date) -> Release | None:
    """The release the figures desk served on that day: of the releases made by then, the newest
    of the latest period (as ALFRED keeps every vintage of a series)."""
    made = [r for r in all_releases(root) if r.released_at.date() <= day]
    return max(made, key=lambda r: (r.period[1], r.period[0], r.number), default=None)


def verify(release_dir: Path) -> list[str]:
    """The files whose SHA-256 no longer matches SHA256SUMS (or that are missing, or not listed)."""
    listed = {}
    for line in (release_dir / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {str(p.relative_to(release_dir)) for p in release_dir.rglob("*") if p.is_file() and p.name != CHECKSUMS}
    bad = [n for n, d in listed.items() if n not in present or sha256_of(release_dir / n) != d]
    return sorted(bad + [n for n in present if n not in listed])


def _run_folder(build_dir: Path, run_id: str | None) -> Path:
    from shushuo import publish

    if run_id is None:
        run_dir = publish.current(build_dir)
        if run_dir is None or not run_dir.is_dir():
            raise ReleaseRefused(f"{build_dir} 中还没有成功完成的运行，没有可以发布的结果。请先运行 make report。")
        return run_dir
    run_dir = build_dir / "runs" / run_id
    if not run_dir.is_dir():
        if (build_dir / "runs" / f"{run_id}{publish.FAILED}").is_dir():
            raise ReleaseRefused(
                f"运行 {run_id} 未通过质量检查（或未完成），不能发布。"
                f"原因见 {build_dir / 'runs' / (run_id + publish.FAILED) / 'checks' / 'checks.html'}。"
            )
        raise ReleaseRefused(f"找不到运行 {run_id}（{build_dir / 'runs'} 中没有这个文件夹）。")
    return run_dir


def _manifest(run_dir: Path) -> dict:
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("status") != "published" or not (manifest.get("checks") or {}).get("passed"):
        raise ReleaseRefused(f"运行 {manifest.get('run_id')} 未通过质量检查，不能发布。")
    return manifest


def affected_figures(problems) -> dict[str, str]:
    """indicator_id → why it is provisional: the figures counted from a sheet with open problems, and
    those a problem names itself."""

    reasons: dict[str, list[str]] = {}
    for problem in problems:
        for indicator_id in figures_moved_by(problem):
            reasons.setdefault(indicator_id, []).append(problem.describe())
    return {i: "；".join(dict.fromkeys(r)) + "，改正后数字可能变动" for i, r in reasons.items()}


def figures_moved_by(problem) -> list[str]:
    """The figures an open problem can move: those counted from its sheets (seeds/figure_sheets.csv)
    and those it names itself, in the catalogue's order."""
    from domain.catalogue import sheets_of

    return [
        indicator_id
        for indicator_id, sheets in sheets_of().items()
        if set(sheets) & set(problem.sheets) or indicator_id in problem.figures
    ]


def problem_notes(problems) -> list[str]:
    """A draft's notes on its open problems, each naming the figures it can move (by their labels)."""
    from domain.catalogue import labels

    notes = []
    for problem in problems:
        moved = "、".join(f"“{labels().get(i, i)}”" for i in figures_moved_by(problem))
        effect = f"，可能影响{moved}" if moved else ""
        notes.append(f"待改正或说明：{problem.describe()}{effect}；正式发布前须处理，否则这些数字标为初步数。")
    return notes


def _publish_files(work: Path, manifest: dict, edition, compared_with: tuple[Path, str] | None) -> None:
    """Write the bulletin and the figures desk again, from the release's own warehouse; the PDF
    again when the run made one (LibreOffice was there)."""
    from reports import pdf_export
    from reports.bulletin import load_indicators
    from reports.publication import write_bulletin, write_figures_desk

    checks = manifest.get("checks") or {}
    notes = list(checks.get("notes") or []) + [f"模型检查：{w}" for w in checks.get("dbt_warnings") or []]
    period = (
        dt.date.fromisoformat(manifest["parameters"]["period_start"]),
        dt.date.fromisoformat(manifest["parameters"]["period_end"]),
    )
    indicators = load_indicators(work / "warehouse.duckdb")
    common = dict(notes=notes, run_id=manifest["run_id"], checks_href=checks.get("report_html"), edition=edition)
    had_pdf = (work / "bulletin.pdf").is_file()
    (work / "bulletin.pdf").unlink(missing_ok=True)  # the draft's: this edition's replaces it, or none
    office = pdf_export.Office.start() if had_pdf else None  # loads while the bulletin is written
    pdf = None
    try:
        paths = write_bulletin(indicators, work, **common)
        pdf, office = (office.convert(paths["docx"]), None) if office is not None else (None, None)
        write_figures_desk(
            indicators, work / "warehouse.duckdb", work, period=period, compared_with=compared_with, pdf=pdf, **common
        )
    except BaseException:  # stop what the error left running (write_figures_desk collects the PDF)
        if office is not None:
            office.close()
        if pdf is not None:
            pdf.cancel()
        raise


def release(
    build_dir: Path,
    root: Path,
    *,
    by: str,
    run_id: str | None = None,
    note: str = "",
    accept_open_problems: bool = False,
    now: dt.datetime | None = None,
) -> Release:
    from checks.open_problems import open_problems
    from reports.consistency import disagreements
    from reports.edition import Edition

    if not by.strip():
        raise ReleaseRefused("请写明发布人：shushuo release --by <姓名>（make release 时为 BY=<姓名>）。")
    build_dir, root = Path(build_dir).resolve(), Path(root).resolve()
    run_dir = _run_folder(build_dir, run_id)
    manifest = _manifest(run_dir)
    period = (
        dt.date.fromisoformat(manifest["parameters"]["period_start"]),
        dt.date.fromisoformat(manifest["parameters"]["period_end"]),
    )
    problems = open_problems(run_dir / "warehouse.duckdb", period, manifest.get("checks"))
    if problems and not accept_open_problems:
        listed = "\n".join(f"  - {p.describe()}" for p in problems)
        raise ReleaseRefused(
            f"运行 {manifest['run_id']} 还有待单位改正或说明的问题，相关数字可能不准，暂不能发布：\n{listed}\n"
            "请把整改清单退回单位，改正（核实性问题由单位在「上报说明」中说明）后重新运行再发布；"
            "确需先发布的，加 --accept-open-problems"
            "（make release 时为 ACCEPT_OPEN_PROBLEMS=1），受影响的数字将标为初步数。"
        )
    provisional = affected_figures(problems)
    with run_lock(root):
        before = latest(root, period)
        number = before.number + 1 if before else 1
        folder = root / period_folder(period)
        work = folder / f".{number}.partial"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(run_dir, work, ignore=shutil.ignore_patterns("*.wal", "revision.*"))
        edition = Edition(release=number, demo=bool(manifest["parameters"].get("demo_key")), provisional=provisional)
        _publish_files(
            work,
            manifest,
            edition,
            (before.path, f"第 {before.number} 版 → 第 {number} 版") if before is not None else None,
        )
        if found := disagreements(work):
            shutil.rmtree(work, ignore_errors=True)
            raise ReleaseRefused("发布的文件之间数字不一致，未发布（这是程序错误，请报告）：\n" + "\n".join(found[:20]))
        released_at = (now or dt.datetime.now()).replace(microsecond=0)
        info = {
            "release": number,
            "period_start": period[0].isoformat(),
            "period_end": period[1].isoformat(),
            "run_id": manifest["run_id"],
            "by": by.strip(),
            "released_at": released_at.isoformat(),
            "note": note,
            "demo": edition.demo,
            "open_problems_accepted": [p.describe() for p in problems],
            "provisional": provisional,
            "replaces": before.number if before else None,
        }
        (work / RELEASE_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
        _seal(work)
        final = folder / str(number)
        work.rename(final)
        write_index(root)
    return _read(final)


def _seal(work: Path) -> None:
    """SHA256SUMS over every file, then every file read-only."""
    files = sorted(p for p in work.rglob("*") if p.is_file())
    (work / CHECKSUMS).write_text("".join(f"{sha256_of(p)}  {p.relative_to(work)}\n" for p in files), encoding="utf-8")
    for path in [*files, work / CHECKSUMS]:
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def write_index(root: Path) -> Path:
    """releases/index.html: every release, newest first, with its bulletin, figures and revision."""
    from html import escape

    rows = []
    for r in reversed(all_releases(root)):
        base = r.path.relative_to(root)
        links = [("公报", "bulletin.html"), ("数字查询", "site/index.html"), ("数字表", "figures.xlsx")]
        if (r.path / "revision.xlsx").is_file():
            links.append(("与上一版比较", "revision.xlsx"))
        cells = " · ".join(f'<a href="{escape(str(base / href))}">{name}</a>' for name, href in links)
        rows.append(
            f"<tr><td>{escape(str(r.period[0]))} 至 {escape(str(r.period[1]))}</td><td>第 {r.number} 版</td>"
            f"<td>{escape(r.released_at.isoformat(sep=' '))}</td><td>{escape(r.by)}</td><td>{escape(r.note)}</td>"
            f"<td>{'初步数 ' + str(len(r.provisional)) + ' 个' if r.provisional else ''}</td><td>{cells}</td></tr>"
        )
    page = (
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>数说工会 · 已发布的版本</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:4px "
        "8px}</style></head><body><h1>数说工会 · 已发布的版本</h1><p>最新的版本在最上面；每一版发布后不再改动。</p>"
        "<table><thead><tr><th>统计期</th><th>版本</th><th>发布时间</th><th>发布人</th><th>说明</th><th>初步数</th>"
        f"<th>文件</th></tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>"
    )
    index = Path(root) / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
