"""Names of the files and sheets the project writes, made from what clerks wrote (a unit's name,
a sheet's name, a file's name): the one place such a name is made safe and unique.

- A file name: no character Windows refuses (\\ / : * ? " < > |), no control character or
  space, no leading or trailing dot, not a name Windows reserves (CON, NUL, COM1…), and at most
  MAX_FILE_NAME_BYTES bytes in UTF-8 with its ending (Linux allows 255 bytes a name; a Chinese
  character takes 3, so 85 of them are already too many).
- An Excel sheet name: at most 31 characters, none of [ ] : * ? / \\, not starting or ending
  with an apostrophe, not empty, not History (Excel reserves it).
- Unique among the names made together (and those given as taken), ignoring case as Excel and
  Windows do: a later name that would repeat an earlier one gets _2, _3… within the length limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

MAX_FILE_NAME_BYTES = 240  # under the 255 of ext4 and NTFS, with room for a copy's " (2)"
MAX_SHEET_NAME_CHARS = 31
_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]+")
_WINDOWS_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$")


def file_names(wanted: Iterable[str], ending: str = "", taken: Iterable[str] = ()) -> list[str]:
    """Safe, distinct file names, each `wanted` text (made safe, shortened if it must) + `ending`
    (e.g. "_整改清单.xlsx", kept whole)."""

    def clean(text: str) -> str:
        name = _FILE_UNSAFE.sub("_", text).strip("._") or "文件"
        return f"_{name}" if _WINDOWS_RESERVED.match(name + ending) else name

    return _distinct(
        wanted, clean, lambda name: len((name + ending).encode("utf-8")) <= MAX_FILE_NAME_BYTES, ending, taken
    )


def sheet_names(wanted: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Safe, distinct Excel sheet names for `wanted`, none equal to one in `taken`."""

    def clean(text: str) -> str:
        name = _SHEET_UNSAFE.sub("_", text).strip("'") or "Sheet"
        return f"{name}_" if name.casefold() == "history" else name

    return _distinct(wanted, clean, lambda name: len(name) <= MAX_SHEET_NAME_CHARS, "", taken)


def _distinct(
    wanted: Iterable[str], clean: Callable[[str], str], fits: Callable[[str], bool], ending: str, taken: Iterable[str]
) -> list[str]:
    seen = {(name + ending).casefold() for name in taken} | {name.casefold() for name in taken}
    made = []
    for text in wanted:
        base = clean(text)
        number = 1
        while True:
            name = _shortened(base, "" if number == 1 else f"_{number}", fits)
            if (name + ending).casefold() not in seen:
                break
            number += 1
        seen.add((name + ending).casefold())
        made.append(name + ending)
    return made


def _shortened(base: str, tail: str, fits: Callable[[str], bool]) -> str:
    """base + tail, dropping characters from the end of base until it fits (whole characters,
    so a UTF-8 name is never cut inside a character)."""
    keep = len(base)
    while keep > 0 and not fits(base[:keep] + tail):
        keep -= 1
    if keep == len(base):
        return base + tail
    return (base[:keep].rstrip("._ ") or base[:1]) + tail
