"""The desk's web application (Starlette): the routes, what answers a refusal, the session and
security middleware. The routes are the clerk's (desk/clerk_routes.py), the analyst's
(desk/analyst_routes.py) and the publicity office's (desk/figures_routes.py), on what signing in
gives them (desk/session.py) and what they all share (desk/web_base.py).

Access: a clerk sees only their own unit; the analyst sees the district; the publicity office sees
only the released figures. Every sign-in, upload, download, explanation and run is in the audit log."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from desk.analyst_routes import AnalystRoutes
from desk.clerk_routes import ClerkRoutes
from desk.figures_routes import FiguresRoutes
from desk.session import SESSION_SECONDS, secret_key
from desk.store import UploadRefused
from desk.web_base import HERE, Denied, DeskConfig, NotSignedIn

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "SAMEORIGIN",
    "cache-control": "no-store",
}


class DeskApp(ClerkRoutes, AnalystRoutes, FiguresRoutes):
    """The desk's handlers: every route's, on what they share."""


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
