"""Reading a PDF back as a reader's software does (poppler's pdftotext, pdfinfo, pdffonts; Debian's
poppler-utils, installed by scripts/setup_office.sh with LibreOffice)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

INSTALL = "找不到 {tool}：请运行 bash scripts/setup_office.sh（安装 LibreOffice、poppler-utils 和 Noto CJK 字体）"


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, INSTALL.format(tool=name)
    return found


def page_texts(pdf: Path) -> list[str]:
    """The text of each page in the order it was drawn (-raw: a table cell's lines stay together),
    with all white space removed (pdftotext spaces Latin from Chinese and breaks cell lines)."""
    text = subprocess.run([_tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = text.decode("utf-8").split("\f")
    return [re.sub(r"\s+", "", page) for page in (pages[:-1] if pages[-1].strip() == "" else pages)]


def page_count(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))


def fonts(pdf: Path) -> list[dict]:
    """pdffonts' table: name, embedded (emb), subset (sub), one dict per font."""
    lines = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, check=True, text=True).stdout
    rows = []
    for line in lines.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation: the flags are the 5th–3rd from the end
        rows.append({"name": parts[0], "emb": parts[-5] == "yes", "sub": parts[-4] == "yes"})
    return rows


def image_encodings(pdf: Path) -> list[tuple[str, int]]:
    """(encoding, width in pixels) of each image in the PDF (pdfimages -list; masks left out):
    "jpeg" for a JPEG, "image" for a lossless (Flate) one."""
    listing = subprocess.run([_tool("pdfimages"), "-list", str(pdf)], capture_output=True, check=True, text=True)
    rows = [line.split() for line in listing.stdout.splitlines()[2:]]
    return [(row[8], int(row[3])) for row in rows if len(row) > 8 and row[2] == "image"]
