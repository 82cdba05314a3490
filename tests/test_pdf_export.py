"""reports/pdf_export.py: LibreOffice started before its DOCX exists (Office) converts the one handed
to it and leaves nothing running; one that gets no DOCX is ended. Needs LibreOffice (installed by
scripts/setup_office.sh, which make test runs)."""

from __future__ import annotations

import time
from pathlib import Path

import docx
import pytest

from reports import pdf_export
from tests.pdf_reading import image_encodings, page_texts

pytestmark = pytest.mark.skipif(pdf_export.converter() is None, reason="LibreOffice 未安装")


def _docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("数说工会：京卡办卡率")
    document.save(path)
    return path


def _gone(process) -> bool:
    """Nothing of the process group soffice was started in still runs. LibreOffice's gpg helpers
    may be left as zombies for init to reap; they run nothing."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        state, group = fields[0], int(fields[2])
        if group == process.pid and state != "Z":
            return False
    return True


def _running_office(office: pdf_export.Office, seconds: float = 60) -> None:
    """Wait until the office takes jobs. Its socket is there early, a second before it does; the
    end of its start is the check of its graphics that LibreOffice 7.4 writes into a new profile
    (GraphicsRenderTests.log), else five seconds after the socket."""
    deadline = time.monotonic() + seconds
    while not office._profile.pipe.exists():
        assert time.monotonic() < deadline, "LibreOffice did not start"
        time.sleep(0.05)
    ready = office._profile.path / "profile" / "user" / "GraphicsRenderTests.log"
    deadline = min(deadline, time.monotonic() + 5)
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_an_office_started_early_converts_the_docx_handed_to_it_and_leaves(tmp_path):
    office = pdf_export.Office.start()
    assert office is not None
    started, profile = office._process, office._profile
    _running_office(office)
    (tmp_path / "bulletin.pdf").write_bytes(b"%PDF- an earlier edition")
    conversion = office.convert(_docx(tmp_path / "bulletin.docx"))
    assert not (tmp_path / "bulletin.pdf").exists(), "the earlier edition's PDF is removed first"
    pdf = conversion.result()
    assert pdf == tmp_path / "bulletin.pdf" and "京卡办卡率" in page_texts(pdf)[0]
    assert _gone(started) and not profile.path.exists() and not profile.pipe.exists()


def test_the_office_itself_does_the_conversion(tmp_path):
    """The hand-over is what saves the start: the office started early writes the PDF, the second
    soffice only passes the job on (its own output says nothing of a conversion)."""
    office = pdf_export.Office.start()
    assert office is not None
    _running_office(office)
    conversion = office.convert(_docx(tmp_path / "bulletin.docx"))
    output, _ = conversion._process.communicate(timeout=120)
    office._process.wait(timeout=30)  # it ends by itself once done, and its output is written then
    log = office.said()
    conversion.result()
    said = output.decode("utf-8", "replace")
    assert "convert" in log and "convert" not in said, (log, said)


def test_an_office_that_gets_no_docx_is_ended_with_its_profile():
    office = pdf_export.Office.start()
    assert office is not None
    started, profile = office._process, office._profile
    _running_office(office)
    office.close()
    assert _gone(started) and not profile.path.exists()
    assert not profile.pipe.exists(), "the socket a killed LibreOffice leaves is removed"
    office.close()  # twice is harmless (a failed run's stop_background after a stage's own)


def test_a_failed_run_ends_the_office_it_started(tmp_path):
    from shushuo.manifest import Manifest
    from shushuo.run_context import RunContext

    ctx = RunContext(tmp_path, tmp_path, tmp_path, "run", b"k", Manifest("run", {}), print, print)
    ctx.office = pdf_export.Office.start()
    started, profile = ctx.office._process, ctx.office._profile
    _running_office(ctx.office)
    ctx.stop_background()
    assert ctx.office is None and _gone(started)
    assert not profile.path.exists() and not profile.pipe.exists()


def test_without_libreoffice_no_office_is_started(monkeypatch):
    monkeypatch.setattr(pdf_export.shutil, "which", lambda name: None)
    assert pdf_export.Office.start() is None


def test_the_charts_keep_their_resolution_in_the_pdf(tmp_path):
    """Writer's export would resample the charts to 300 dpi (this one to 1500 pixels; the bulletin's
    to JPEG as well: blurred lines, 0.8 s); the PDF keeps them as drawn, losslessly."""
    from PIL import Image, ImageDraw

    chart = tmp_path / "chart.png"
    image = Image.new("RGB", (2000, 1000), "white")
    drawing = ImageDraw.Draw(image)
    for bar in range(12):  # a bar chart's bars, grid lines and labels
        drawing.rectangle((100, 40 + bar * 75, 300 + bar * 130, 90 + bar * 75), fill=(180, 30, 30))
        drawing.line((0, 20 + bar * 80, 2000, 20 + bar * 80), fill=(200, 200, 200), width=2)
        drawing.text((20, 50 + bar * 75), f"单位 {bar} 95.{bar}%", fill="black")
    image.save(chart)
    document = docx.Document()
    document.add_picture(str(chart), width=docx.shared.Inches(5))
    document.save(tmp_path / "bulletin.docx")
    conversion = pdf_export.start(tmp_path / "bulletin.docx")
    assert conversion is not None
    encodings = image_encodings(conversion.result())
    assert encodings and "jpeg" not in {encoding for encoding, _ in encodings}
    assert {width for _, width in encodings} == {2000}


KILLED_RUN = """
import sys, time
from reports import pdf_export
office = pdf_export.Office.start()
while not office._profile.pipe.exists():
    time.sleep(0.1)
print(office._process.pid, office._profile.path, office._profile.pipe, flush=True)
time.sleep(600)
"""


def test_the_office_of_a_run_killed_with_kill_9_ends_too():
    """A run killed while dbt builds cannot close its office: the kernel tells the office (setpriv's
    parent-death signal), and timeout ends what LibreOffice started. What the run could not remove
    (the profile, the socket) the next office started removes."""
    import shutil
    import signal
    import subprocess
    import sys

    run = subprocess.Popen([sys.executable, "-c", KILLED_RUN], stdout=subprocess.PIPE, text=True)
    try:
        office, profile, pipe = run.stdout.readline().split()
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
        run.stdout.close()

    class Started:
        pid = int(office)

    try:
        deadline = time.monotonic() + pdf_export.Office.KILL_AFTER + 20
        while not _gone(Started):
            assert time.monotonic() < deadline, "LibreOffice outlived the run that started it"
            time.sleep(0.2)
        assert Path(profile).is_dir(), "the killed run could not remove its profile"
        next_office = pdf_export.Office.start()  # the next run's
        assert next_office is not None
        next_office.close()
        assert not Path(profile).exists() and not Path(pipe).exists(), "the next office removes them"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        Path(pipe).unlink(missing_ok=True)
