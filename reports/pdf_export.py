"""bulletin.pdf: bulletin.docx converted by LibreOffice headless (soffice --convert-to pdf).

Why LibreOffice and not Chromium printing bulletin.html: the PDF is then the Word document itself,
page for page, so what an editor opens in Word or WPS and what is printed or mailed are one
layout, and one test reading the PDF back checks both (rows not split, header rows repeated, page
numbers). LibreOffice embeds the fonts it uses (subset) in every PDF it writes. Debian's
libreoffice-writer-nogui is installed by scripts/setup_office.sh, which `make report` calls.

The conversion costs seconds (LibreOffice starts afresh each time), so a run starts it as soon as
the DOCX is written and collects it before the site is written (which links it): it runs beside
the figures desk's exports. Each conversion has its own profile and HOME, so two never share one,
and a fontconfig file that maps the document's 宋体/黑体 to Noto Serif/Sans CJK SC where the
Windows fonts are missing (FONT_ALIASES).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180
MISSING = (
    "未找到 LibreOffice（soffice 命令），本次不生成 bulletin.pdf（其余文件照常生成）。"
    "安装：bash scripts/setup_office.sh（make report 会自动运行它）。"
)
# The Windows fonts the DOCX names, mapped to the Noto CJK fonts (their Latin glyphs match them)
# where they are missing: without this LibreOffice sets 宋体 in a sans-serif and digits in DejaVu.
FONT_ALIASES = {
    "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC",
    "Times New Roman": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
    "Arial": "Noto Sans CJK SC",
}


class PdfFailed(RuntimeError):
    """LibreOffice did not write the PDF; the message says why, in Chinese."""


def converter() -> str | None:
    """The soffice executable, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _fontconfig(folder: Path) -> Path:
    aliases = "\n".join(
        f'  <alias binding="same"><family>{name}</family><prefer><family>{font}</family></prefer></alias>'
        for name, font in FONT_ALIASES.items()
    )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"{aliases}\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


class PdfConversion:
    """One DOCX being converted in the background: `result()` waits and puts <name>.pdf beside the
    DOCX (written whole: it is moved in from a temporary folder), `cancel()` stops it."""

    def __init__(self, docx: Path, soffice: str, timeout: float = TIMEOUT_SECONDS):
        self.docx, self.timeout = Path(docx), timeout
        self.target = self.docx.with_suffix(".pdf")
        self._scratch = tempfile.TemporaryDirectory(prefix="shushuo-pdf-")
        scratch = Path(self._scratch.name)
        (scratch / "out").mkdir()
        env = {**os.environ, "HOME": str(scratch), "FONTCONFIG_FILE": str(_fontconfig(scratch))}
        self._process = subprocess.Popen(
            [
                soffice,
                "--headless",
                "--norestore",
                "--nolockcheck",
                f"-env:UserInstallation={(scratch / 'profile').as_uri()}",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(scratch / "out"),
                str(self.docx),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )

    def result(self) -> Path:
        """Wait for LibreOffice; the PDF's path, or PdfFailed saying why."""
        try:
            output, _ = self._process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.cancel()
            raise PdfFailed(
                f"LibreOffice 转换 {self.docx.name} 超过 {self.timeout:.0f} 秒未完成，未生成 PDF。"
            ) from None
        made = Path(self._scratch.name) / "out" / self.target.name
        try:
            if self._process.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
                said = output.decode("utf-8", "replace").strip()[-300:]
                raise PdfFailed(
                    f"LibreOffice 未能把 {self.docx.name} 转换为 PDF（返回码 {self._process.returncode}）：{said}"
                )
            shutil.move(str(made), self.target)
        finally:
            self._scratch.cleanup()
        return self.target

    def cancel(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._scratch.cleanup()


def start(docx: Path) -> PdfConversion | None:
    """Start converting `docx` beside itself; None when LibreOffice is missing. A PDF left from an
    earlier edition (a release copies its run's folder) is removed first: it would be stale."""
    docx = Path(docx)
    docx.with_suffix(".pdf").unlink(missing_ok=True)
    soffice = converter()
    return PdfConversion(docx, soffice) if soffice else None


def convert(docx: Path) -> Path:
    """Convert and wait (tests, a release): the PDF's path; PdfFailed when LibreOffice is missing
    or fails."""
    conversion = start(docx)
    if conversion is None:
        raise PdfFailed(MISSING)
    return conversion.result()
