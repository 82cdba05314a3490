"""Load test of the submission desk on loopback, bounded in count and time: 17 units upload their
returns concurrently, several rounds each, while an analyst polls the board. Checks that no upload
is lost and every upload gets its result; measures the time from sending a return to the clerk's
result page (p50/p95). Results: bench/README.md, "The submission desk under load".

    .venv/bin/python bench/desk_load.py                      # small returns (1 % scale), 3 rounds
    .venv/bin/python bench/desk_load.py --scale 1 --rounds 2 # the demo-size returns

It starts `shushuo serve` in a process of its own on a free port with a fresh desk folder (deleted
at the end), so it measures what a browser would see. tests/test_desk_load.py runs a short version
(marked `load`, not in the default test run: `pytest -m load`)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY = "6c" * 32
CLI = "import sys; from shushuo.cli import app; sys.argv[0] = 'shushuo'; app()"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError("the desk's page has no csrf token")
    return found.group(1)


def _sign_in(client: httpx.Client, username: str, password: str) -> None:
    token = _csrf(client.get("/login").text)
    answer = client.post("/login", data={"csrf": token, "username": username, "password": password})
    assert answer.status_code == 303, answer.text


def _clerk(url, username, password, path: Path, rounds: int, times: list, errors: list, results: list) -> None:
    try:
        with httpx.Client(base_url=url, timeout=600) as client:
            _sign_in(client, username, password)
            for _ in range(rounds):
                token = _csrf(client.get("/clerk").text)
                started = time.perf_counter()
                sent = client.post(
                    "/clerk/upload", data={"csrf": token}, files={"file": (path.name, path.read_bytes())}
                )
                page = client.get(sent.headers["location"])
                times.append(time.perf_counter() - started)
                verdict = re.search(r'id="verdict">([^<]+)<', page.text)
                results.append((username, verdict.group(1) if verdict else None))
    except Exception as error:  # counted and reported; the other clerks go on
        errors.append(f"{username}: {type(error).__name__}: {error}")


def _poll(url, username, password, stop: threading.Event, polls: list, errors: list) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        _sign_in(client, username, password)
        while not stop.is_set():
            started = time.perf_counter()
            answer = client.get("/analyst")
            if answer.status_code != 200:
                errors.append(f"board: {answer.status_code}")
            polls.append(time.perf_counter() - started)
            stop.wait(0.5)


def load_test(returns: Path, period_year: int, rounds: int, check_workers: int = 2, solo_rounds: int = 3) -> dict:
    """Run the load test on the returns of `period_year` in `returns`; returns the measurements."""
    import datetime as dt

    from desk.accounts import add_user
    from desk.db import Database
    from desk.paths import desk_paths
    from desk.season import set_period
    from domain.schema import units

    work = Path(tempfile.mkdtemp(prefix="desk-load-"))
    try:
        paths = desk_paths(work / "desk", work / "build").make()
        db = Database(paths.database)
        set_period(db, dt.date(period_year, 1, 1), dt.date(period_year, 12, 31), dt.date(period_year + 1, 1, 31))
        accounts = {}
        for unit in units():
            accounts[unit.code] = add_user(db, "clerk", unit.code)
        analyst = add_user(db, "analyst", None, "analyst")
        files = {u.code: next(returns.glob(f"{u.name}_{period_year}年度.xlsx")) for u in units()}
        port = _free_port()
        env = {**os.environ, "SHUSHUO_KEY": KEY}
        command = [sys.executable, "-c", CLI, "serve", "--port", str(port), "--desk-dir", str(paths.root)]
        command += ["--build", str(paths.build), "--check-workers", str(check_workers)]
        with open(work / "server.log", "wb") as log:
            server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(url + "/login", timeout=2)
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((work / "server.log").read_text(errors="replace")) from None
                    time.sleep(0.3)
            # alone first: the largest return, sent by its unit while nothing else happens
            largest = max(files, key=lambda code: files[code].stat().st_size)
            solo: list[float] = []
            errors: list[str] = []
            solo_results: list[tuple[str, str | None]] = []
            _clerk(url, *accounts[largest], files[largest], solo_rounds, solo, errors, solo_results)
            times: list[float] = []
            results: list[tuple[str, str | None]] = []
            polls: list[float] = []
            stop = threading.Event()
            poller = threading.Thread(target=_poll, args=(url, *analyst, stop, polls, errors))
            poller.start()
            started = time.perf_counter()
            clerks = [
                threading.Thread(
                    target=_clerk, args=(url, *accounts[code], files[code], rounds, times, errors, results)
                )
                for code in files
            ]
            for thread in clerks:
                thread.start()
            for thread in clerks:
                thread.join()
            wall = time.perf_counter() - started
            stop.set()
            poller.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
        rows = db.all("select state, verdict from uploads order by id")[len(solo) :]
        inbox = sorted(p.name for p in paths.inbox.iterdir())
        return {
            "units": len(files),
            "rounds": rounds,
            "uploads_sent": len(files) * rounds,
            "uploads_kept": len(rows),
            "uploads_checked": sum(1 for r in rows if r["state"] == "checked" and r["verdict"] is not None),
            "results_shown": sum(v is not None for _, v in results),
            "verdicts": dict(sorted({v: sum(1 for _, x in results if x == v) for _, v in results}.items())),
            "inbox_files": len(inbox),
            "errors": errors,
            "seconds_to_result_p50": round(statistics.median(times), 2) if times else None,
            "seconds_to_result_p95": round(statistics.quantiles(times, n=20)[-1], 2) if len(times) > 1 else None,
            "seconds_to_result_max": round(max(times), 2) if times else None,
            "board_polls": len(polls),
            "board_seconds_p95": round(statistics.quantiles(polls, n=20)[-1], 3) if len(polls) > 1 else None,
            "wall_seconds": round(wall, 1),
            "alone_seconds_to_result": [round(s, 2) for s in solo],
            "alone_bytes": files[largest].stat().st_size,
            "bytes_per_return": round(statistics.mean(p.stat().st_size for p in files.values())),
            "check_workers": check_workers,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from shushuo.demo_data import ensure_demo

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01, help="demo generator scale of the returns (1 = demo size)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check-workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the measurements here too")
    args = parser.parse_args(argv)
    folder = ROOT / "data" / "cache" / f"desk-load-x{args.scale:g}"
    returns = ensure_demo(folder, scale=args.scale)
    result = load_test(returns, 2018, args.rounds, args.check_workers)
    result["scale"] = args.scale
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    lost = result["uploads_sent"] - result["uploads_checked"]
    return 1 if lost or result["errors"] or result["results_shown"] != result["uploads_sent"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
