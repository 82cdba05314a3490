"""The desk's web application (Starlette): routes, sessions, CSRF, access rules.

Access: a clerk sees only their own unit (every route that takes an upload id checks the upload's
unit against the account's); the analyst sees the district; the publicity office sees only the
released figures. Sessions are signed cookies (itsdangerous, through Starlette's SessionMiddleware):
HttpOnly, SameSite=Lax, Secure when served over TLS (`--secure-cookies`). Every form carries a
CSRF token held in the session; every POST checks it. Sign-in is rate-limited per account and per
address (desk/accounts.py). Every sign-in, upload, download, explanation and run is in the audit log."""

from __future__ import annotations

import asyncio
import hmac
import json
import multiprocessing
import os
import secrets
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from desk import accounts, board, checking, inbox, run_warnings, runs
from desk.db import Database, now
from desk.paths import DeskPaths
from desk.season import current_period, task_sheets, unit
from desk.store import UploadRefused, clear_incoming, keep, receive, stored_path, too_large
from ingest.find.file_guard import LIMITS
from ingest.workbooks.writer import write_return
from shushuo import releases

HERE = Path(__file__).parent
SESSION_SECONDS = 8 * 3600
DRAIN_BYTES = 16 << 20
# Pages the pipeline wrote (bulletin, site) carry their own inline styles and scripts.
OUTPUT_HEADERS = {
    "content-security-policy": "default-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
}
# What the publicity office may open in a release folder: the site and the published documents.
PUBLISHED = ("site/", "charts/", "bulletin.", "figures.", "revision.")
HOME = {"clerk": "/clerk", "analyst": "/analyst", "publicity": "/figures/"}
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "SAMEORIGIN",
    "cache-control": "no-store",
}
CRASHED = (
    "读取这个文件时检查进程崩溃（文件可能经过特意构造或已损坏），未计入：请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"
)


@dataclass
class DeskConfig:
    paths: DeskPaths
    secure_cookies: bool = False
    upload_limit: int = LIMITS.file_bytes
    check_workers: int = 2


class Denied(Exception):
    """403 or 404 for this user; never says whether the thing exists for someone else."""


