"""The command line: `shushuo run`, `shushuo demo`, `shushuo template`. Each maps to a Makefile
target; the work is done by the stage modules, this file only parses and reports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from typer.core import TyperCommand, TyperGroup

from shushuo import publish
from shushuo.desk_commands import add_user, disable_user, reset_password, serve, set_period
from shushuo.figure_commands import figure, figures
from shushuo.paths import BUILD_DIR, DEMO_DIR, dbt_dir

DAY = "年-月-日"  # how a date option is written: 2018-12-31


class _FlagsTakeNoValue:
    """typer (0.29) prints every option's type in --help, a flag's too: `--force <bool>`,
    `--help <bool>`, as if it took a value. A flag shows none."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False):
                param.metavar = ""
        return params


class _Command(_FlagsTakeNoValue, TyperCommand):
    pass


class _Group(_FlagsTakeNoValue, TyperGroup):
    pass


app = typer.Typer(add_completion=False, no_args_is_help=True, help="数说工会：工会统计报表处理与发布", cls=_Group)
# soft_wrap: a line is never broken at the console's width. Out of a terminal (a pipe, CI,
# `make report | tee`) rich assumes 80 columns and would split a path in two.
console = Console(highlight=False, soft_wrap=True)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{option} 应为 年-月-日，例如 2018-12-31，收到：{text}") from None


@app.command(cls=_Command)
def run(
    input_dir: Path | None = typer.Option(None, "--input", help="报表所在文件夹；不给则使用演示数据"),
    build_dir: Path = typer.Option(BUILD_DIR, "--build", help="输出文件夹"),
    period_start: str | None = typer.Option(None, metavar=DAY, help="统计期起；不给则取报表封面上最近的统计期"),
    period_end: str | None = typer.Option(None, metavar=DAY, help="统计期止"),
    wait: float = typer.Option(0.0, help="另一次运行未结束时最多等待的秒数"),
    workers: int = typer.Option(2, help="并行读取报表的进程数"),
    force: bool = typer.Option(False, "--force", help="即使报表、程序和参数都与上次发布时相同，也重新计算"),
    engine: str = typer.Option(
        "duckdb",
        metavar="duckdb|spark",
        help="建模的计算引擎：duckdb（默认）或 spark（同一 dbt 项目在 Spark 上运行，需 Java；见 README）",
    ),
) -> None:
    """读取报表、建模、检查并生成“数说工会”公报。"""
    from shushuo.demo_data import ensure_demo
    from shushuo.lock import RunInProgress
    from shushuo.run import RunFailed, RunOptions
    from shushuo.run import run as run_pipeline

    start, end = _date(period_start, "--period-start"), _date(period_end, "--period-end")
    if (start is None) != (end is None):
        raise typer.BadParameter("--period-start 与 --period-end 须同时给出。")
    from shushuo.dbt_runner import ENGINES

    if engine not in ENGINES:
        raise typer.BadParameter(f"--engine 只能是 {' 或 '.join(ENGINES)}，收到：{engine}")
    demo = input_dir is None
    if input_dir is None:
        console.print("未指定 --input（make report 时为 INPUT=），使用演示数据（首次运行会先生成演示报表）。")
        input_dir = ensure_demo(DEMO_DIR)
    options = RunOptions(
        input_dir,
        build_dir,
        start,
        end,
        demo_key=demo,
        wait_seconds=wait,
        workers=workers,
        reuse_unchanged=not force,
        engine=engine,
    )
    # The status line on a terminal (nothing in a log). Refreshed only when it changes: an
    # auto-refreshing display runs a thread, and the reading workers are forked processes.
    line = Spinner("dots", text="开始运行…")
    try:
        with Live(line, console=console, auto_refresh=False, transient=True) as live:

            def status(text: str) -> None:
                line.update(text=text)
                live.refresh()

            result = run_pipeline(options, say=console.print, status=status)
    except (RunFailed, RunInProgress) as failure:
        console.print(f"[bold red]运行未完成：[/]{failure}")
        if failed := getattr(failure, "run_dir", None):
            console.print(f"本次运行的文件（未发布，供排查）：{failed}")
        if (published := publish.current(build_dir)) is not None and published.is_dir():
            console.print(f"上一次成功的结果未受影响：{build_dir / 'current'}")
        else:
            console.print(f"尚无已发布的结果：{build_dir} 中还没有成功完成的运行。")
        raise typer.Exit(1) from None
    for stage in result.manifest.stages if result.manifest else []:
        console.print(f"  {stage['stage']:<10} {stage['seconds']:>7.1f} 秒")
    for warning in result.warnings:
        console.print(f"[yellow]提示：[/]{warning}")
    console.print(f"[bold green]公报已生成：[/]{result.bulletin}")
    console.print(f"本次运行的全部输出：{result.run_dir}（{build_dir / 'current'} 指向它）")


