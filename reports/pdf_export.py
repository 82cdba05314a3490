"""bulletin.pdf: bulletin.docx converted by LibreOffice headless (soffice --convert-to pdf).

Why LibreOffice and not Chromium printing bulletin.html: the PDF is then the Word document itself,
page for page, so what an editor opens in Word or WPS and what is printed or mailed are one
layout, and one test reading the PDF back checks both (rows not split, header rows repeated, page
numbers). LibreOffice embeds the fonts it uses (subset) in every PDF it writes. Debian's
libreoffice-writer-nogui is installed by scripts/setup_office.sh, which `make report` calls.

A conversion costs seconds, most of them LibreOffice starting. So a run starts LibreOffice (Office)
while dbt builds the figures, hands it the DOCX as soon as that is written, and collects the PDF
before the site is written (which links it): the conversion runs beside the figures desk's exports.
A release starts its LibreOffice before it writes the bulletin again. Each LibreOffice
has its own profile and HOME, so two never share one, and a fontconfig file that maps the
document's 宋体/黑体 to Noto Serif/Sans CJK SC where the Windows fonts are missing (FONT_ALIASES).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
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


# Writer's PDF export with the charts as they are: by default it resamples every image to 300 dpi
# (the bulletin's charts it then recompressed as JPEG), which blurs the charts' lines and lettering
# and took 0.8 s of the bulletin's 2.3 s conversion (session 12). The charts are PNGs drawn for print.
PDF_FILTER = 'writer_pdf_Export:{"ReduceImageResolution":{"type":"boolean","value":"false"}}'


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


def _profile_url(folder: Path) -> str:
    return (folder / "profile").as_uri()


def _socket(folder: Path) -> Path:
    """The socket through which a second soffice of the profile in `folder` hands its job to the
    first: LibreOffice names it by the MD5 of the profile's URL in UTF-16, each byte in hex
    unpadded (desktop/source/app/officeipcthread.cxx), and removes it when it ends, unless killed."""
    digest = hashlib.md5(_profile_url(folder).encode("utf-16-le"), usedforsecurity=False).digest()
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


class _Profile:
    """A LibreOffice profile and HOME of its own (two LibreOffices never share one), with the
    FONT_ALIASES told to fontconfig; the PDF is written into its out/ folder, then moved."""

    PREFIX = "shushuo-pdf-"  # then the process's id: sweep_left_behind knows whose it was

    def __init__(self, soffice: str):
        self._folder = tempfile.TemporaryDirectory(prefix=f"{self.PREFIX}{os.getpid()}-")
        self.path = Path(self._folder.name)
        (self.path / "out").mkdir()
        self.env = {**os.environ, "HOME": str(self.path), "FONTCONFIG_FILE": str(_fontconfig(self.path))}
        url = _profile_url(self.path)
        self.command = [soffice, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={url}"]
        self.pipe = _socket(self.path)

    @classmethod
    def sweep_left_behind(cls) -> None:
        """Remove the profile folders (and sockets) of processes that are gone without removing
        them: a run killed with kill -9 while its LibreOffice waited. Called when a LibreOffice is
        started, so they do not pile up in the temporary folder."""
        for folder in Path(tempfile.gettempdir()).glob(f"{cls.PREFIX}*-*"):
            owner = folder.name[len(cls.PREFIX) :].split("-")[0]
            if owner.isdigit() and not _alive(int(owner)):
                shutil.rmtree(folder, ignore_errors=True)
                with contextlib.suppress(OSError):
                    _socket(folder).unlink(missing_ok=True)

    def start(self, arguments: list[str], output) -> subprocess.Popen:
        """soffice with this profile, in a process group of its own (soffice starts soffice.bin
        below itself: stop() ends both)."""
        return subprocess.Popen(
            [*self.command, *arguments],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            start_new_session=True,
        )

    def stop(self, process: subprocess.Popen | None, grace: float = 0.0) -> None:
        """End a soffice of this profile with what it started: it may take `grace` seconds to end
        by itself (one that has just converted ends within a tenth of a second), then it is killed,
        and the socket it could not remove is removed."""
        if process is None or process.poll() is not None:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):  # ended meanwhile
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.pipe.unlink(missing_ok=True)

    def cleanup(self) -> None:
        """The profile folder, and the socket of a LibreOffice that did not end by its own close
        (killed by timeout, crashed): the name is this profile's alone."""
        self._folder.cleanup()
        self.pipe.unlink(missing_ok=True)


