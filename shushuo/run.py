"""One run of the pipeline: ingest → dbt build → quality gate → reports → publish.

The run owns the lock, the run id, the manifest, the order of the stages and the final switch of
build/current. Each stage reads what the previous one wrote into the run folder."""

from __future__ import annotations

import importlib
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from shushuo import publish
from shushuo.lock import run_lock
from shushuo.manifest import Manifest

WAREHOUSE = "warehouse.duckdb"


class RunFailed(RuntimeError):
    """A stage failed or the gate blocked publication; the message is for the analyst."""


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


@dataclass
class RunResult:
    run_id: str
    run_dir: Path
    bulletin: Path
    period: tuple[date, date]
    warnings: list[str] = field(default_factory=list)
    manifest: Manifest | None = None


def choose_period(warehouse: Path, options: RunOptions, say=print) -> tuple[date, date]:
    """The period asked for, or else the latest period that more than half of the expected units
    declare on their covers: a unit that is late still leaves the run on the new period (the gate
    then names it), and one clerk's typing error on a cover does not move the run to another year."""
    from ingest.schema import units

    if options.period_start and options.period_end:
        return options.period_start, options.period_end
    with duckdb.connect(str(warehouse), read_only=True) as con:
        periods = con.execute(
            """select period_start, period_end, count(distinct unit_code) as units,
                      string_agg(distinct unit_name, '、') as names
               from raw.submissions group by period_start, period_end
               order by period_end desc, units desc, period_start"""
        ).fetchall()
    if not periods:
        raise RunFailed(f"输入目录 {options.input_dir} 中没有可读取的报表（封面须填写填报单位与统计期），无法生成公报。")
    chosen = next((p for p in periods if p[2] * 2 > len(units())), periods[0])
    for start, end, _, names in periods[: periods.index(chosen)]:
        say(f"提示：{names} 的封面统计期为 {start} 至 {end}，报送单位不足半数，本次按 {chosen[0]} 至 {chosen[1]} 统计；"
            f"如要统计该期，请用 PERIOD_START/PERIOD_END 指定。")
    return chosen[0], chosen[1]


def run(options: RunOptions, say=print, status=None) -> RunResult:
    """Run every stage; on any failure the run folder is kept as <run-id>.failed and
    build/current still points at the last good run. `say` prints a message for the analyst;
    `status`, if given, shows what the run is doing now (a line that is replaced, not kept: the
    CLI's live status), e.g. 读取报表 12/34."""
    doing = status or (lambda text: None)
    from checks.duplicates import write_duplicate_listing
    from ingest.feedback import write_feedback, write_submission_summary
    from ingest.pseudonymise import load_key
    from ingest.run import ingest
    from ingest.cache import IngestCache, file_hashes
    from ingest.reader import find_workbooks
    from shushuo import dbt_runner, unchanged

    input_dir, build_dir = options.input_dir.resolve(), options.build_dir.resolve()
    if not input_dir.is_dir():
        raise RunFailed(f"找不到输入目录 {input_dir}。请用 INPUT=<报表所在文件夹> 指定。")
    with run_lock(build_dir, wait_seconds=options.wait_seconds):
        key, key_source = load_key(demo=options.demo_key)
        # --- whole-run short cut: nothing changed since build/current (shushuo/unchanged.py) ---
        checking = time.perf_counter()
        asked = {"input_dir": str(input_dir), "demo_key": options.demo_key,
                 "period": [options.period_start, options.period_end]}
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
        manifest = Manifest(run_id, parameters={"input_dir": str(input_dir), "demo_key": options.demo_key,
                                                unchanged.FINGERPRINT: fingerprint})
        warehouse = work / WAREHOUSE
        try:
            with manifest.stage("ingest") as stage:
                say(f"读取报表：{input_dir}（{key_source}）")
                cache = IngestCache(build_dir / "cache" / "ingest", key, hashes)
                doing("读取报表…")
                report = ingest(input_dir, warehouse, key=key, workers=options.workers, cache=cache, timings=stage,
                                while_reading=_import_later_stages,
                                progress=lambda done, total, name: doing(
                                    f"读取报表 {done}/{total}：{name}" + ("；写入数据库…" if done == total else "")))
                stage.update(files_reused=len(cache.reused), files_read=len(cache.read), fingerprint_seconds=checked)
                if cache.reused:
                    say(f"{len(cache.reused)} 个报表与上次相同，沿用上次的读取结果；重新读取 {len(cache.read)} 个")
                (work / "ingest_report.json").write_text(report.to_json(), encoding="utf-8")
                manifest.inputs = report.inputs()
                manifest.parameters[unchanged.CHANGES_ON] = report.changes_on()
                say(report.summary())
                unreadable = {f.source_file for f in report.files if f.status == "unreadable"}
                for problem in (p for p in report.problems if p.source_file in unreadable and p.severity == "rejected"):
                    say(f"未读取 {problem.source_file}：{problem.reason}。这个文件里的数据本次缺失。")
            # imported here, not above: a thread imports them while the workers read (_import_later_stages)
            from checks import gate
            from reports.bulletin import load_indicators, render
            from reports.docx_export import write_docx
            from reports.exports import write_exports
            from reports.period_change import load_previous
            from reports.provenance import load_sources
            from reports.site import write_site

            period = choose_period(warehouse, options, say)
            manifest.parameters.update(period_start=period[0].isoformat(), period_end=period[1].isoformat())
            say(f"统计期：{period[0]} 至 {period[1]}")
            # 整改清单 for each return with problems, 提交情况 for the period (ingest/feedback.py)
            feedback = write_feedback(report, input_dir, work)
            write_submission_summary(report, work, period)
            if feedback:
                say(f"整改清单 {len(feedback)} 份（须退回填报单位）：{work / 'feedback'}")
            doing("建模：dbt build…")
            with manifest.stage("dbt build") as stage:
                built = dbt_runner.build(warehouse, *period)
                # 同比: the period before, when every unit sent its returns (reports/period_change).
                before = dbt_runner.previous_period(*period)
                doing("上一统计期指标（同比）…")
                if _previous_indicators(warehouse, period, build_dir, key, manifest.parameters, stage):
                    manifest.parameters.update(previous_period_start=before[0].isoformat(), previous_period_end=before[1].isoformat())
                    reused = "（报表和程序与上次发布时相同，沿用其上期指标）" if stage.get("previous_reused") else ""
                    say(f"上一统计期（同比）：{before[0]} 至 {before[1]}{reused}")
                elif sent := dbt_runner.units_submitted(warehouse, *before):
                    say(f"提示：上一统计期（{before[0]} 至 {before[1]}）只有 {len(sent)} 个单位报送，不计算同比。")
            doing("质量检查…")
            with manifest.stage("checks"):
                result = gate.run(warehouse, *period, work / "checks", previous_indicators=load_previous(warehouse))
                manifest.checks = result.to_json()
                # Written even when the gate blocks: the units need it to correct their returns.
                if (listing := write_duplicate_listing(warehouse, work)) is not None:
                    say(f"同一会员被多个单位填报：清单 {listing.name}（在本次运行的文件夹中），请转各单位核实")
            if not result.passed:
                raise RunFailed("质量检查未通过，本次结果不发布：\n" + result.message())
            # dbt's warn-severity tests (e.g. a case number repeated within a unit) are notes too.
            warnings = result.notes() + [f"模型检查：{w}" for w in built.warnings]
            manifest.checks["dbt_warnings"] = built.warnings
            doing("生成公报和图表…")
            with manifest.stage("reports"):
                checks_href = str(Path(result.report_html).resolve().relative_to(work.resolve()))
                indicators = load_indicators(warehouse)
                outputs = render(indicators, work, notes=warnings, run_id=run_id, checks_href=checks_href)
            doing("导出数字、DOCX 和网页…")
            with manifest.stage("exports"):
                sources, sheet_rows = load_sources(warehouse, period)
                now = datetime.now()
                figures = dict(run_id=run_id, generated_at=now, sources=sources, sheet_rows=sheet_rows)
                write_exports(indicators, work, **figures)
                write_docx(indicators, work / "bulletin.docx", run_id=run_id, notes=warnings)
                write_site(indicators, work, **figures)  # last: it links what the others wrote
            manifest.record_outputs(work)
            manifest.write(work, "published")
            final = publish.finish(build_dir, work)
        except BaseException:
            manifest.write(work, "failed")
            publish.abandon(work)
            raise
    bulletin = final / Path(outputs["html"]).relative_to(work)
    return RunResult(run_id, final, bulletin, period, warnings, manifest)


