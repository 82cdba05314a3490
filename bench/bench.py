"""The benchmark: the whole pipeline at ×1, ×3 and ×10 the district's data, stage by stage, with
peak memory, beside the plain readers (python-calamine and fastexcel) reading the same files.

    .venv/bin/python bench/bench.py                 # scales 1 3 10
    .venv/bin/python bench/bench.py --scales 1      # one scale
    .venv/bin/python bench/bench.py --json out.json # the figures, for a later look

Data sets are made by the demo generator (more members, cards, activities… per unit as the
scale grows) and cached under data/cache/bench-x<scale>/ (not in git); build folders go to
data/cache/bench-build-x<scale>/, wiped before each scale. Per scale, in this order:
1. the references: every sheet of every workbook read by python-calamine alone (Python lists, as
   ingest reads) and by fastexcel alone (Arrow columns), each with as many processes as the
   pipeline's workers and once in one process; and ingest's file guard alone, a floor under
   any reading ingest does (fastexcel is a bench-only dependency: `make bench` installs it);
2. a cold run: `shushuo run` in a fresh process on an empty build folder (no cache);
3. a rerun through `shushuo run --force` (nothing changed: every workbook from the ingest cache);
4. the same rerun without --force: the whole-run short cut (shushuo/unchanged.py);
5. one unit resubmitting: the folder again plus one more copy of a unit's return (a new file,
   so it counts for that unit); only that file should be read.
After the cold run, the analyst's plain pandas script (bench/pandas_baseline.py: pd.read_excel,
five headline figures) runs on the same folder; its figures are compared with the run's and the
ratio of the two wall times is tabled. `--scales 30` (a city federation) is for a quiet machine
with 8 GiB or more to spare (see bench/README.md).
Timings of the stages come from the run's manifest.json; "other" is the wall time not in any
stage (interpreter start-up and imports, 整改清单/提交情况, publishing). Peak memory is the
largest sum, over the run's process tree, of each process's proportional set size (PSS: a page
shared by the forked workers counts once), sampled every 50 ms. Check the load (`uptime`) first:
the machine has 2 cores, and anything else running slows every figure here."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pandas_baseline import disagreements, pipeline_figures  # noqa: E402  (bench/, the script's folder)
from references import plain_read  # noqa: E402
from tables import engine_table, table  # noqa: E402

from ingest.read.reader import find_workbooks  # noqa: E402
from shushuo.demo_data import ensure_demo  # noqa: E402

SHUSHUO = ROOT / ".venv" / "bin" / "shushuo"
KEY = "bench-key-not-secret-0123456789"
WORKERS = 2


# --- memory ------------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    return children


def _pss(pid: int) -> int:
    """Proportional set size in bytes (falls back to RSS where smaps_rollup is missing)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def tree_memory(pid: int) -> int:
    """PSS of a process and all its descendants, from /proc."""
    children, total, todo = _children(), 0, [pid]
    while todo:
        current = todo.pop()
        total += _pss(current)
        todo.extend(children.get(current, []))
    return total


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run a command; wall seconds, peak memory of its process tree, its output."""
    env = {**os.environ, "SHUSHUO_KEY": KEY, "COLUMNS": "200"}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    peak, sampling = 0, True

    def sample():
        nonlocal peak
        while sampling:
            peak = max(peak, tree_memory(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0].decode("utf-8", "replace")
    wall = time.perf_counter() - start
    sampling = False
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{output}")
    return wall, peak, output


# --- the pipeline ------------------------------------------------------------------------------


def pipeline(folder: Path, build: Path, short_cut: bool = False, engine: str = "duckdb") -> dict:
    """One `shushuo run`; without `short_cut` it is forced (--force), so that a rerun with nothing
    changed measures the whole pipeline on cached workbooks rather than the short cut."""
    command = [str(SHUSHUO), "run", "--input", str(folder), "--build", str(build), "--workers", str(WORKERS)]
    command += ["--engine", engine]
    if not short_cut:
        command.append("--force")
    wall, peak, output = timed(command)
    manifest = json.loads((build / "current" / "manifest.json").read_text(encoding="utf-8"))
    stages = {s["stage"]: s for s in manifest["stages"]}
    return {
        "wall": wall,
        "peak": peak,
        "stages": stages,
        "run_id": manifest["run_id"],
        "output": output,
        "reused": "未重新计算" in output,
    }


def figures_match_truth(folder: Path, build: Path) -> tuple[int, int]:
    """(headline figures equal to what the generator generated, figures compared): the data at
    this scale is valid and the pipeline counts it right."""
    import duckdb

    truth = json.loads((folder / "demo_truth.json").read_text(encoding="utf-8"))["figures"]
    with duckdb.connect(str(build / "current" / "warehouse.duckdb"), read_only=True) as con:
        computed = dict(
            con.execute("select indicator_id, value from marts.indicators where breakdown_dim is null").fetchall()
        )
    equal = 0
    for figure_id, expected in truth.items():
        if isinstance(expected, dict):
            value = Decimal(str(expected["numerator"])) / Decimal(str(expected["denominator"]))
            equal += abs(computed.get(figure_id, Decimal(-1)) - value) < Decimal("1e-6")
        else:
            equal += computed.get(figure_id) == Decimal(str(expected))
    return equal, len(truth)


def pandas_baseline(folder: Path, build: Path) -> dict:
    """The analyst's plain pandas script (bench/pandas_baseline.py) in a fresh process on the same
    folder: its wall time, peak memory, and whether its five figures equal the run's."""
    wall, peak, output = timed([sys.executable, str(ROOT / "bench" / "pandas_baseline.py"), str(folder), "--json"])
    found = json.loads(output.strip().splitlines()[-1])
    ours = {name: Decimal(value) for name, value in found["figures"].items()}
    differ = disagreements(ours, pipeline_figures(build / "current" / "figures.json"))
    return {"wall": wall, "peak": peak, "seconds": found["seconds"], "disagreements": differ}


