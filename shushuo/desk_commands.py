"""`shushuo serve` and `shushuo desk …`: thin commands over the submission desk (desk/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console

console = Console(highlight=False, soft_wrap=True)


def _paths(desk_dir: Path | None, build_dir: Path | None):
    from desk.paths import desk_paths

    return desk_paths(desk_dir, build_dir).make()


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址（在内网上由反向代理转发时保持 127.0.0.1）"),
    port: int = typer.Option(8765, help="端口"),
    desk_dir: Path | None = typer.Option(
        None, "--desk-dir", help="平台数据文件夹（默认 data/desk/ 或 $SHUSHUO_DESK_DIR）"
    ),
    build_dir: Path | None = typer.Option(None, "--build", help="“运行”按钮的输出文件夹（默认 build/）"),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="会话 Cookie 只经 HTTPS 发送（在 TLS 反向代理之后使用）"
    ),
    check_workers: int = typer.Option(2, help="检查上传文件的进程数"),
    warm_runs: bool = typer.Option(
        True,
        "--warm-runs/--no-warm-runs",
        help="预先启动“运行”“发布”按钮的进程（每次运行快约 3 秒，等待时占用约 300 MB 内存）",
    ),
) -> None:
    """启动报送平台（网页）：各单位上传报表、即时看到检查结果；统计分析员查看报送情况并生成公报。"""
    import uvicorn

    from desk.app import DeskConfig, create_app
    from desk.db import Database

    paths = _paths(desk_dir, build_dir)
    users = Database(paths.database).row("select count(*) as n from users")["n"]
    console.print(f"报送平台：http://{host}:{port}/    数据：{paths.root}")
    if not users:
        console.print(
            "还没有账号。先创建统计分析员账号：.venv/bin/shushuo desk add-user --role analyst --name 用户名；"
            "各单位填报员：.venv/bin/shushuo desk add-user --unit S01 --role clerk"
        )
    app = create_app(DeskConfig(paths, secure_cookies=secure_cookies, check_workers=check_workers, warm_runs=warm_runs))
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1", log_level="warning")


def add_user(
    role: str = typer.Option(..., help="clerk（填报员）| analyst（统计分析员）| publicity（宣传处）"),
    unit: str | None = typer.Option(None, help="所属单位代码（填报员必填，见 domain/units.yaml），例如 S01"),
    name: str | None = typer.Option(None, help="用户名（默认：填报员为单位代码的小写，其他为角色名）"),
    desk_dir: Path | None = typer.Option(None, "--desk-dir", help="平台数据文件夹"),
) -> None:
    """创建账号，并显示一次初始密码。"""
    from desk.accounts import AccountError
    from desk.accounts import add_user as create
    from desk.db import Database

    paths = _paths(desk_dir, None)
    try:
        username, password = create(Database(paths.database), role, unit, name)
    except AccountError as error:
        console.print(f"[bold red]未创建：[/]{error}")
        raise typer.Exit(1) from None
    console.print(f"已创建账号 {username}（{role}{'，' + unit.upper() if unit else ''}）。")
    console.print(f"初始密码（只显示这一次，请当面或电话告知本人）：{password}")


def set_period(
    start: str = typer.Option(..., help="统计期起，年-月-日"),
    end: str = typer.Option(..., help="统计期止，年-月-日"),
    deadline: str = typer.Option(..., help="报送截止日，年-月-日"),
    desk_dir: Path | None = typer.Option(None, "--desk-dir", help="平台数据文件夹"),
) -> None:
    """设置平台收报的统计期和截止日（此前各期的上传仍保留）。"""
    from desk.db import Database
    from desk.season import set_period as store

    try:
        days = [date.fromisoformat(text) for text in (start, end, deadline)]
        period = store(Database(_paths(desk_dir, None).database), *days)
    except ValueError as error:
        console.print(f"[bold red]未设置：[/]{error}（日期写作 2018-12-31）")
        raise typer.Exit(1) from None
    console.print(f"本期报送任务：{period.start} 至 {period.end}，截止 {period.deadline}。")


def reset_password(
    name: str = typer.Option(..., help="用户名"),
    desk_dir: Path | None = typer.Option(None, "--desk-dir", help="平台数据文件夹"),
) -> None:
    """为账号设置新的随机密码并显示一次（忘记密码、或初始密码泄露时）；停用的账号同时恢复。"""
    from desk.accounts import AccountError
    from desk.accounts import reset_password as reset
    from desk.db import Database

    try:
        password = reset(Database(_paths(desk_dir, None).database), name)
    except AccountError as error:
        console.print(f"[bold red]未重设：[/]{error}")
        raise typer.Exit(1) from None
    console.print(f"账号 {name} 的新密码（只显示这一次）：{password}")


def disable_user(
    name: str = typer.Option(..., help="用户名"),
    desk_dir: Path | None = typer.Option(None, "--desk-dir", help="平台数据文件夹"),
) -> None:
    """停用账号（人员调离时）：不能再登录，已登录的会话随即失效；上传记录保留。"""
    from desk.accounts import AccountError, disable
    from desk.db import Database

    try:
        disable(Database(_paths(desk_dir, None).database), name)
    except AccountError as error:
        console.print(f"[bold red]未停用：[/]{error}")
        raise typer.Exit(1) from None
    console.print(f"账号 {name} 已停用。")
