"""Fuzzing the file guard and the reader with hypothesis: a real return's data sheet, its XML
mutated (references dropped, moved far, lower-cased or absurd; rows without r; numbers such as
1e308, NaN, inf, 20 digits; odd rows and cells appended). Whatever the mutation, the outcome is a
clean refusal (UnsafeFile, or the file's problem in Chinese) or a read whose rows balance: never
another exception, never a crash. Each example is read in a forked child capped at 2 GiB, so an
escape the guard lets through shows as a failed example, not as a dead test run.

In the suite a few seconds (FUZZ_EXAMPLES examples); by hand, longer:
    SHUSHUO_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_guard_fuzz.py -q"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import resource
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_ingest_workbook_builder import headers_of, write_return

from ingest.find.file_guard import UnsafeFile, inspect_workbook
from ingest.read.reader import INTERNAL_ERROR, read_workbook

KEY = b"guard-fuzz-key" * 3
FUZZ_EXAMPLES = int(os.environ.get("SHUSHUO_FUZZ_EXAMPLES", "12"))
CHILD_MEMORY = 2 << 30
SHEET_PART = "xl/worksheets/sheet2.xml"  # the data sheet, after the cover
INTERNAL = INTERNAL_ERROR.split("（")[0]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _base(folder: Path) -> Path:
    day = dt.date(2018, 7, 1)
    rows = [[f"{i}号站", day, 100.5 * i, i] for i in range(1, 9)]
    return write_return(folder / "base.xlsx", {"送清凉": (headers_of("summer_relief"), rows)})


_BASE_DIR = Path(tempfile.mkdtemp(prefix="guard-fuzz-"))
BASE = _base(_BASE_DIR)
with zipfile.ZipFile(BASE) as _archive:
    BASE_PARTS = {info.filename: _archive.read(info) for info in _archive.infolist()}

NUMBERS = st.sampled_from(
    [
        "1e308",
        "-1e308",
        "1e309",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "12345678901234567890",
        "0.000000001",
        "-0",
        "2.5",
        "1e-999",
        "abc",
        "",
        "  ",
        "9" * 400,
        "0x10",
        "1_000",
    ]
)
REFS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "A1",
            "XFD1",
            "A1048576",
            "XFD1048576",
            "XFE1",
            "A1048577",
            "a2",
            "Z9",
            "A0",
            "1",
            "",
            "AAAA1",
            "B" + "9" * 30,
            "C700000",
        ]
    ),
    st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["A", "B", "D", "AA", "ZZ"]), st.integers(1, 2_000_000)),
)
CELL = st.builds(
    lambda ref, t, v, empty: (
        "<c"
        + (f' r="{ref}"' if ref is not None else "")
        + (f' t="{t}"' if t else "")
        + ("/>" if empty else f"><v>{v}</v></c>")
    ),
    REFS,
    st.sampled_from([None, "n", "s", "str", "b", "e"]),
    NUMBERS,
    st.booleans(),
)
ROW = st.builds(
    lambda r, cells, empty: (
        "<row" + (f' r="{r}"' if r is not None else "") + ("/>" if empty else ">" + "".join(cells) + "</row>")
    ),
    st.one_of(st.none(), st.integers(1, 1_100_000), st.sampled_from(["0", "-1", "x", "9" * 20])),
    st.lists(CELL, max_size=6),
    st.booleans(),
)


@st.composite
def mutated_sheet(draw) -> bytes:
    xml = BASE_PARTS[SHEET_PART].decode()
    if draw(st.booleans()):  # drop some cell references
        xml = re.sub(
            r'<c r="[A-Z]+\d+"',
            lambda m: "<c" if draw(st.booleans()) else m.group(),
            xml,
            count=draw(st.integers(0, 40)),
        )
    if draw(st.booleans()):  # drop some row references
        xml = re.sub(r'<row r="\d+"', "<row", xml, count=draw(st.integers(0, 12)))
    if draw(st.booleans()):  # odd numbers in place of typed ones
        xml = re.sub(
            r"<v>(\d+(?:\.\d+)?)</v>", lambda m: f"<v>{draw(NUMBERS)}</v>" if draw(st.booleans()) else m.group(), xml
        )
    extra = "".join(draw(st.lists(ROW, max_size=4)))
    if draw(st.booleans()):  # a bare row, thousands of bare cells long
        extra += "<row>" + "<c><v>1</v></c>" * draw(st.sampled_from([10, 3_000, 16_385, 40_000])) + "</row>"
    return xml.replace("</sheetData>", extra + "</sheetData>").encode()


def _workbook(folder: Path, sheet: bytes) -> Path:
    path = folder / "fuzzed.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in BASE_PARTS.items():
            archive.writestr(name, sheet if name == SHEET_PART else data)
    return path


def _in_child(path: Path) -> tuple[str, object]:
    """(how it ended, what it said): the guard and the reader run in a forked child capped in
    memory; "crash" if the child died (the parent keeps going)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
            try:
                inspect_workbook(path)
                guard = "passed"
            except UnsafeFile as refused:
                guard = refused.reason
            outcome = read_workbook(path, path.parent, KEY)
            for sheet in outcome.file.sheets:
                sheet.check_identity()
            answer = ("read", (guard, outcome.file.status, [p.reason for p in outcome.problems]))
        except BaseException as error:
            answer = ("raised", f"{type(error).__name__}: {error}"[:500])
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps(answer))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data or os.WIFSIGNALED(status):
        return "crash", f"child ended with status {status}"
    return pickle.loads(data)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=FUZZ_EXAMPLES <= 50,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_sheet())
def test_a_mutated_return_is_refused_cleanly_or_read_never_a_crash(sheet):
    with tempfile.TemporaryDirectory(prefix="guard-fuzz-") as folder:
        how, said = _in_child(_workbook(Path(folder), sheet))
    assert how == "read", said
    guard, status, reasons = said
    event(f"guard {'passed' if guard == 'passed' else 'refused'}, file {status}")  # --hypothesis-show-statistics
    assert status in ("loaded", "cover_invalid", "unreadable")
    assert all(CJK.search(reason) for reason in reasons)
    assert not any(reason.startswith(INTERNAL) for reason in reasons), reasons  # a bug, not a refusal
    if guard != "passed":
        assert status == "unreadable" and guard in reasons


def test_the_unmutated_base_is_read():
    with tempfile.TemporaryDirectory(prefix="guard-fuzz-") as folder:
        how, said = _in_child(_workbook(Path(folder), BASE_PARTS[SHEET_PART]))
    assert how == "read" and said[0] == "passed" and said[1] == "loaded", said