def resubmission(folder: Path, into: Path) -> Path:
    """The folder as hard links (ingest refuses a symbolic link out of the input folder; a hard
    link is the file itself, and costs no copy at ×30), plus a second, newer copy of one unit's
    current return."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    for path in folder.iterdir():
        try:
            os.link(path, into / path.name)
        except OSError:  # another file system
            shutil.copy2(path, into / path.name)
    current = sorted(p for p in folder.glob("*.xlsx") if "2018" in p.name)[0]
    shutil.copyfile(current, into / current.name.replace(".xlsx", "（更正）.xlsx"))
    return into


def indicators_of(build: Path) -> list[tuple]:
    """marts.indicators of the published run, every column, in one order: two engines compared."""
    import duckdb

    with duckdb.connect(str(build / "current" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select * from marts.indicators order by all").fetchall()


def other_engine(folder: Path, engine: str, duckdb_rows: list[tuple]) -> dict:
    """A cold run on `engine` (a fresh build folder: the workbooks read again, the models built on
    it): its time and peak, its stages, and whether its indicators equal DuckDB's row for row."""
    build = folder.parent / f"{folder.name}-build-{engine}"
    shutil.rmtree(build, ignore_errors=True)
    run = pipeline(folder, build, engine=engine)
    run["same_indicators"] = indicators_of(build) == duckdb_rows
    run["figures_equal"], run["figures_compared"] = figures_match_truth(folder, build)
    run.pop("output")
    shutil.rmtree(build, ignore_errors=True)
    return run


def bench_scale(
    scale: float, engines: tuple[str, ...] = (), pandas_up_to: float = 30, references_up_to: float = 30
) -> dict:
    folder = ensure_demo(ROOT / "data" / "cache" / f"bench-x{scale:g}", scale=scale)
    paths = find_workbooks(folder)
    build = ROOT / "data" / "cache" / f"bench-build-x{scale:g}"
    shutil.rmtree(build, ignore_errors=True)
    rows, parallel = plain_read(paths, WORKERS)
    serial = fast = fast_serial = guard = None  # the other references: only up to references_up_to
    if scale <= references_up_to:
        _, serial = plain_read(paths, 1)
        fast_rows, fast = plain_read(paths, WORKERS, "fastexcel")
        _, fast_serial = plain_read(paths, 1, "fastexcel")
        if fast_rows != rows:
            raise SystemExit(f"the two plain readers disagree on the rows at ×{scale:g}: {rows} and {fast_rows}")
        _, guard = plain_read(paths, WORKERS, "guard")
    cold = pipeline(folder, build)
    equal, compared = figures_match_truth(folder, build)
    duckdb_rows = indicators_of(build)  # before the resubmission below changes what counts
    analyst = pandas_baseline(folder, build) if scale <= pandas_up_to else None
    rerun = pipeline(folder, build)
    short = pipeline(folder, build, short_cut=True)
    if not short["reused"]:  # the code changed meanwhile (others work in this tree): once more
        short = pipeline(folder, build, short_cut=True)
    resubmitted = pipeline(resubmission(folder, build / "resubmitted-input"), build)
    engines_run = {engine: other_engine(folder, engine, duckdb_rows) for engine in engines}
    result = {
        "scale": scale,
        "files": len(paths),
        "megabytes": sum(p.stat().st_size for p in paths) / 2**20,
        "rows": rows,
        "plain_seconds": parallel,
        "plain_serial_seconds": serial,
        "fastexcel_seconds": fast,
        "fastexcel_serial_seconds": fast_serial,
        "guard_seconds": guard,
        "figures_equal": equal,
        "figures_compared": compared,
        "cold": cold,
        "pandas": analyst,
        "rerun": rerun,
        "short_cut": short,
        "resubmitted": resubmitted,
        "engines": engines_run,
    }
    shutil.rmtree(build, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 3, 10])
    parser.add_argument("--json", type=Path, help="write every figure measured to this file")
    parser.add_argument(
        "--pandas-up-to", type=float, default=30, help="run the pandas baseline only up to this scale (it is slow)"
    )
    parser.add_argument(
        "--references-up-to",
        type=float,
        default=30,
        help="time the other plain readers (1 process, fastexcel, the guard alone) only up to this scale",
    )
    parser.add_argument(
        "--engines", nargs="*", default=[], help="also a cold run on these engines (spark), compared with DuckDB's"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = []
    for scale in args.scales:
        results.append(bench_scale(scale, tuple(args.engines), args.pandas_up_to, args.references_up_to))
        print(
            f"×{scale:g} done: cold run {results[-1]['cold']['wall']:.1f} s, load {os.getloadavg()[0]:.2f}",
            file=sys.stderr,
        )
        if args.json:
            _write_json(args.json, results)
    print(f"load average before: {load_before[0]:.2f}, after: {os.getloadavg()[0]:.2f} (2 cores)")
    print(table(results))
    if args.engines:
        print()
        print(engine_table(results))
    if args.json:
        _write_json(args.json, results)


def _write_json(path: Path, results: list[dict]) -> None:
    """Every figure measured so far (written after each scale: a later scale that fails loses no
    earlier one), without the runs' printed output."""
    kept = [
        {k: ({**v, "output": None} if isinstance(v, dict) and "output" in v else v) for k, v in r.items()}
        for r in results
    ]
    path.write_text(json.dumps(kept, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
