"""Keyed pseudonyms for ID numbers. A plain SHA-256 of a resident ID can be reversed by trying
every ID (minutes on a laptop), so the pseudonym is HMAC-SHA256 under a secret key kept outside
the warehouse and the repository. Persons and cards get separate domains (sub-keys), so a card
number can never collide with, or be linked to, a person's pseudonym by accident.

The same key must be used across periods: a person's pseudonym is only stable under one key."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from ingest.clean.id_batches import birth_years_and_sexes

PSEUDONYM_HEX_CHARS = 32
KEY_ENV = "SHUSHUO_KEY"
# Only for the generated demo data: it lets a demo run be reproduced anywhere. Never for real returns.
DEMO_KEY = b"shushuo-demo-key: not secret, demo data only"
MIN_KEY_BYTES = 16


def key_file() -> Path:
    """~/.config/shushuo/pseudonym.key (or under $XDG_CONFIG_HOME)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "shushuo" / "pseudonym.key"


def _parse_key(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = text.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{where} 中的密钥太短（至少 {MIN_KEY_BYTES} 字节，建议 64 位十六进制字符）")
    return key


def load_key(demo: bool) -> tuple[bytes, str]:
    """(key, where it came from, in Chinese). Order: demo key if asked, $SHUSHUO_KEY, the key
    file; a missing key file is created with a fresh random key and the message says so."""
    if demo:
        return DEMO_KEY, "演示密钥（固定、公开，只能用于演示数据，不能用于真实报表）"
    if os.environ.get(KEY_ENV):
        return _parse_key(os.environ[KEY_ENV], f"环境变量 {KEY_ENV}"), f"环境变量 {KEY_ENV}"
    path = key_file()
    if path.exists():
        return _parse_key(path.read_text(encoding="utf-8"), str(path)), f"密钥文件 {path}"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked in: a process starting at the same moment
    # either finds no file or the whole key, never an empty one; the first link wins.
    fd, written = tempfile.mkstemp(prefix=".pseudonym-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(written, path)
    finally:
        os.unlink(written)
    key = _parse_key(path.read_text(encoding="utf-8"), str(path))
    return key, (
        f"首次使用，已新建随机密钥文件 {path}：请妥善备份。换了密钥，同一人在不同期的假名就对不上了；"
        "密钥不要放进仓库或数据库"
    )


def domain_key(key: bytes, domain: str) -> bytes:
    """A sub-key per kind of identifier ('person', 'card')."""
    return hmac.digest(key, f"shushuo/pseudonym/{domain}".encode(), "sha256")


class Pseudonymiser:
    """Pseudonyms for one domain, cached: the same person appears in many rows and sheets.

    HMAC-SHA256 (RFC 2104) written out with the inner and outer SHA-256 states keyed once:
    identical to hmac.digest(key, value, "sha256") and about twice as fast per value, which
    matters with hundreds of thousands of IDs."""

    def __init__(self, key: bytes, domain: str):
        block = domain_key(key, domain).ljust(64, b"\0")  # 32-byte key: no pre-hashing needed
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._cache: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        found = self._cache.get(value)
        if found is None:
            self._learn([value])
            found = self._cache[value]
        return found

    def _learn(self, values: list[str]) -> None:
        inner_state, outer_state, cache = self._inner.copy, self._outer.copy, self._cache
        for value in values:
            inner = inner_state()
            inner.update(value.encode("ascii"))
            outer = outer_state()
            outer.update(inner.digest())
            cache[value] = outer.hexdigest()[:PSEUDONYM_HEX_CHARS]

    def column(self, values: list) -> list:
        """Pseudonyms of a column (None stays None): only values not seen before are computed
        (set difference in C), then one lookup pass."""
        new = set(values).difference(self._cache)
        new.discard(None)
        if new:
            self._learn(list(new))
        return list(map(self._cache.get, values))


class PersonPseudonymiser(Pseudonymiser):
    """Persons: the pseudonym with the birth year and sex the raw table keeps."""

    def __init__(self, key: bytes):
        super().__init__(key, "person")
        self._years: dict[str, int] = {}
        self._sexes: dict[str, str] = {}

    def _learn(self, values: list[str]) -> None:
        super()._learn(values)
        years, sexes = birth_years_and_sexes(values)
        self._years.update(zip(values, years, strict=True))
        self._sexes.update(zip(values, sexes, strict=True))

    def derived_columns(self, values: list) -> tuple[list, list, list]:
        """(pseudonyms, birth years, sexes) of a column of normalised IDs (None stays None).
        Three lookup passes rather than a list of tuples: cheaper, and no tuple per row."""
        keys = self.column(values)
        return keys, list(map(self._years.get, values)), list(map(self._sexes.get, values))


def pseudonymisers(key: bytes) -> tuple[PersonPseudonymiser, Pseudonymiser]:
    """(persons, cards) for a key: one pair per workbook, whose caches serve the workbook's
    sheets (the same person is in the member list, the cards and the services) and then go."""
    return PersonPseudonymiser(key), Pseudonymiser(key, "card")


def pseudonym(key: bytes, domain: str, value: str) -> str:
    """One pseudonym (hex, 32 characters) of a normalised identifier."""
    return Pseudonymiser(key, domain)(value)
