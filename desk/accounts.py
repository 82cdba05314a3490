"""Accounts, sign-in and its rate limit. Passwords are hashed with Argon2id (argon2-cffi); the
initial password is random and printed once by `shushuo desk add-user`."""

from __future__ import annotations

import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from desk.db import Database, now
from domain.schema import units

ROLES = {"clerk": "填报员", "analyst": "统计分析员", "publicity": "宣传处"}
# Sign-in attempts: at most FAILURES_ALLOWED failures per account, and FAILURES_ALLOWED_PER_ADDRESS
# from one address (several clerks of an office may share one), in WINDOW_SECONDS.
FAILURES_ALLOWED = 5
FAILURES_ALLOWED_PER_ADDRESS = 20
WINDOW_SECONDS = 15 * 60
_hasher = PasswordHasher()
# A hash to verify against when the account does not exist, so that the answer takes as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A Chinese message for whoever creates the account."""


def unit_codes() -> dict[str, str]:
    return {unit.code: unit.name for unit in units()}


def add_user(db: Database, role: str, unit_code: str | None, username: str | None = None) -> tuple[str, str]:
    """Create an account; returns (username, initial password). A clerk belongs to one unit and
    sees only it; the analyst and the publicity office see the district."""
    if role not in ROLES:
        raise AccountError(f"角色应为 {' | '.join(ROLES)}，收到：{role}")
    codes = unit_codes()
    if unit_code is not None:
        unit_code = unit_code.upper()
        if unit_code not in codes:
            raise AccountError(f"没有代码为 {unit_code} 的填报单位（见 domain/units.yaml）：{'、'.join(codes)}")
    if role == "clerk" and unit_code is None:
        raise AccountError("填报员账号须用 --unit 指明所属单位，例如 --unit S01")
    username = (username or ((unit_code or "").lower() if role == "clerk" else role)).strip()
    if not username or len(username) > 64 or any(ch.isspace() for ch in username):
        raise AccountError("用户名须为 1–64 个字符，不含空格")
    taken = {row["username"].casefold() for row in db.all("select username from users")}
    base, number = username, 2
    while username.casefold() in taken:
        username, number = f"{base}{number}", number + 1
    password = secrets.token_urlsafe(12)
    db.execute(
        "insert into users (username, role, unit_code, password_hash, created_at) values (?, ?, ?, ?, ?)",
        username,
        role,
        unit_code,
        _hasher.hash(password),
        now(),
    )
    return username, password


def too_many_failures(db: Database, username: str, client: str) -> bool:
    since = time.time() - WINDOW_SECONDS
    for key, allowed in (
        (f"user:{username.casefold()}", FAILURES_ALLOWED),
        (f"client:{client}", FAILURES_ALLOWED_PER_ADDRESS),
    ):
        row = db.row("select count(*) as n from sign_in_failures where key = ? and at > ?", key, since)
        if row["n"] >= allowed:
            return True
    return False


def sign_in(db: Database, username: str, password: str, client: str):
    """The user's row when the password is right, else None (the failure is recorded)."""
    user = db.one("select * from users where username = ? and disabled = 0", username)
    try:
        ok = _hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        at = time.time()
        for key in (f"user:{username.casefold()}", f"client:{client}"):
            db.execute("insert into sign_in_failures (key, at) values (?, ?)", key, at)
        return None
    db.execute("delete from sign_in_failures where key = ?", f"user:{username.casefold()}")
    return user


def reset_password(db: Database, username: str) -> str:
    """A new random password for the account (printed once); its sign-in failures are forgotten."""
    user = db.one("select * from users where username = ?", username)
    if user is None:
        raise AccountError(f"没有用户名为 {username} 的账号")
    password = secrets.token_urlsafe(12)
    db.execute("update users set password_hash = ?, disabled = 0 where id = ?", _hasher.hash(password), user["id"])
    db.execute("delete from sign_in_failures where key = ?", f"user:{username.casefold()}")
    return password


def disable(db: Database, username: str) -> None:
    """The account can no longer sign in, and its open sessions end at their next request."""
    if db.execute("update users set disabled = 1 where username = ?", username) == 0:
        raise AccountError(f"没有用户名为 {username} 的账号")
