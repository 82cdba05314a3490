"""`shushuo figure <查询>` and `shushuo figures [主题]`: a figure, its wording, 口径 and sources in
seconds, from the last good run (build/current), without opening a file.

Register in shushuo/cli.py with `app.command()(figure)` and `app.command()(figures)`.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from shushuo.paths import BUILD_DIR

BUILD_OPTION = typer.Option(BUILD_DIR, "--build", help="输出文件夹（其旁的 releases/ 为已发布的版本）")
AS_OF_OPTION = typer.Option(None, "--as-of", metavar="年-月-日", help="查当日有效的已发布版本（如 2019-03-01）")
DRAFT_OPTION = typer.Option(False, "--draft", help="查最近一次运行的草稿，而不是已发布的版本")


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _source(build_dir: Path, as_of: str | None, draft: bool, console: Console) -> tuple[Path, str]:
    """(the folder whose figures are served, the line saying which edition it is): the latest
    release; the release in force on a day (--as-of); or the last run, as a draft (--draft, or
    when nothing was released yet)."""
    from datetime import datetime

    from shushuo import releases

    root = releases.default_root(build_dir)
    if as_of is not None:
        try:
            day = datetime.strptime(as_of, "%Y-%m-%d").date()
        except ValueError:
            raise typer.BadParameter(f"--as-of 应为 年-月-日，例如 2019-03-01，收到：{as_of}") from None
        made = releases.in_force(root, day)
        if made is None:
            console.print(f"[red]{as_of} 之前还没有发布过任何版本[/]（{root}）。")
            raise typer.Exit(1)
        return made.path, f"{as_of} 有效的版本：{made.label}（{made.released_at:%Y-%m-%d %H:%M} 由 {made.by} 发布）"
    made = None if draft else releases.latest(root)
    if made is not None:
        return made.path, f"版本：{made.label}（{made.released_at:%Y-%m-%d %H:%M} 由 {made.by} 发布）"
    run_dir = Path(build_dir) / "current"
    why = "" if draft else "尚无已发布的版本，"
    return run_dir, f"[bold red]草稿[/]：{why}以下为最近一次运行的结果，未经发布，请勿引用"


def _catalogue(build_dir: Path, console: Console, as_of: str | None = None, draft: bool = False):
    """The figure catalogue of the edition served, or exit with what to do."""
    from reports.bulletin import load_indicators
    from reports.figure_book import BulletinDataError, period_of
    from reports.provenance import figure_catalogue, load_sources

    run_dir, edition = _source(build_dir, as_of, draft, console)
    warehouse = run_dir / "warehouse.duckdb"
    if not warehouse.is_file():
        console.print(
            f"[red]还没有可查询的结果：[/]{run_dir} 下没有 warehouse.duckdb。请先运行 make report（或 shushuo run）。"
        )
        raise typer.Exit(1)
    try:
        indicators = load_indicators(warehouse)
        sources, _, figure_sources = load_sources(warehouse, period_of(indicators))
    except BulletinDataError as exc:
        console.print(f"[red]无法读取指标：[/]{exc}")
        raise typer.Exit(1) from None
    console.print(edition)
    return figure_catalogue(indicators, sources, figure_sources), _run_id(run_dir)


def _run_id(folder: Path) -> str:
    import json

    manifest = folder / "manifest.json"
    if manifest.is_file():
        return json.loads(manifest.read_text(encoding="utf-8")).get("run_id", folder.resolve().name)
    return folder.resolve().name


def find(entries, query: str):
    """Headline figures matching a query: an exact id first, else id or label containing it."""
    heads = [e for e in entries if e.dim is None]
    text = query.strip().lower()
    exact = [e for e in heads if e.indicator_id.lower() == text]
    if exact:
        return exact
    return [e for e in heads if text and (text in e.indicator_id.lower() or text in e.label.lower())]


def _show(console: Console, head, entries, run_id: str) -> None:
    console.print(f"[bold]{head.label}[/]（{head.indicator_id}）  主题：{head.topic}")
    console.print(
        f"  数字：[bold red]{head.printed or '—'}[/]    准确值：{head.exact}{head.unit if head.exact else ''}"
        + (f"（{head.numerator} ÷ {head.denominator}）" if head.numerator else "")
    )
    console.print(f"  发布用语：[bold]{head.phrase or head.withheld}[/]")
    console.print(f"  口径：{head.definition}")
    console.print(f"  统计期：{head.period}    运行编号：{run_id}")
    console.print(f"  数据来源：{len(head.units)} 个单位：{'、'.join(head.units) or head.sources}")
    parts = [e for e in entries if e.indicator_id == head.indicator_id and e.dim is not None]
    for dim in dict.fromkeys(e.dim for e in parts):
        _show_breakdown(console, dim, [e for e in parts if e.dim == dim])


def _show_breakdown(console: Console, dim: str, parts) -> None:
    """One breakdown (by unit, programme, category): a table of the rows that may be published,
    then one line per reason for those withheld, not one row per unit."""
    from reports.chart_specs import DIM_NAMES

    name = DIM_NAMES.get(dim, dim)
    shown = [e for e in parts if not e.withheld]
    if shown:
        by_unit = dim == "unit"  # only a unit's row rests on files of its own
        table = Table(title=f"按{name}", title_justify="left", show_edge=False)
        for column in (name, "数字", "准确值", *(["来源文件"] if by_unit else [])):
            table.add_column(column, overflow="fold")
        for part in shown:
            table.add_row(
                part.key,
                part.printed,
                f"{part.exact}{part.unit}",  # 90.781736%, as the headline
                *(["、".join(part.files)] if by_unit else []),
            )
        console.print(table)
    for reason, keys in _withheld_by_reason(parts).items():
        listed = f"全部{len(keys)}个{name}" if len(keys) == len(parts) else "、".join(keys)
        console.print(f"  按{name}未列出：{listed}。原因：{reason}")


def _withheld_by_reason(parts) -> dict[str, list[str]]:
    """Reason → the breakdown keys withheld for it: one line per reason, not one row per unit."""
    by_reason: dict[str, list[str]] = {}
    for part in parts:
        if part.withheld:
            by_reason.setdefault(part.withheld, []).append(part.key)
    return by_reason


def _listing(title: str, heads) -> Text:
    """One figure a line, its wording unbroken: the console soft-wraps, so a phrase copied from
    the terminal never has a line break inside a number (a table column would fold it)."""
    lines = Text(title + "\n", style="bold")
    for e in heads:
        lines.append(f"  {e.indicator_id}", style="dim")
        lines.append(f"  {e.label}  ")
        lines.append(e.printed or "—", style="bold")
        lines.append(f"  {e.phrase or (e.withheld or '')}\n")
    return lines


def figure(
    query: str = typer.Argument(..., help="指标编号（如 cards_issued）或名称中的字（如 办卡率、京卡）"),
    build_dir: Path = BUILD_OPTION,
    as_of: str | None = AS_OF_OPTION,
    draft: bool = DRAFT_OPTION,
) -> None:
    """查一个数字：印刷写法、准确值、发布用语、口径与来源单位（默认为最新发布的版本）。"""
    console = _console()
    entries, run_id = _catalogue(build_dir, console, as_of, draft)
    matches = find(entries, query)
    if not matches:
        topics = "、".join(dict.fromkeys(e.topic for e in entries))
        console.print(
            f"没有找到与“{query}”相符的指标。可以换个说法或输入指标编号；"
            f"用 shushuo figures 列出全部指标，或 shushuo figures <主题> 按主题列出（主题：{topics}）。"
        )
        raise typer.Exit(1)
    if len(matches) > 1:
        console.print(_listing(f"“{query}”对应 {len(matches)} 个指标：", matches))
        console.print(f"查看其中一个：shushuo figure {matches[0].indicator_id}")
        return
    _show(console, matches[0], entries, run_id)


def figures(
    topic: str | None = typer.Argument(None, help="主题（如 京卡服务，可只写其中几个字）；不给则列出全部"),
    topic_option: str | None = typer.Option(None, "--topic", "-t", help="同上，以选项给出主题：--topic 帮扶"),
    build_dir: Path = BUILD_OPTION,
    as_of: str | None = AS_OF_OPTION,
    draft: bool = DRAFT_OPTION,
) -> None:
    """按主题列出指标及其发布用语（默认为最新发布的版本）。"""
    topic = topic_option or topic  # `figures 帮扶` and `figures --topic 帮扶` (as issue 6 writes it) both work
    console = _console()
    entries, _ = _catalogue(build_dir, console, as_of, draft)
    heads = [e for e in entries if e.dim is None]
    topics = list(dict.fromkeys(e.topic for e in heads))
    chosen = [t for t in topics if topic is None or topic.strip() in t]
    if not chosen:
        console.print(f"没有名为“{topic}”的主题。现有主题：{'、'.join(topics)}。")
        raise typer.Exit(1)
    for name in chosen:
        console.print(
            _listing(f"{name}（{sum(e.topic == name for e in heads)} 个）", [e for e in heads if e.topic == name])
        )