class Office:
    """A LibreOffice started before its document exists: it loads (about a second) while the run
    builds the figures, then converts the one DOCX handed to it by `convert()` and ends. The
    handing over is LibreOffice's own: a second soffice with the same profile passes its
    --convert-to to the one running and waits until it is done. When the first has died or is
    not ready yet, the second converts by itself, as `start()` does. `close()` ends it when no
    DOCX comes (a run that failed).

    A run killed meanwhile (kill -9, the memory running out) cannot close it, so it is started
    under util-linux's setpriv, which has the kernel send it SIGTERM when the thread that started
    it ends (start it from the run's main thread), and coreutils' timeout, which passes that on to
    everything LibreOffice started and kills what is left KILL_AFTER seconds later; and which ends it
    after LIFETIME_SECONDS in any case (a run whose DOCX comes later than that converts it with a
    LibreOffice of its own, as start() does). Its profile folder and socket, which the killed run
    could not remove, are removed by the next Office started (_Profile.sweep_left_behind). Where
    either tool is missing, LibreOffice is started without it."""

    LIFETIME_SECONDS = 1800
    KILL_AFTER = 5

    def __init__(self, soffice: str):
        self.soffice = soffice
        self._profile: _Profile | None = _Profile(soffice)
        self._log_path = self._profile.path / "office.log"
        setpriv, timeout = shutil.which("setpriv"), shutil.which("timeout")
        bounded = [
            *([setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []),
            *([timeout, "--kill-after", str(self.KILL_AFTER), str(self.LIFETIME_SECONDS)] if timeout else []),
        ]
        with self._log_path.open("wb") as log:
            self._process: subprocess.Popen | None = subprocess.Popen(
                [*bounded, *self._profile.command],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._profile.env,
                start_new_session=True,
            )

    @classmethod
    def start(cls) -> Office | None:
        """None when LibreOffice is not installed."""
        soffice = converter()
        if soffice is None:
            return None
        _Profile.sweep_left_behind()
        return cls(soffice)

    def convert(self, docx: Path, timeout: float = TIMEOUT_SECONDS) -> PdfConversion:
        """Hand `docx` over; the conversion owns this office from here on (its result() or
        cancel() ends it)."""
        assert self._profile is not None, "an office converts one DOCX"
        _remove_stale(docx)
        return PdfConversion(Path(docx), self.soffice, timeout, profile=self._profile, office=self)

    def said(self) -> str:
        """What the office wrote (why a conversion handed to it failed)."""
        try:
            return self._log_path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self, grace: float = 0.0) -> None:
        """End it (after `grace` seconds to end by itself) and remove its profile."""
        if self._profile is None:
            return
        self._profile.stop(self._process, grace)
        self._profile.cleanup()
        self._profile = self._process = None


class PdfConversion:
    """One DOCX being converted in the background: `result()` waits and puts <name>.pdf beside the
    DOCX (written whole: it is moved in from a temporary folder), `cancel()` stops it. `office`:
    the Office it is handed to (`profile` is its profile), ended with the conversion."""

    # For the office to end by itself once its conversion is done (it takes a tenth of a second). One
    # that was not ready when the DOCX came (the second soffice then converted by itself) never
    # would: it is ended after this.
    GRACE_SECONDS = 1.0

    def __init__(
        self,
        docx: Path,
        soffice: str,
        timeout: float = TIMEOUT_SECONDS,
        *,
        profile: _Profile | None = None,
        office: Office | None = None,
    ):
        self.docx, self.timeout = Path(docx), timeout
        self.target = self.docx.with_suffix(".pdf")
        self._profile = profile or _Profile(soffice)
        self._office = office
        out = str(self._profile.path / "out")
        self._process = self._profile.start(
            ["--convert-to", f"pdf:{PDF_FILTER}", "--outdir", out, str(self.docx)], subprocess.PIPE
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
        made = self._profile.path / "out" / self.target.name
        try:
            if self._process.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
                said = output.decode("utf-8", "replace").strip()
                if self._office is not None:
                    said = f"{self._office.said().strip()}\n{said}".strip()
                code = self._process.returncode
                raise PdfFailed(f"LibreOffice 未能把 {self.docx.name} 转换为 PDF（返回码 {code}）：{said[-300:]}")
            shutil.move(str(made), self.target)
        finally:
            self._end(self.GRACE_SECONDS)
        return self.target

    def cancel(self) -> None:
        self._end(0.0)

    def _end(self, grace: float) -> None:
        self._profile.stop(self._process, grace)
        if self._office is not None:
            self._office.close(grace)  # removes the profile they share
        else:
            self._profile.cleanup()


def _remove_stale(docx: Path) -> None:
    """A PDF left from an earlier edition (a release copies its run's folder) would be stale."""
    Path(docx).with_suffix(".pdf").unlink(missing_ok=True)


def start(docx: Path) -> PdfConversion | None:
    """Start converting `docx` beside itself in a LibreOffice started now; None when LibreOffice is
    missing. A PDF left from an earlier edition is removed first (_remove_stale)."""
    _remove_stale(docx)
    soffice = converter()
    return PdfConversion(Path(docx), soffice) if soffice else None
