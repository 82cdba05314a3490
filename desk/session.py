"""Sign-in and sessions: who is signed in (a signed cookie, through Starlette's SessionMiddleware:
HttpOnly, SameSite=Lax, Secure when served over TLS), the CSRF token every form carries and every
POST checks, the role a route needs, the key signing the cookies, and the sign-in and sign-out
routes (rate-limited per account and per address: desk/accounts.py)."""

from __future__ import annotations

import hmac
import os
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from desk import accounts
from desk.paths import DeskPaths
from desk.store import UploadRefused
from desk.web_base import Denied, DeskBase, NotSignedIn

SESSION_SECONDS = 8 * 3600
HOME = {"clerk": "/clerk", "analyst": "/analyst", "publicity": "/figures/"}


def secret_key(paths: DeskPaths) -> str:
    """The key signing the session cookies, made once (0600) beside the database."""
    path = paths.root / "session.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class SessionRoutes(DeskBase):
    """The signed-in user, CSRF, pages rendered for them, and the sign-in routes."""

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
