"""The analyst's run button runs the pipeline on the desk's inbox, and `make report INPUT=<inbox>`
then finds nothing changed: the same inputs, parameters and code, so the same result (the run's
fingerprint, shushuo/unchanged.py). The run's outputs are linked from its page. The release button
releases it (as `make release`), and the publicity office then reads the released site."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from desk_helpers import PERIOD, TEST_KEY, csrf_of, make_desk, sign_in, upload
from starlette.testclient import TestClient

from desk import runs
from desk.app import create_app
from shushuo.run import RunOptions, run
from tests.test_desk_warm_runner import _has_open


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("SHUSHUO_KEY", TEST_KEY)


def test_the_run_button_and_make_report_on_the_inbox_agree(key, small_demo, tmp_path):
    # the run's and the release's processes started before the press (desk/warm_runner.py), as in service
    desk = make_desk(tmp_path / "desk", build=tmp_path / "build", warm_runs=True)
    returns = sorted(small_demo.glob(f"*_{PERIOD[0].year}年度.xlsx"))
    assert len(returns) == 17
    with TestClient(create_app(desk.config), follow_redirects=False) as client:
        for path in returns:  # each unit's clerk would send its own; one account per unit here
            code = next(c for c, u in _units().items() if path.name.startswith(u))
            if code not in ("S03", "S09"):
                from desk.accounts import add_user

                name, password = add_user(desk.db, "clerk", code)
                desk.passwords[name] = password
            client.cookies.clear()
            sign_in(client, code.lower(), desk.passwords[code.lower()])
            assert upload(client, path).status_code == 303
        client.cookies.clear()
        sign_in(client, "analyst", desk.passwords["analyst"])
        assert 'id="rate">100%' in client.get("/analyst").text
        token = csrf_of(client.get("/analyst").text)
        started = client.post("/analyst/run", data={"csrf": token})
        assert started.status_code == 303
        page = started.headers["location"]
        assert _run_by_the_waiting_process(int(page.rsplit("/", 1)[1]), tmp_path / "build")
        again = client.post("/analyst/run", data={"csrf": token})  # pressed again while it runs
        assert again.status_code == 409 and "已有一次运行正在进行" in again.text
        deadline = time.monotonic() + 600
        while 'id="run-state">运行中' in (text := client.get(page).text):
            assert time.monotonic() < deadline, text
            time.sleep(1)
        assert 'id="run-state">完成' in text, text
        bulletin = client.get(page + "/files/bulletin.html")
        assert bulletin.status_code == 200 and "数说工会" in bulletin.text

        released = client.post("/analyst/release", data={"csrf": token, "note": "第一版"})
        assert released.status_code == 303
        # handed to the process the desk started when the run ended
        release_process = runs._processes.get(int(released.headers["location"].rsplit("/", 1)[1]))
        assert release_process is not None and "desk.warm_runner" in release_process.args
        while 'id="run-state">运行中' in (text := client.get(released.headers["location"]).text):
            assert time.monotonic() < deadline, text
            time.sleep(1)
        assert 'id="run-state">完成' in text, text
        client.cookies.clear()
        sign_in(client, "publicity", desk.passwords["publicity"])
        first = client.get("/figures/")
        assert first.headers.get("location") == "/figures/site/index.html", (first.status_code, first.text[:2000])
        site = client.get("/figures/site/index.html")
        assert site.status_code == 200 and "数说工会" in site.text
        links = re.findall(r'href="\.\./([^"#]+)"', site.text)  # the published documents beside the site
        assert "bulletin.html" in links
        for link in links:
            assert client.get(f"/figures/{link}").status_code == 200, link
        for private in ("warehouse.duckdb", "提交情况.xlsx", "manifest.json"):
            assert client.get(f"/figures/{private}").status_code == 404, private
        waiting = runs._runner  # the next press's, started when the release ended
    assert waiting is not None and runs._runner is None  # the desk stopped: so did the waiting process
    assert waiting.process.poll() is not None
    by_hand = run(RunOptions(desk.config.paths.inbox, tmp_path / "build", reuse_unchanged=True), say=lambda *_: None)
    assert [s["stage"] for s in by_hand.manifest.stages] == ["unchanged"]
    assert by_hand.run_dir == (tmp_path / "build" / "current").resolve()


def _units() -> dict[str, str]:
    from domain.schema import units

    return {u.code: u.name for u in units()}


def _run_by_the_waiting_process(run_id: int, build) -> bool:
    """Whether the run's process is the one the desk started before the press (desk/warm_runner.py),
    running the job itself rather than handing it to a new shushuo: its command line once its run holds
    the build folder's lock."""
    process = runs._processes[run_id]
    deadline = time.monotonic() + 120
    while not _has_open(process.pid, build / ".lock"):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    return b"desk.warm_runner" in Path(f"/proc/{process.pid}/cmdline").read_bytes()