def secret_key(paths: DeskPaths) -> str:
    """The key signing the session cookies, made once (0600) beside the database."""
    path = paths.root / "session.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class DeskApp:
    """The desk's handlers and what they share: the paths, the database, the templates, the check pool."""

    def __init__(self, config: DeskConfig):
        self.config = config
        self.paths = paths = config.paths.make()
        self.db = Database(paths.database)
        self.templates = templates = Jinja2Templates(directory=str(HERE / "templates"))
        templates.env.globals["roles"] = accounts.ROLES
        self.state: dict = {}

    def new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.config.check_workers, mp_context=multiprocessing.get_context("spawn"), initializer=checking.warm_up
        )

    @asynccontextmanager
    async def lifespan(self, app):
        clear_incoming(self.paths.incoming)
        self.state["pool"] = self.new_pool()
        period = current_period(self.db)
        for row in self.db.all("select id from uploads where state = 'checking'"):  # the server stopped mid-check
            asyncio.get_running_loop().create_task(self.run_check(row["id"]))
        inbox.rebuild(self.db, period, self.paths.store, self.paths.inbox)
        yield
        self.state["pool"].shutdown(wait=False, cancel_futures=True)

    # --- helpers -------------------------------------------------------------------------------
    def client(self, request: Request) -> str:
        return request.client.host if request.client else "?"

    def csrf_token(self, request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return token

    def csrf_ok(self, request: Request, given: str) -> bool:
        token = request.session.get("csrf")
        return bool(token) and bool(given) and hmac.compare_digest(str(token), given)

    async def checked_form(self, request: Request) -> FormData:
        form = await request.form(max_files=0, max_fields=20)
        if not self.csrf_ok(request, str(form.get("csrf", ""))):
            raise UploadRefused("页面已过期或来源不明（CSRF 校验未通过）：请刷新页面后重试。", 403)
        return form

    def current_user(self, request: Request):
        user_id = request.session.get("user")
        if user_id is None:
            return None
        user = self.db.one("select * from users where id = ? and disabled = 0", user_id)
        if user is None:
            request.session.clear()
        return user

    def page(self, request: Request, name: str, status_code: int = 200, **context) -> Response:
        context.update(user=self.current_user(request), csrf=self.csrf_token(request))
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)

    def need(self, request: Request, *roles: str):
        user = self.current_user(request)
        if user is None:
            raise NotSignedIn()
        if user["role"] not in roles:
            raise Denied()
        return user

    def upload_for(self, user, upload_id: int) -> dict:
        """The upload if this user may see it: a clerk only their unit's; the analyst any."""
        row = self.db.one("select * from uploads where id = ?", upload_id)
        if (
            row is None
            or user["role"] == "publicity"
            or (user["role"] == "clerk" and row["unit_code"] != user["unit_code"])
        ):
            raise Denied()
        return dict(row)

    def attachment(self, path: Path, name: str, media_type: str | None = None) -> FileResponse:
        return FileResponse(
            path,
            media_type=media_type or "application/octet-stream",
            headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
        )

    async def run_check(self, upload_id: int) -> None:
        upload = self.db.row("select * from uploads where id = ?", upload_id)
        period = self.db.row("select * from periods where id = ?", upload["period_id"])
        out = self.paths.checks / str(upload_id)
        args = (
            str(stored_path(self.paths.store, upload["sha256"])),
            checking.upload_name(upload["original_name"]),
            upload["unit_code"],
            (period["period_start"], period["period_end"]),
            str(out),
        )
        try:
            result = await asyncio.wrap_future(self.state["pool"].submit(checking.check_upload, *args))
        except BrokenProcessPool:
            self.state["pool"] = self.new_pool()
            result = checking.refused_result(args[1], CRASHED)
        self.db.execute(
            "update uploads set state = 'checked', verdict = ?, counted = ?, result_json = ?, checked_at = ?"
            " where id = ?",
            result["verdict"],
            int(result["counted"]),
            json.dumps(result, ensure_ascii=False, default=str),
            now(),
            upload_id,
        )
        self.db.audit(
            "status",
            f"#{upload_id} {upload['unit_code']} {checking.VERDICT_WORDS[result['verdict']]}"
            f"{'' if result['counted'] else '（未计入）'}",
            client="desk",
        )
        inbox.rebuild(self.db, current_period(self.db), self.paths.store, self.paths.inbox)

    # --- sign-in ---------------------------------------------------------------------------------
    async def home(self, request: Request):
        user = self.current_user(request)
        return RedirectResponse(HOME[user["role"]] if user else "/login", 303)

    async def login(self, request: Request):
        if request.method == "GET":
            return self.page(request, "login.html")
        form = await self.checked_form(request)
        username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
        who = self.client(request)
        if accounts.too_many_failures(self.db, username, who):
            self.db.audit("sign-in refused (rate limit)", username, client=who)
            message = f"登录失败次数过多，请 {accounts.WINDOW_SECONDS // 60} 分钟后再试。"
            return self.page(request, "login.html", 429, error=message, username=username)
        user = accounts.sign_in(self.db, username, password, who)
        if user is None:
            self.db.audit("sign-in failed", username, client=who)
            return self.page(request, "login.html", 401, error="用户名或密码不对。", username=username)
        request.session.clear()
        request.session.update(user=user["id"], csrf=secrets.token_urlsafe(32))
        self.db.audit("sign-in", "", user=user, client=who)
        return RedirectResponse(HOME[user["role"]], 303)

    async def logout(self, request: Request):
        await self.checked_form(request)
        user = self.current_user(request)
        if user is not None:
            self.db.audit("sign-out", "", user=user, client=self.client(request))
        request.session.clear()
        return RedirectResponse("/login", 303)

    # --- clerk -----------------------------------------------------------------------------------
    async def clerk_home(self, request: Request):
        user = self.need(request, "clerk")
        period = current_period(self.db)
        rows = board.unit_rows(self.db, period, only=user["unit_code"])
        uploads = self.db.all(
            "select * from uploads where unit_code = ? and period_id = ? order by id desc", user["unit_code"], period.id
        )
        return self.page(
            request,
            "clerk.html",
            period=period,
            unit=unit(user["unit_code"]),
            sheets=task_sheets(user["unit_code"]),
            row=rows[0],
            uploads=[(u, board.status_of(self.db, dict(u))) for u in uploads],
            run_warnings=run_warnings.open_for_unit(
                self.db, run_warnings.last_outcomes(self.db), user["unit_code"], rows[0].current
            ),
            limit_mb=self.config.upload_limit / (1 << 20),
        )

    async def clerk_template(self, request: Request):
        user = self.need(request, "clerk")
        period = current_period(self.db)
        the_unit = unit(user["unit_code"])
        name = inbox.inbox_name(the_unit.code, period, "x.xlsx")
        path = self.paths.root / "templates" / period.label / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_return(path, the_unit.name, period.start, period.end, {})
        self.db.audit("download template", name, user=user, client=self.client(request))
        return self.attachment(path, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    async def clerk_upload(self, request: Request):
        user = self.need(request, "clerk")
        limit = self.config.upload_limit
        declared = request.headers.get("content-length")
        try:
            if declared and declared.isdigit() and int(declared) > limit + (64 << 10):
                raise too_large(limit)
            got = await receive(
                request.headers.get("content-type", ""),
                request.stream(),
                self.paths.incoming,
                limit,
                lambda token: self.csrf_ok(request, token),
            )
        except UploadRefused as refused:
            self.db.audit("upload refused", refused.reason, user=user, client=self.client(request))
            return await self.refused_page(request, refused)
        name = got.filename or ""
        if not checking.accepted(name):
            if got.path is not None:
                got.path.unlink(missing_ok=True)
            reason = "只接收 .xlsx、.xlsm、.xls 或 .csv 格式的报表：请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
            self.db.audit("upload refused", f"{name[:200]}: {reason}", user=user, client=self.client(request))
            return await self.refused_page(request, UploadRefused(reason, 415))
        keep(got, self.paths.store)
        period = current_period(self.db)
        upload_id = self.db.execute(
            "insert into uploads (period_id, unit_code, user_id, original_name, sha256, size, uploaded_at, client)"
            " values (?, ?, ?, ?, ?, ?, ?, ?)",
            period.id,
            user["unit_code"],
            user["id"],
            name[:1000],
            got.sha256,
            got.size,
            now(),
            self.client(request),
        )
        self.db.audit(
            "upload",
            f"#{upload_id} {name[:200]} {got.size} 字节 sha256 {got.sha256}",
            user=user,
            client=self.client(request),
        )
        await self.run_check(upload_id)
        return RedirectResponse(f"/uploads/{upload_id}", 303)

    async def refused_page(self, request: Request, refused: UploadRefused) -> Response:
        # Read (and drop) what is left of the body, up to DRAIN_BYTES: a browser shows nothing of an
        # answer sent mid-upload. Past that the connection is closed and the browser shows its error.
        drained = 0
        try:
            async for chunk in request.stream():
                drained += len(chunk)
                if drained > DRAIN_BYTES:
                    break
        except Exception:  # the client went away: nothing to drain
            pass
        return self.page(request, "refused.html", refused.status, reason=refused.reason)

    async def clerk_explain(self, request: Request):
        """An 上报说明 for one of the last run's 核实性 warnings, kept with the unit's current upload."""
        user = self.need(request, "clerk")
        form = await self.checked_form(request)
        rule, text = str(form.get("rule", "")), str(form.get("explanation", "")).strip()
        current = board.unit_rows(self.db, current_period(self.db), only=user["unit_code"])[0].current
        warnings = run_warnings.open_for_unit(self.db, run_warnings.last_outcomes(self.db), user["unit_code"], current)
        if current is None or rule not in {w["check_id"] for w in warnings} or not text or len(text) > 2000:
            return self.page(
                request, "refused.html", 400, reason="请针对页面上列出的一条核实性提醒填写上报说明（不超过 2000 字）。"
            )
        self.save_explanation(current, rule, text, user)
        self.db.audit("上报说明", f"#{current['id']} {rule}", user=user, client=self.client(request))
        return RedirectResponse("/clerk#checks", 303)

    def save_explanation(self, upload: dict, rule: str, text: str, user) -> None:
        self.db.execute(
            "insert into explanations (upload_id, unit_code, rule, explanation, explained_by, explained_at) "
            "values (?, ?, ?, ?, ?, ?) on conflict (upload_id, rule) do update set explanation = excluded.explanation, "
            "explained_by = excluded.explained_by, explained_at = excluded.explained_at",
            upload["id"],
            upload["unit_code"],
            rule,
            text,
            user["username"],
            now(),
        )
        inbox.rebuild(self.db, current_period(self.db), self.paths.store, self.paths.inbox)

    # --- one upload: result, 整改清单, original, explanations --------------------------------------------
    async def upload_page(self, request: Request):
        user = self.need(request, "clerk", "analyst")
        upload = self.upload_for(user, _int(request.path_params["upload_id"]))
        result = json.loads(upload["result_json"] or "{}")
        explained = {
            row["rule"]: dict(row)
            for row in self.db.all("select * from explanations where upload_id = ?", upload["id"])
        }
        latest = self.db.row(
            "select max(id) as id from uploads where unit_code = ? and period_id = ?",
            upload["unit_code"],
            upload["period_id"],
        )
        return self.page(
            request,
            "upload.html",
            upload=upload,
            result=result,
            status=board.status_of(self.db, upload),
            explained=explained,
            unit=unit(upload["unit_code"]),
            is_latest=latest["id"] == upload["id"],
        )

    async def upload_feedback(self, request: Request):
        user = self.need(request, "clerk", "analyst")
        upload = self.upload_for(user, _int(request.path_params["upload_id"]))
        result = json.loads(upload["result_json"] or "{}")
        if not result.get("feedback"):
            raise Denied()
        relative = result["feedback"][0]
        path = (self.paths.checks / str(upload["id"]) / relative).resolve()
        if not path.is_relative_to(self.paths.checks.resolve()) or not path.is_file():
            raise Denied()
        self.db.audit("download 整改清单", f"#{upload['id']}", user=user, client=self.client(request))
        return self.attachment(
            path, Path(relative).name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    async def upload_file(self, request: Request):
        user = self.need(request, "clerk", "analyst")
        upload = self.upload_for(user, _int(request.path_params["upload_id"]))
        self.db.audit("download upload", f"#{upload['id']}", user=user, client=self.client(request))
        return self.attachment(
            stored_path(self.paths.store, upload["sha256"]), checking.upload_name(upload["original_name"])
        )

    async def upload_explain(self, request: Request):
        user = self.need(request, "clerk")
        upload = self.upload_for(user, _int(request.path_params["upload_id"]))
        form = await self.checked_form(request)
        rule, text = str(form.get("rule", "")), str(form.get("explanation", "")).strip()
        warnings = {
            p["rule"]
            for p in json.loads(upload["result_json"] or "{}").get("problems", [])
            if p["severity"] == "warning"
        }
        if rule not in warnings or not text or len(text) > 2000:
            return self.page(
                request, "refused.html", 400, reason="请针对页面上列出的一条提醒填写上报说明（不超过 2000 字）。"
            )
        self.save_explanation(upload, rule, text, user)
        self.db.audit("上报说明", f"#{upload['id']} {rule}", user=user, client=self.client(request))
        return RedirectResponse(f"/uploads/{upload['id']}#warnings", 303)

    # --- analyst ---------------------------------------------------------------------------------
    async def analyst_board(self, request: Request):
        user = self.need(request, "analyst")
        period = current_period(self.db)
        rows = board.unit_rows(self.db, period)
        last_run = self.db.one("select * from runs order by id desc limit 1")
        run_dir = Path(last_run["run_dir"]) if last_run and last_run["run_dir"] else None
        return self.page(
            request,
            "board.html",
            period=period,
            rows=rows,
            rates=board.rates(rows),
            chase=board.chase_list(rows),
            last_run=last_run,
            run_outputs=runs.outputs(run_dir) if run_dir and run_dir.is_dir() else [],
            audit=self.db.all("select * from audit order by id desc limit 15"),
            viewer=user,
        )

    async def analyst_chase(self, request: Request):
        user = self.need(request, "analyst")
        period = current_period(self.db)
        self.db.audit("download 催报名单", "", user=user, client=self.client(request))
        text = board.chase_csv(board.unit_rows(self.db, period))
        name = quote(f"催报名单_{period.label}.csv")
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"},
        )

    async def analyst_run(self, request: Request):
        user = self.need(request, "analyst")
        await self.checked_form(request)
        try:
            run_id = runs.start(self.db, self.paths, user["username"])
        except runs.RunRefused as refused:
            self.db.audit("run refused", str(refused), user=user, client=self.client(request))
            return self.page(request, "refused.html", 409, reason=str(refused))
        self.db.audit("run", f"#{run_id}", user=user, client=self.client(request))
        return RedirectResponse(f"/analyst/runs/{run_id}", 303)

    async def analyst_release(self, request: Request):
        user = self.need(request, "analyst")
        form = await self.checked_form(request)
        note = str(form.get("note", "")).strip()[:500]
        accept = form.get("accept_open_problems") == "1"
        argv = runs.release_command(self.paths, user["username"], note, accept)
        try:
            run_id = runs.start(self.db, self.paths, user["username"], "release", argv)
        except runs.RunRefused as refused:
            self.db.audit("release refused", str(refused), user=user, client=self.client(request))
            return self.page(request, "refused.html", 409, reason=str(refused))
        self.db.audit("release", f"#{run_id} {note}", user=user, client=self.client(request))
        return RedirectResponse(f"/analyst/runs/{run_id}", 303)

    async def analyst_run_page(self, request: Request):
        self.need(request, "analyst")
        run = self.db.one("select * from runs where id = ?", _int(request.path_params["run_id"]))
        if run is None:
            raise Denied()
        run_dir = Path(run["run_dir"]) if run["run_dir"] else None
        return self.page(
            request,
            "run.html",
            run=run,
            log=runs.log_tail(run["log_path"]),
            outputs=runs.outputs(run_dir) if run_dir and run_dir.is_dir() else [],
        )

    async def analyst_run_file(self, request: Request):
        user = self.need(request, "analyst")
        run = self.db.one("select * from runs where id = ?", _int(request.path_params["run_id"]))
        if run is None or not run["run_dir"]:
            raise Denied()
        root = Path(run["run_dir"]).resolve()
        path = (root / request.path_params["path"]).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise Denied()
        self.db.audit(
            "download run output",
            f"run #{run['id']} {request.path_params['path'][:200]}",
            user=user,
            client=self.client(request),
        )
        if path.suffix in (".html", ".png", ".svg", ".css", ".js", ".json"):
            return FileResponse(path, headers=OUTPUT_HEADERS)
        return self.attachment(path, path.name)

    # --- publicity office (and analyst): the released figures ------------------------------------
    async def figures(self, request: Request):
        """The latest release as published: its site (site/index.html, linking ../bulletin.html and
        the exports) and the published files; nothing else of the release folder (its warehouse,
        整改清单 and 提交情况 are the analyst's)."""
        user = self.need(request, "publicity", "analyst")
        latest = releases.latest(releases.default_root(self.paths.build))
        wanted = request.path_params.get("path") or ""
        if latest is None and wanted in ("", "index.html"):
            return self.page(request, "figures.html", release=None)
        if latest is None:
            raise Denied()
        if wanted in ("", "index.html"):
            return RedirectResponse("/figures/site/index.html", 303)
        root = latest.path.resolve()
        path = (root / wanted).resolve()
        relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else None
        if relative is None or not relative.startswith(PUBLISHED) or not path.is_file():
            raise Denied()
        if relative == "site/index.html":
            self.db.audit("view released figures", latest.label, user=user, client=self.client(request))
        if path.suffix in (".html", ".png", ".svg", ".css", ".js", ".json", ".md", ".csv"):
            return FileResponse(path, headers=OUTPUT_HEADERS)
        return self.attachment(path, path.name)


def create_app(config: DeskConfig) -> Starlette:
    desk = DeskApp(config)
    routes = [
        Route("/", desk.home),
        Route("/login", desk.login, methods=["GET", "POST"]),
        Route("/logout", desk.logout, methods=["POST"]),
        Route("/clerk", desk.clerk_home),
        Route("/clerk/template", desk.clerk_template),
        Route("/clerk/upload", desk.clerk_upload, methods=["POST"]),
        Route("/clerk/explain", desk.clerk_explain, methods=["POST"]),
        Route("/uploads/{upload_id}", desk.upload_page),
        Route("/uploads/{upload_id}/feedback", desk.upload_feedback),
        Route("/uploads/{upload_id}/file", desk.upload_file),
        Route("/uploads/{upload_id}/explain", desk.upload_explain, methods=["POST"]),
        Route("/analyst", desk.analyst_board),
        Route("/analyst/chase.csv", desk.analyst_chase),
        Route("/analyst/run", desk.analyst_run, methods=["POST"]),
        Route("/analyst/release", desk.analyst_release, methods=["POST"]),
        Route("/analyst/runs/{run_id}", desk.analyst_run_page),
        Route("/analyst/runs/{run_id}/files/{path:path}", desk.analyst_run_file),
        Route("/figures/", desk.figures),
        Route("/figures/{path:path}", desk.figures),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    async def not_signed_in(request: Request, exc):
        if request.method == "GET":
            return RedirectResponse("/login", 303)
        return PlainTextResponse("请先登录。", 401)

    async def denied(request: Request, exc):
        return desk.page(request, "refused.html", 404, reason="没有这个页面，或您的账号无权查看。")

    async def refused(request: Request, exc: UploadRefused):
        return desk.page(request, "refused.html", exc.status, reason=exc.reason)

    handlers: dict[Any, Any] = {NotSignedIn: not_signed_in, Denied: denied, UploadRefused: refused}
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=secret_key(desk.paths),
                session_cookie="shushuo_desk",
                max_age=SESSION_SECONDS,
                same_site="lax",
                https_only=config.secure_cookies,
            ),
            Middleware(SecurityHeaders),
        ],
        exception_handlers=handlers,
        lifespan=desk.lifespan,
    )
    app.state.db = desk.db
    app.state.paths = desk.paths
    return app


class NotSignedIn(Exception):
    pass


def _int(text: str) -> int:
    if not text.isdigit() or len(text) > 12:
        raise Denied()
    return int(text)


class SecurityHeaders:
    """Every answer says: no scripts or frames from elsewhere, no sniffing, no caching."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)
