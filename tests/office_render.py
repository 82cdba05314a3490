"""Render documents the way a reader's office suite does: LibreOffice headless converts them to
PDF, poppler reads the PDF back (page count, page sizes, text per page, fonts, links).

LibreOffice missing is a failure, not a skip: run scripts/setup_office.sh (what `make test` does).
Each conversion runs with its own LibreOffice profile, so that tests running beside another
LibreOffice (a user's, another test run's) neither wait for it nor fail silently."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

A4_POINTS = (595, 842)  # portrait, rounded


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise AssertionError(
            "找不到 LibreOffice（soffice）：请运行 scripts/setup_office.sh"
            "（或 apt-get install -y libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils"
            " fonts-noto-cjk）后再测。"
        )
    return path


def to_pdf(files: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Each file converted to PDF in out_dir, in one LibreOffice start; source → PDF."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    made = {f: out_dir / f"{f.stem}.pdf" for f in files}
    missing = [str(f) for f, pdf in made.items() if not pdf.is_file()]
    assert not missing, f"LibreOffice 未能转换：{missing}"
    return made


def _poppler(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=120).stdout


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", str(pdf)), re.M).group(1))


def page_sizes(pdf: Path) -> list[tuple[int, int]]:
    """(width, height) of every page in points, rounded."""
    text = _poppler("pdfinfo", "-f", "1", "-l", str(page_count(pdf)), str(pdf))
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", text)]


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext splits pages with a form feed)."""
    return _poppler("pdftotext", "-layout", str(pdf), "-").split("\f")[: page_count(pdf)]


def fonts(pdf: Path) -> list[str]:
    """The names of the fonts embedded in the PDF."""
    lines = _poppler("pdffonts", str(pdf)).splitlines()[2:]
    return [line.split()[0] for line in lines if line.split() and " yes " in f" {line} "]


def links(pdf: Path) -> list[str]:
    """The link targets (URIs) on the PDF's pages."""
    return [line.split(None, 2)[2] for line in _poppler("pdfinfo", "-url", str(pdf)).splitlines()[1:] if line.strip()]