LATER_STAGES = ("dbt.cli.main", "checks.gate", "reports.bulletin", "reports.docx_export", "reports.exports",
                "reports.period_change", "reports.provenance", "reports.site")


def _import_later_stages() -> None:
    """Import dbt, Great Expectations and the reports (≈ 1.4, 2.6 and 0.8 s of the run's wall time,
    measured) in a thread while the workers read, where the main process would only wait."""
    def imports() -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # as checks/raw_validation sets it
        for module in LATER_STAGES:
            importlib.import_module(module)

    threading.Thread(target=imports, name="import-later-stages", daemon=True).start()


def _previous_indicators(warehouse: Path, period: tuple[date, date], build_dir: Path, key: bytes, parameters: dict,
                         stage: dict) -> bool:
    """marts_previous.indicators for the period before `period`: copied from build/current when
    made of the same returns and code (shushuo/previous_reuse.py), else built by dbt. False when
    not every unit reported that period (no 同比)."""
    from shushuo import dbt_runner, previous_reuse

    before = dbt_runner.previous_period(*period)
    if not dbt_runner.has_submissions(warehouse, *before):
        return dbt_runner.build_previous(warehouse, *period) is not None  # drops leftovers; None
    wanted = previous_reuse.fingerprint(warehouse, *before, key)
    parameters[previous_reuse.FINGERPRINT] = wanted
    published = publish.current(build_dir)
    stage["previous_reused"] = published is not None and previous_reuse.copy_from(
        published / WAREHOUSE, previous_reuse.recorded(published), warehouse, wanted)
    if not stage["previous_reused"]:
        dbt_runner.build_previous(warehouse, *period)
    return True


def _reused(published: dict, build_dir: Path, seconds: float) -> RunResult:
    """The result of the run build/current points at, for a run that found nothing changed."""
    run_dir = publish.current(build_dir)
    parameters = published["parameters"]
    period = (date.fromisoformat(parameters["period_start"]), date.fromisoformat(parameters["period_end"]))
    manifest = Manifest(**{**published, "stages": [{"stage": "unchanged", "seconds": seconds, "ok": True}]})
    warnings = list((published.get("checks") or {}).get("notes") or [])
    return RunResult(published["run_id"], run_dir, run_dir / "bulletin.html", period, warnings, manifest)
