"""Receiving an upload: the request body is parsed as it streams in (python-multipart), the file
part written to a temporary file under incoming/ with its size counted as it comes, and refused
the moment it passes the limit — before the file is complete on disk. A complete file is then
moved atomically into the content-addressed store (store/ab/abcdef…, read-only, never
overwritten). A server killed mid-upload leaves at most a file in incoming/, which no one reads
and which is removed at the next start."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

FIELD_LIMIT = 64 << 10  # a form field (the CSRF token) is short
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


class UploadRefused(Exception):
    """`reason` is Chinese and says what to do; `status` the HTTP status to answer with."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def too_large(limit: int) -> UploadRefused:
    return UploadRefused(
        f"文件超过 {limit / (1 << 20):.0f} MB 的上限，未接收。报表通常只有几 MB：请检查是否选错了文件。", 413
    )


@dataclass
class Received:
    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None  # the temporary file under incoming/
    filename: str | None = None
    size: int = 0
    sha256: str | None = None


class _FormReader:
    """python-multipart's callbacks for one request: fields kept in memory (short), the file part
    written to incoming/ as it comes, counted and hashed."""

    def __init__(self, incoming: Path, limit: int, token_ok: Callable[[str], bool]):
        self.incoming, self.limit, self.token_ok = incoming, limit, token_ok
        self.got = Received()
        self.digest = hashlib.sha256()
        self.handle = None
        self.header, self.value = b"", b""
        self.on_part_begin()

    def callbacks(self) -> dict:
        names = (
            "part_begin",
            "header_field",
            "header_value",
            "header_end",
            "headers_finished",
            "part_data",
            "part_end",
        )
        return {f"on_{name}": getattr(self, f"on_{name}") for name in names}

    def on_part_begin(self):
        self.headers: dict[str, bytes] = {}
        self.name, self.is_file, self.buffer = None, False, bytearray()

    def on_header_field(self, data, start, end):
        self.header += data[start:end]

    def on_header_value(self, data, start, end):
        self.value += data[start:end]

    def on_header_end(self):
        self.headers[self.header.decode("latin-1").lower()] = self.value
        self.header, self.value = b"", b""

    def on_headers_finished(self):
        _, disposition = parse_options_header(self.headers.get("content-disposition", b""))
        self.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in disposition:
            return
        if self.name != "file" or self.got.path is not None:
            raise UploadRefused("一次只能上传一个文件。")
        if not self.token_ok(self.got.fields.get("csrf", "")):
            raise UploadRefused("页面已过期或来源不明（CSRF 校验未通过）：请刷新页面后重新上传。", 403)
        self.is_file = True
        self.got.filename = disposition[b"filename"].decode("utf-8", "replace")
        fd, name = tempfile.mkstemp(dir=self.incoming, prefix="upload-", suffix=".part")
        self.got.path = Path(name)
        self.handle = os.fdopen(fd, "wb")

    def on_part_data(self, data, start, end):
        chunk = data[start:end]
        if self.is_file:
            self.got.size += len(chunk)
            if self.got.size > self.limit:
                raise too_large(self.limit)
            self.digest.update(chunk)
            self.handle.write(chunk)
            return
        self.buffer += chunk
        if len(self.buffer) > FIELD_LIMIT:
            raise UploadRefused("表单内容过长。")

    def on_part_end(self):
        if not self.is_file and self.name:
            self.got.fields[self.name] = bytes(self.buffer).decode("utf-8", "replace")

    def close(self, keep_file: bool) -> None:
        if self.handle is not None:
            if keep_file:
                self.handle.flush()
                os.fsync(self.handle.fileno())
            self.handle.close()
        if not keep_file and self.got.path is not None:
            self.got.path.unlink(missing_ok=True)


async def receive(
    content_type: str,
    chunks: AsyncIterator[bytes],
    incoming: Path,
    limit: int,
    token_ok: Callable[[str], bool],
) -> Received:
    """Parse a multipart/form-data body with one file field named `file`. The form's `csrf`
    field must come before the file (it does: the page puts it first) and satisfy `token_ok`,
    else nothing of the file is written."""
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused("请用页面上的上传表单报送文件。")
    reader = _FormReader(incoming, limit, token_ok)
    parser = MultipartParser(params[b"boundary"], reader.callbacks())  # type: ignore[arg-type]  # a plain dict of the callbacks it names
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        reader.close(keep_file=False)
        raise UploadRefused("上传的内容不完整或格式不对：请重新上传。") from error
    except BaseException:
        reader.close(keep_file=False)
        raise
    reader.close(keep_file=True)
    if reader.got.path is None:
        raise UploadRefused("没有收到文件：请选择报表文件后再上传。")
    reader.got.sha256 = reader.digest.hexdigest()
    return reader.got


def keep(received: Received, store: Path) -> Path:
    """Move the received file into the store under its hash (atomic; an equal file already there
    is kept and the new copy dropped); the stored file is read-only."""
    assert received.path is not None and received.sha256 is not None, "receive() returns only a whole file"
    target = stored_path(store, received.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        received.path.unlink(missing_ok=True)
    else:
        os.chmod(received.path, 0o444)
        os.replace(received.path, target)
    return target


def stored_path(store: Path, sha256: str) -> Path:
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a SHA-256")
    return store / sha256[:2] / sha256


def clear_incoming(incoming: Path) -> int:
    """Remove what a server stopped mid-upload left; returns how many files."""
    removed = 0
    for path in incoming.glob("upload-*.part"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
