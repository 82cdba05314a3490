"""One run of the pipeline: ingest → dbt build → quality gate → reports → publish.

The run owns the lock, the run id, the manifest, the order of the stages and the final switch of
build/current. Each stage reads what the previous one wrote into the run folder."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reports.edition import Edition
from shushuo import publish
from shushuo.lock import run_lock
from shushuo.manifest import Manifest
from shushuo.period_choice import choose_period as _choose_period
from shushuo.run_context import WAREHOUSE, RunContext, RunFailed
from shushuo.stages import STAGES_AFTER_READING, read_returns

__all__ = ["WAREHOUSE", "RunFailed", "RunOptions", "RunResult", "choose_period", "run"]


@dataclass
class RunOptions:
    input_dir: Path
    build_dir: Path
    period_start: date | None = None
    period_end: date | None = None
    demo_key: bool = False
    wait_seconds: float = 0.0
    workers: int = 2
    # Stop at once when inputs, code and parameters are those of build/current (shushuo/unchanged.py).
    reuse_unchanged: bool = False
    # bulletin.pdf, converted from the DOCX by LibreOffice beside the other exports (skipped, with a
    # message, when LibreOffice is not installed).
    pdf: bool = True
    # Where the models run: "duckdb" (in the run's warehouse) or "spark" (shushuo/spark_engine.py).
    engine: str = "duckdb"


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    bulletin: Path
    period: tuple[date, date]
    warnings: list[str] = field(default_factory=list)
    manifest: Manifest | None = None


def choose_period(warehouse: Path, options: RunOptions, say=print) -> tuple[date, date]:
    """shushuo.period_choice.choose_period for these options."""
    return _choose_period(warehouse, options.input_dir, options.period_start, options.period_end, say=say)


def run(options: RunOptions, say=print, status=None) -> RunResult:
    """Run every stage (shushuo/stages.py); on any failure the run folder is kept as
    <run-id>.failed and build/current still points at the last good run. `say` prints a message
    for the analyst; `status`, if given, shows what the run is doing now (a line that is
    replaced, not kept: the CLI's live status), e.g. 读取报表 12/34. Messages naming a file of
    the run (整改清单, …) are said at its end, with the folder's final name (RunContext.tell_file)."""
    from ingest.clean.pseudonymise import load_key
    from ingest.load.cache import file_hashes
    from ingest.read.reader import find_workbooks
    from shushuo import unchanged

    input_dir, build_dir = options.input_dir.resolve(), options.build_dir.resolve()
    if not input_dir.is_dir():
        raise RunFailed(
            f"找不到输入目录 {input_dir}。请用 --input <文件夹> 指定报表所在的文件夹"
            f"（用 make report 时写 INPUT=<文件夹>）。"
        )
    with run_lock(build_dir, wait_seconds=options.wait_seconds):
        key, key_source = load_key(demo=options.demo_key)
        # --- whole-run short cut: nothing changed since build/current (shushuo/unchanged.py) ---
        checking = time.perf_counter()
        asked = {
            "input_dir": str(input_dir),
            "demo_key": options.demo_key,
            "period": [options.period_start, options.period_end],
            "engine": options.engine,  # a run on another engine is asked for, not short-cut
        }
        hashes = file_hashes(find_workbooks(input_dir), options.workers)  # once: for the fingerprint and the cache
        fingerprint = unchanged.run_fingerprint(input_dir, key, asked, hashes)
        checked = round(time.perf_counter() - checking, 3)
        same = unchanged.published_manifest(build_dir, fingerprint) if options.reuse_unchanged else None
        if same is not None:
            say(unchanged.message(same, build_dir))
            return _reused(same, build_dir, checked)
        # --- end of the short cut ---
        publish.prune(build_dir)
        run_id = publish.new_run_id()
        work = publish.start(build_dir, run_id)
        manifest = Manifest(
            run_id,
            parameters={
                "input_dir": str(input_dir),
                "demo_key": options.demo_key,
                "engine": options.engine,
                unchanged.FINGERPRINT: fingerprint,
            },
        )
        ctx = RunContext(
            input_dir,
            build_dir,
            work,
            run_id,
            key,
            manifest,
            say,
            status or (lambda text: None),
            options.workers,
            (options.period_start, options.period_end),
            Edition(demo=options.demo_key),
            make_pdf=options.pdf,
            engine=options.engine,
        )
        try:
            read_returns(ctx, hashes, key_source, checked)
            for stage in STAGES_AFTER_READING:
                stage(ctx)
            manifest.record_outputs(work)
            manifest.write(work, "published")
            final = publish.finish(build_dir, work)
        except BaseException as error:
            ctx.stop_background()
            manifest.write(work, "failed")
            failed = publish.abandon(work)
            ctx.say_files(failed)
            if isinstance(error, RunFailed):
                error.run_dir = failed
            raise
        ctx.say_files(final)  # only now: the paths they name exist from here on
    bulletin = final / Path(ctx.outputs["html"]).relative_to(work)
    return RunResult(run_id, final, bulletin, ctx.period, ctx.warnings, manifest)


def _reused(published: dict, build_dir: Path, seconds: float) -> RunResult:
    """The result of the run build/current points at, for a run that found nothing changed."""
    run_dir = publish.current(build_dir)
    assert run_dir is not None, "a published manifest was read from build/current"
    parameters = published["parameters"]
    period = (date.fromisoformat(parameters["period_start"]), date.fromisoformat(parameters["period_end"]))
    manifest = Manifest(**{**published, "stages": [{"stage": "unchanged", "seconds": seconds, "ok": True}]})
    warnings = list((published.get("checks") or {}).get("notes") or [])
    return RunResult(published["run_id"], run_dir, run_dir / "bulletin.html", period, warnings, manifest)
