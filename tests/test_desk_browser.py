"""The submission desk in a real browser: Debian's chromium driven by selenium through Debian's
chromium-driver (scripts/setup_desk_browser.sh), against `shushuo serve` on loopback.

A clerk signs in, downloads the template, uploads a return with two bad cells, sees both problems
on the page, downloads the 整改清单, uploads the corrected file and sees 已通过; the analyst's board
then shows the unit as 已通过. A screenshot of each page is written to $SHUSHUO_SCREENSHOTS (or the
test's folder) to look at. A missing browser or driver is a failure, not a skip."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from desk_helpers import BAD_CELLS, TEST_KEY, YUETAN, copy_return, make_desk, spoiled_return

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--window-size=1280,1400",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("desk-browser")
    desk = make_desk(root / "desk")
    port = _free_port()
    env = {**os.environ, "SHUSHUO_KEY": TEST_KEY}
    cli = "import sys; from shushuo.cli import app; sys.argv[0] = 'shushuo'; app()"
    command = [sys.executable, "-c", cli, "serve", "--port", str(port), "--desk-dir", str(desk.root)]
    log = open(root / "server.log", "wb")  # noqa: SIM115 (closed below, after the server stops)
    # no run is pressed here: no waiting run process (desk/warm_runner.py) beside the browser
    process = subprocess.Popen(
        [*command, "--check-workers", "1", "--no-warm-runs"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/login", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("报送平台未能启动：" + (root / "server.log").read_text(errors="replace"))
            time.sleep(0.3)
    yield url, desk
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail("找不到 chromium 或 chromedriver：请运行 scripts/setup_desk_browser.sh 后再测。")
    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium fetch a driver
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('profile')}")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver_ = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    driver_.downloads = downloads
    yield driver_
    driver_.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("SHUSHUO_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _wait_for(condition, seconds: float = 60, what: str = ""):
    """Poll `condition` until it holds; an element that the page replaced while it was read (the form's
    answer arriving) or that is not there yet counts as not yet."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = condition()
        except (StaleElementReferenceException, NoSuchElementException):
            found = None
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"等待超时：{what}")


def _sign_in(browser, url: str, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(url + "/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "sign-in").click()


def _upload(browser, path: Path) -> str:
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, "file").send_keys(str(path))
    browser.find_element(By.ID, "send").click()
    return _wait_for(
        lambda: browser.find_elements(By.ID, "verdict") and browser.find_element(By.ID, "verdict").text,
        what="检查结果页",
    )


def test_clerk_corrects_a_return_and_the_analyst_sees_it(server, browser, shots, small_demo, tmp_path):
    from selenium.webdriver.common.by import By

    url, desk = server
    _sign_in(browser, url, "s03", desk.passwords["s03"])
    _wait_for(lambda: browser.find_elements(By.ID, "status"), what="填报员首页")
    assert browser.find_element(By.ID, "status").text == "未报"
    browser.save_screenshot(str(shots / "1_clerk_home.png"))

    browser.find_element(By.ID, "template").click()
    template = _wait_for(lambda: list(browser.downloads.glob("*.xlsx")), what="下载模板")[0]
    assert template.name == YUETAN

    assert _upload(browser, spoiled_return(small_demo, tmp_path / "bad")) == "有误"
    rows = browser.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    cells = set()
    for row in rows:
        sheet, line, column = (td.text for td in row.find_elements(By.TAG_NAME, "td")[:3])
        cells.add((sheet, f"{column}{line}"))
    assert cells == set(BAD_CELLS)
    browser.save_screenshot(str(shots / "2_clerk_two_problems.png"))

    browser.find_element(By.ID, "feedback").click()
    listing = _wait_for(lambda: list(browser.downloads.glob("*整改清单.xlsx")), what="下载整改清单")[0]
    assert listing.stat().st_size > 0

    browser.get(url + "/clerk")
    assert _upload(browser, copy_return(small_demo, YUETAN, tmp_path / "good")) == "已通过"
    browser.save_screenshot(str(shots / "3_clerk_passed.png"))
    browser.get(url + "/clerk")
    assert browser.find_element(By.ID, "status").text == "已通过"

    browser.find_element(By.CSS_SELECTOR, "header form button").click()  # 退出
    _sign_in(browser, url, "analyst", desk.passwords["analyst"])
    row = _wait_for(lambda: browser.find_elements(By.ID, "unit-S03"), what="报送情况")[0]
    assert "已通过" in row.text
    assert "未报" in browser.find_element(By.ID, "unit-S09").text
    assert browser.find_element(By.ID, "rate").text == "6%"  # 1 of 17
    browser.save_screenshot(str(shots / "4_analyst_board.png"))


def test_clerk_answers_a_warning_with_an_explanation(server, browser, shots, small_demo, tmp_path):
    """A return whose 填报日期 lies in the future is read (a 请核对 warning, not held): 待说明 until
    the clerk writes an 上报说明 on the page, then 已通过."""
    import datetime as dt

    import openpyxl
    from desk_helpers import TIANQIAO
    from selenium.webdriver.common.by import By

    url, desk = server
    book = openpyxl.load_workbook(small_demo / TIANQIAO)
    book["填报说明"]["B8"].value = dt.datetime(2099, 1, 1)
    path = tmp_path / TIANQIAO
    book.save(path)
    browser.delete_all_cookies()
    _sign_in(browser, url, "s09", desk.passwords["s09"])
    _wait_for(lambda: browser.find_elements(By.ID, "file"), what="填报员首页")
    assert _upload(browser, path) == "待说明"
    browser.save_screenshot(str(shots / "5_clerk_warning.png"))
    browser.find_element(By.CSS_SELECTOR, "form.explain textarea").send_keys("填报日期按区总工会通知填写")
    browser.find_element(By.CSS_SELECTOR, "form.explain button").click()
    _wait_for(lambda: browser.find_element(By.ID, "verdict").text == "已通过", what="说明后的检查结果")
    assert "填报日期按区总工会通知填写" in browser.find_element(By.ID, "warnings").text
    browser.save_screenshot(str(shots / "6_clerk_explained.png"))


def test_the_sign_in_page_and_a_refused_upload_read_well(server, browser, shots, tmp_path):
    from selenium.webdriver.common.by import By

    url, desk = server
    browser.delete_all_cookies()
    browser.get(url + "/login")
    browser.save_screenshot(str(shots / "0_sign_in.png"))
    _sign_in(browser, url, "s09", desk.passwords["s09"])
    _wait_for(lambda: browser.find_elements(By.ID, "file"), what="填报员首页")
    notes = tmp_path / "说明.txt"
    notes.write_text("不是报表", encoding="utf-8")
    browser.find_element(By.ID, "file").send_keys(str(notes))
    browser.find_element(By.ID, "send").click()
    reason = _wait_for(lambda: browser.find_elements(By.ID, "reason"), what="拒收页面")[0]
    assert ".xlsx" in reason.text
    browser.save_screenshot(str(shots / "7_refused_upload.png"))
