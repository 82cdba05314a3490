"""The stages of one run, in order, each a function of the run's context: read the returns,
build the models (with 上期), check, render the bulletin, export the figures. Each stage reads
what the one before left in the context and in the run folder, and times itself in the manifest.
shushuo/run.py owns the rest: the lock, the short cut, the run folder and publishing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from domain.periods import previous_period
from shushuo import publish
from shushuo.later_imports import LaterImports
from shushuo.paths import spark_dir
from shushuo.period_choice import choose_period
from shushuo.run_context import WAREHOUSE, RunContext, RunFailed


def read_returns(ctx: RunContext, hashes: dict[Path, str | None], key_source: str, fingerprint_seconds: float) -> None:
    """Ingest every workbook (unchanged ones from the cache), then choose the period and write
    each unit's 整改清单 and the period's 提交情况."""
    from ingest.load.cache import IngestCache
    from ingest.load.current import HELD
    from ingest.run import ingest
    from ingest.workbooks.feedback import write_feedback, write_submission_summary
    from shushuo import unchanged

    say, manifest = ctx.say, ctx.manifest
    with manifest.stage("ingest") as stage:
        say(f"读取报表：{ctx.input_dir}（{key_source}）")
        cache = IngestCache(ctx.build_dir / "cache" / "ingest", ctx.key, hashes)
        ctx.doing("读取报表…")
        later = LaterImports()
        try:
            report = ingest(
                ctx.input_dir,
                ctx.warehouse,
                key=ctx.key,
                workers=ctx.workers,
                cache=cache,
                timings=stage,
                while_reading=later.start,
                last_warehouse=_last_warehouse(ctx),
                progress=lambda done, total, name: ctx.doing(
                    f"读取报表 {done}/{total}：{name}" + ("；写入数据库…" if done == total else "")
                ),
            )
        finally:
            later.wait()  # from here on only this thread imports
        stage.update(
            files_reused=len(cache.reused), files_read=len(cache.read), fingerprint_seconds=fingerprint_seconds
        )
        if cache.reused:
            say(f"{len(cache.reused)} 个报表与上次相同，沿用上次的读取结果；重新读取 {len(cache.read)} 个")
        if "returns_kept" in stage:
            say(
                f"数据库以上次运行为底：{stage['returns_kept']} 个报表的数据原样保留，"
                f"载入 {stage['returns_loaded']} 个报表的数据"
            )
        (ctx.work / "ingest_report.json").write_text(report.to_json(), encoding="utf-8")
        manifest.inputs = report.inputs()
        manifest.parameters[unchanged.CHANGES_ON] = report.changes_on()
        say(report.summary())
        unreadable = {f.source_file for f in report.files if f.status == "unreadable"}
        for problem in (p for p in report.problems if p.source_file in unreadable and p.severity == "rejected"):
            say(f"未读取 {problem.source_file}：{problem.reason}。这个文件里的数据本次缺失。")
        for held in (s for s in report.submissions if s["status"] == HELD):
            say(
                f"暂扣 {held['source_file']}：{held['status_reason']}。"
                "请核实是哪个单位的报表（见提交情况.xlsx 和整改清单）。"
            )
    ctx.report = report
    # 整改清单 before the period is chosen: a run in which no return can be used (every cover
    # wrong) fails there, and is the one whose clerks most need their lists
    feedback = write_feedback(report, ctx.input_dir, ctx.work, say=say)
    if feedback:
        ctx.tell_file(f"整改清单 {len(feedback)} 份（须退回填报单位）", feedback[0].parent)
    ctx.chosen_period = period = choose_period(ctx.warehouse, ctx.input_dir, *ctx.period_asked, say=say)
    manifest.parameters.update(period_start=period[0].isoformat(), period_end=period[1].isoformat())
    say(f"统计期：{period[0]} 至 {period[1]}")
    write_submission_summary(report, ctx.work, period)


def _last_warehouse(ctx: RunContext) -> Path | None:
    """The published run's warehouse: this run's starts as a copy of it, loading only the returns
    that changed (ingest/load/from_last_run.py)."""
    published = publish.current(ctx.build_dir)
    return published / WAREHOUSE if published is not None else None


def build_models(ctx: RunContext) -> None:
    """dbt build for the period, and the previous period's indicators for 同比 when every unit
    reported it (copied from build/current when nothing they are made of changed)."""
    from checks.raw_beside_dbt import RawChecksBeside
    from reports import pdf_export
    from shushuo import dbt_runner, spark_engine

    # GE's raw checks read only what ingest loaded: started now, in a process of their own, they
    # run while dbt builds (collected by check_quality)
    ctx.raw_checks = RawChecksBeside.start(ctx.warehouse, *ctx.period, cache=ctx.raw_check_cache)
    # LibreOffice loads meanwhile too, for the bulletin's PDF (render_bulletin hands it the DOCX)
    if ctx.make_pdf:
        ctx.office = pdf_export.Office.start()
        if ctx.office is None:
            ctx.say(pdf_export.MISSING)
    try:
        _build_models(ctx, dbt_runner)
    except spark_engine.SparkUnavailable as missing:
        raise RunFailed(f"无法在 Spark 上建模：{missing}") from None
    finally:
        if ctx.engine == dbt_runner.SPARK:
            spark_engine.stop()


def _build_models(ctx: RunContext, dbt_runner) -> None:
    from shushuo import previous_build

    with ctx.manifest.stage("dbt build") as stage:
        # the previous period first: the rule moved_against_previous_period, run by this period's
        # build, compares with marts_previous.indicators
        before = previous_period(*ctx.period)
        ctx.doing("上一统计期指标（同比）…")
        has_previous = _previous_indicators(ctx, stage)
        ctx.doing("建模：dbt build…" if ctx.engine == dbt_runner.DUCKDB else f"建模：dbt build（{ctx.engine}）…")
        built = dbt_runner.build(
            ctx.warehouse,
            *ctx.period,
            results_dir=ctx.work / "checks" / "dbt",
            engine=ctx.engine,
            build_dir=ctx.build_dir,
        )
        ctx.model_warnings = built.warnings
        ctx.dbt_target = built.target_dir
        if has_previous:
            ctx.manifest.parameters.update(
                previous_period_start=before[0].isoformat(), previous_period_end=before[1].isoformat()
            )
            reused = "（报表和程序与上次发布时相同，沿用其上期指标）" if stage.get("previous_reused") else ""
            ctx.say(f"上一统计期（同比）：{before[0]} 至 {before[1]}{reused}")
        elif sent := previous_build.units_submitted(ctx.warehouse, *before):
            ctx.say(f"提示：上一统计期（{before[0]} 至 {before[1]}）只有 {len(sent)} 个单位报送，不计算同比。")


def check_quality(ctx: RunContext) -> None:
    """The quality gate; raises RunFailed (nothing is published) on a blocking failure. The
    duplicate listing is written either way: the units need it to correct their returns."""
    from checks import gate
    from checks.duplicates import write_duplicate_listing
    from checks.open_problems import open_problems
    from reports.period_change import load_previous
    from shushuo.releases import problem_notes

    ctx.doing("质量检查…")
    with ctx.manifest.stage("checks") as stage:
        raw_outcomes = None
        if ctx.raw_checks is not None:
            raw_outcomes, ctx.raw_checks = ctx.raw_checks.outcomes(), None
            stage["raw_checks_beside_dbt"] = raw_outcomes is not None
        result = gate.run(
            ctx.warehouse,
            *ctx.period,
            ctx.work / "checks",
            previous_indicators=load_previous(ctx.warehouse),
            input_dir=ctx.input_dir,
            dbt_target=ctx.dbt_target,
            raw_outcomes=raw_outcomes,
            raw_cache=ctx.raw_check_cache,
        )
        ctx.manifest.checks = result.to_json()
        if (listing := write_duplicate_listing(ctx.warehouse, ctx.work)) is not None:
            ctx.tell_file("同一会员被多个单位填报的清单（请转各单位核实）", listing)
    if not result.passed:
        # The message names checks.html where it will be: the run is failing.
        assert result.report_html is not None, "a failing gate always writes its report"
        failing = replace(result, report_html=publish.failed_path(ctx.work) / result.report_html.relative_to(ctx.work))
        raise RunFailed("质量检查未通过，本次结果不发布：\n" + failing.message())
    # Open problems (rows to correct, held returns, unexplained 核实性 warnings) name the figures they
    # can move; dbt's warn-severity tests (e.g. a case number repeated within a unit) are notes too.
    problems = open_problems(ctx.warehouse, ctx.period, ctx.manifest.checks)
    ctx.manifest.checks["open_problems"] = [p.describe() for p in problems]
    ctx.warnings = result.notes() + problem_notes(problems) + [f"模型检查：{w}" for w in ctx.model_warnings]
    ctx.manifest.checks["dbt_warnings"] = ctx.model_warnings
    ctx.outputs["checks_html"] = result.report_html


def render_bulletin(ctx: RunContext) -> None:
    """The bulletin (HTML, Markdown, DOCX) and its charts, marked 草稿 (a release writes them again);
    the DOCX is handed to the LibreOffice build_models started, and its PDF collected by
    export_figures, so the conversion runs beside them."""
    from reports.bulletin import load_indicators
    from reports.publication import write_bulletin

    ctx.doing("生成公报和图表…")
    with ctx.manifest.stage("reports"):
        ctx.indicators = load_indicators(ctx.warehouse)
        ctx.outputs.update(
            write_bulletin(
                ctx.indicators,
                ctx.work,
                notes=ctx.warnings,
                run_id=ctx.run_id,
                checks_href=ctx.checks_href,
                edition=ctx.edition,
                created=datetime.fromisoformat(ctx.manifest.started_at),
                chart_cache=ctx.build_dir / "cache" / "charts",
            )
        )
    if ctx.office is not None:
        ctx.pdf, ctx.office = ctx.office.convert(ctx.outputs["docx"]), None


def export_figures(ctx: RunContext) -> None:
    """The figures desk: figures.xlsx/csv/json, the bulletin's PDF (collected) and the static site, and
    revision.xlsx against the latest release of the period (or else the last good run of it), so a
    change is seen before anyone quotes it."""
    from reports.publication import write_figures_desk

    ctx.doing("导出数字、PDF 和网页…")
    base = _revision_base(ctx)
    assert ctx.indicators is not None, "render_bulletin reads the indicators first"
    with ctx.manifest.stage("exports"):
        ctx.outputs.update(
            write_figures_desk(
                ctx.indicators,
                ctx.warehouse,
                ctx.work,
                period=ctx.period,
                notes=ctx.warnings,
                run_id=ctx.run_id,
                checks_href=ctx.checks_href,
                edition=ctx.edition,
                compared_with=base,
                pdf=ctx.pdf,
                say=ctx.say,
            )
        )
    ctx.pdf = None
    if base is not None:
        changed = len(json.loads(ctx.outputs["revision_json"].read_text(encoding="utf-8"))["changed"])
        ctx.tell_file(f"与{base[1].split(' → ')[0]}相比，{changed} 个数字有变化", ctx.outputs["revision_xlsx"])


def _revision_base(ctx: RunContext) -> tuple[Path, str] | None:
    from shushuo import releases

    made = releases.latest(releases.default_root(ctx.build_dir), ctx.period)
    if made is not None:
        return made.path, f"{made.label} → 本次草稿"
    folder = publish.current(ctx.build_dir)
    if folder is None or not _same_period(folder, ctx.period):
        return None
    return folder, f"上次运行 {folder.name} → 本次草稿"


def _same_period(run_dir: Path, period: tuple[date, date]) -> bool:
    try:
        parameters = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["parameters"]
    except (OSError, ValueError, KeyError):
        return False
    return (
        (parameters.get("period_start"), parameters.get("period_end")) == (period[0].isoformat(), period[1].isoformat())
        and (run_dir / "figures.json").is_file()
        and (run_dir / WAREHOUSE).is_file()
    )


def check_outputs_agree(ctx: RunContext) -> None:
    """Every output read back: a figure printed two ways blocks the run (reports/consistency.py)."""
    from reports.consistency import disagreements

    with ctx.manifest.stage("consistency"):
        found = disagreements(ctx.work)
    if found:
        raise RunFailed("发布的文件之间数字不一致，本次结果不发布（这是程序错误，请报告）：\n" + "\n".join(found[:20]))


STAGES_AFTER_READING = (build_models, check_quality, render_bulletin, export_figures, check_outputs_agree)


def _previous_indicators(ctx: RunContext, stage: dict) -> bool:
    """marts_previous.indicators for the period before: copied from build/current when made of
    the same returns and code (shushuo/previous_reuse.py), else built by dbt. False when not
    every unit reported that period (no 同比)."""
    from shushuo import dbt_runner, previous_build, previous_reuse, spark_engine

    before = previous_period(*ctx.period)
    if not previous_build.has_submissions(ctx.warehouse, *before):
        # drops a previous period's schemas left in the warehouse; returns None
        return previous_build.build(ctx.warehouse, *ctx.period, build_dir=ctx.build_dir) is not None
    wanted = previous_reuse.fingerprint(ctx.warehouse, *before, ctx.key, engine=ctx.engine)
    ctx.manifest.parameters[previous_reuse.FINGERPRINT] = wanted
    published = publish.current(ctx.build_dir)
    stage["previous_reused"] = published is not None and previous_reuse.copy_from(
        published / WAREHOUSE, previous_reuse.recorded(published), ctx.warehouse, wanted
    )
    if not stage["previous_reused"]:
        previous_build.build(ctx.warehouse, *ctx.period, engine=ctx.engine, build_dir=ctx.build_dir)
    elif ctx.engine == dbt_runner.SPARK:
        # this period's rule moved_against_previous_period reads it on the engine that runs the rules
        spark = spark_engine.session(spark_dir(ctx.build_dir))
        spark_engine.share_table(spark, ctx.warehouse, previous_build.PREVIOUS_INDICATORS)
    return True
