"""The benchmark: the whole pipeline at ×1, ×3 and ×10 the district's data, stage by stage, with
peak memory, beside a plain python-calamine read of the same files as the reference.

    .venv/bin/python bench/bench.py                 # scales 1 3 10
    .venv/bin/python bench/bench.py --scales 1      # one scale

Data sets are made by the demo generator and cached under data/cache/bench-x<scale>/ (not in
git). Each pipeline run is a fresh process, so timings include start-up as `make report` sees it.
Peak memory is the largest sum of the resident memory of the run's process tree, sampled."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shushuo.demo_data import ensure_demo  # noqa: E402


def plain_read(folder: Path) -> tuple[int, float]:
    """Rows read by python-calamine alone (every sheet of every workbook), and seconds taken."""
    from python_calamine import CalamineWorkbook

    start, rows = time.perf_counter(), 0
    for path in sorted(folder.glob("*.xls*")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return rows, time.perf_counter() - start


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
        todo.extend(children.get(current, []))
    return total


def timed_run(folder: Path, build: Path) -> tuple[float, int, dict]:
    """Run the pipeline in a fresh process; wall seconds, peak tree memory, stage timings."""
    command = [str(ROOT / ".venv" / "bin" / "shushuo"), "run", "--input", str(folder), "--build", str(build)]
    env = {**os.environ, "SHUSHUO_KEY": "bench-key-not-secret"}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    peak = 0
    sampling = True

    def sample():
        nonlocal peak
        while sampling:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0].decode("utf-8", "replace")
    wall = time.perf_counter() - start
    sampling = False
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"pipeline failed on {folder}:\n{output}")
    manifest = json.loads((build / "current" / "manifest.json").read_text(encoding="utf-8"))
    return wall, peak, {s["stage"]: s["seconds"] for s in manifest["stages"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 3, 10])
    args = parser.parse_args()
    rows = []
    for scale in args.scales:
        folder = ensure_demo(ROOT / "data" / "cache" / f"bench-x{scale:g}", scale=scale)
        read_rows, read_seconds = plain_read(folder)
        with tempfile.TemporaryDirectory() as build:
            cold = timed_run(folder, Path(build))
            warm = timed_run(folder, Path(build))
        rows.append((scale, read_rows, read_seconds, cold, warm))
        print(f"×{scale:g} done: {cold[0]:.1f}s", file=sys.stderr)
    stages = sorted({s for r in rows for s in r[3][2]}, key=lambda s: list(rows[0][3][2]).index(s) if s in rows[0][3][2] else 99)
    head = ["scale", "rows", "calamine s", "calamine rows/s", *[f"{s} s" for s in stages], "ingest/calamine", "run s", "peak MiB", "rerun s"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for scale, read_rows, read_seconds, (wall, peak, timing), (rerun, _, _) in rows:
        ratio = read_seconds / timing["ingest"] if timing.get("ingest") else float("nan")
        cells = [f"×{scale:g}", f"{read_rows}", f"{read_seconds:.1f}", f"{read_rows / read_seconds:,.0f}"]
        cells += [f"{timing.get(s, float('nan')):.1f}" for s in stages]
        cells += [f"{ratio:.0%}", f"{wall:.1f}", f"{peak / 2**20:,.0f}", f"{rerun:.1f}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
