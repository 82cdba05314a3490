"""The desk's state: one SQLite file (desk.sqlite3 under the desk folder). Users, the reporting
periods with their deadlines, every upload with its check result, the explanations (上报说明),
the runs started from the desk, sign-in failures (for the rate limit) and the audit log.

One short connection per operation (the server answers from threads); WAL so the board reads
while an upload is written. A kill -9 leaves the file readable: SQLite's journal rolls back a
half-written transaction."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
create table if not exists users (
    id integer primary key,
    username text not null unique collate nocase,
    role text not null check (role in ('clerk', 'analyst', 'publicity')),
    unit_code text,
    password_hash text not null,
    created_at text not null,
    disabled integer not null default 0
);
create table if not exists periods (
    id integer primary key,
    period_start text not null,
    period_end text not null,
    deadline text not null,
    created_at text not null
);
create table if not exists uploads (
    id integer primary key,
    period_id integer not null references periods(id),
    unit_code text not null,
    user_id integer not null references users(id),
    original_name text not null,
    sha256 text not null,
    size integer not null,
    uploaded_at text not null,
    client text,
    state text not null default 'checking',   -- checking | checked
    verdict text,                             -- passed | errors | refused | explain (see desk/checking.py)
    counted integer not null default 0,       -- ingest would count it for the unit and period
    result_json text,
    checked_at text
);
create index if not exists uploads_unit on uploads (period_id, unit_code, id);
create table if not exists explanations (
    id integer primary key,
    upload_id integer not null references uploads(id),
    unit_code text not null,
    rule text not null,
    explanation text not null,
    explained_by text not null,
    explained_at text not null,
    unique (upload_id, rule)
);
create table if not exists runs (
    id integer primary key,
    kind text not null default 'run',         -- run | release
    started_at text not null,
    started_by text not null,
    state text not null,                      -- running | done | failed
    finished_at text,
    run_dir text,
    message text,
    log_path text not null
);
create table if not exists sign_in_failures (
    id integer primary key,
    key text not null,
    at real not null
);
create index if not exists sign_in_failures_key on sign_in_failures (key, at);
create table if not exists audit (
    id integer primary key,
    at text not null,
    username text,
    role text,
    unit_code text,
    action text not null,
    detail text,
    client text
);
"""


def now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("pragma journal_mode=wal")
            con.executescript(SCHEMA)
        finally:
            con.close()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction: committed on leaving, rolled back on an error."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("pragma foreign_keys=on")
        con.execute("pragma busy_timeout=30000")
        try:
            con.execute("begin immediate")
            yield con
            con.execute("commit")
        except BaseException:
            if con.in_transaction:
                con.execute("rollback")
            raise
        finally:
            con.close()

    def one(self, sql: str, *args) -> sqlite3.Row | None:
        with self.connect() as con:
            return con.execute(sql, args).fetchone()

    def row(self, sql: str, *args) -> sqlite3.Row:
        """The one row a query must find (an id the desk itself wrote); LookupError if it is gone."""
        found = self.one(sql, *args)
        if found is None:
            raise LookupError(f"报送平台的数据库中找不到应有的记录：{sql}")
        return found

    def all(self, sql: str, *args) -> list[sqlite3.Row]:
        with self.connect() as con:
            return con.execute(sql, args).fetchall()

    def execute(self, sql: str, *args) -> int:
        """Run one statement; returns the new row's id (an insert) or the rows changed."""
        with self.connect() as con:
            cursor = con.execute(sql, args)
            return (cursor.lastrowid or 0) if sql.lstrip().lower().startswith("insert") else cursor.rowcount

    def audit(self, action: str, detail: str = "", *, user=None, client: str | None = None) -> None:
        """Who (the account, its role and unit), when, what, from where."""
        self.execute(
            "insert into audit (at, username, role, unit_code, action, detail, client) values (?, ?, ?, ?, ?, ?, ?)",
            now(),
            user["username"] if user else None,
            user["role"] if user else None,
            user["unit_code"] if user else None,
            action,
            detail,
            client,
        )