@app.command(cls=_Command)
def demo(
    out: Path = typer.Option(DEMO_DIR, help="演示报表的输出文件夹"),
    scale: float = typer.Option(1.0, help="规模倍数：1 为一个区，10 为十倍"),
    force: bool = typer.Option(False, help="即使已有同版本的演示数据也重新生成"),
) -> None:
    """生成演示报表（确定性：同样的参数得到同样的文件）。"""
    from shushuo.demo_data import ensure_demo

    try:
        folder = ensure_demo(out, scale=scale, force=force)
    except ValueError as wrong:  # a scale the generator cannot make a data set of
        raise typer.BadParameter(str(wrong), param_hint="--scale") from None
    console.print(f"演示报表：{folder}")


@app.command(cls=_Command)
def template(
    out: Path = typer.Option(BUILD_DIR / "templates", help="模板的输出文件夹"),
    period_start: str | None = typer.Option(None, metavar=DAY, help="统计期起（默认：今年1月1日）"),
    period_end: str | None = typer.Option(None, metavar=DAY, help="统计期止（默认：今年12月31日）"),
) -> None:
    """为每个填报单位生成空白报表模板（下拉选项、填报提示、冻结表头）。"""
    from ingest.workbooks.template import write_templates

    this_year = date.today().year
    start = _date(period_start, "--period-start") or date(this_year, 1, 1)
    end = _date(period_end, "--period-end") or date(this_year, 12, 31)
    paths = write_templates(out, start, end)
    console.print(f"已生成 {len(paths)} 份报表模板：{out}")


@app.command(cls=_Command)
def docs(
    build_dir: Path = typer.Option(BUILD_DIR, "--build", help="输出文件夹（使用其中 current 指向的最近一次成功运行）"),
) -> None:
    """生成 dbt 文档：每个模型、每个字段和每个指标的口径（在最近一次成功运行的数据上）。"""
    import json
    import shutil

    from shushuo import dbt_runner

    run_dir = build_dir / "current"
    if not (run_dir / "warehouse.duckdb").is_file():
        console.print(f"[red]还没有成功的运行：[/]{run_dir} 下没有 warehouse.duckdb。请先运行 make report。")
        raise typer.Exit(1)
    parameters = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["parameters"]
    work = dbt_dir(build_dir) / "docs-warehouse"
    work.mkdir(parents=True, exist_ok=True)
    # A copy: dbt opens its warehouse for writing, and a published run is never modified.
    shutil.copyfile(run_dir / "warehouse.duckdb", work / "warehouse.duckdb")
    period = (date.fromisoformat(parameters["period_start"]), date.fromisoformat(parameters["period_end"]))
    folder = dbt_runner.docs(work / "warehouse.duckdb", *period, build_dir=build_dir)
    console.print(f"dbt 文档（可直接用浏览器打开）：{folder / 'static_index.html'}")


@app.command(cls=_Command)
def release(
    by: str = typer.Option(..., "--by", help="发布人（记入发布记录）"),
    run_id: str | None = typer.Option(None, "--run", help="要发布的运行编号；不给则发布最近一次成功的运行"),
    note: str = typer.Option("", "--note", help="发布说明，如“第二次发布：天桥更正京卡办理”"),
    accept_open_problems: bool = typer.Option(
        False, "--accept-open-problems", help="仍有待单位改正的问题时也发布，受影响的数字标为初步数"
    ),
    build_dir: Path = typer.Option(BUILD_DIR, "--build", help="输出文件夹"),
    releases_dir: Path | None = typer.Option(None, "--releases", help="发布文件夹（默认为输出文件夹旁的 releases/）"),
) -> None:
    """发布一次运行的结果：冻结为本统计期的第 n 版，数字查询从此以它为准。"""
    from shushuo import releases

    root = releases_dir or releases.default_root(build_dir)
    try:
        made = releases.release(
            build_dir, root, by=by, run_id=run_id, note=note, accept_open_problems=accept_open_problems
        )
    except releases.ReleaseRefused as refused:
        console.print(f"[bold red]未发布：[/]{refused}")
        raise typer.Exit(1) from None
    console.print(f"[bold green]已发布：[/]{made.label}（运行 {made.run_id}，发布人 {made.by}）")
    if made.provisional:
        console.print(
            f"[yellow]其中 {len(made.provisional)} 个数字为初步数[/]（原因见 release.json 与公报的数据说明）。"
        )
    if (made.path / "revision.xlsx").is_file():
        console.print(f"与上一版的比较：{made.path / 'revision.xlsx'}")
    console.print(f"发布的文件（只读，校验和见 SHA256SUMS）：{made.path}")
    console.print(f"全部已发布的版本：{root / 'index.html'}")


app.command(cls=_Command)(figure)
app.command(cls=_Command)(figures)
app.command(cls=_Command)(serve)
desk_app = typer.Typer(add_completion=False, no_args_is_help=True, help="报送平台的账号与统计期", cls=_Group)
desk_app.command("add-user", cls=_Command)(add_user)
desk_app.command("set-period", cls=_Command)(set_period)
desk_app.command("reset-password", cls=_Command)(reset_password)
desk_app.command("disable-user", cls=_Command)(disable_user)
app.add_typer(desk_app, name="desk")

if __name__ == "__main__":
    app()
