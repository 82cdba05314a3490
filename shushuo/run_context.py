"""What the stages of one run share (RunContext), how a stage says the run cannot go on
(RunFailed), and the name of the run's warehouse in its folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reports.edition import Edition
from shushuo.manifest import Manifest

if TYPE_CHECKING:
    import pandas as pd

    from checks.raw_beside_dbt import RawChecksBeside
    from reports.pdf_export import Office, PdfConversion

WAREHOUSE = "warehouse.duckdb"


class RunFailed(RuntimeError):
    """A stage failed or the gate blocked publication; the message is for the analyst.
    `run_dir`: the failed run's folder (<run-id>.failed), set by shushuo/run.py once it is renamed."""

    run_dir: Path | None = None


@dataclass
class RunContext:
    """What the stages share: the run's folders, key and manifest, how to talk to the analyst
    (`say` a message; `doing` replaces the live status line), and what each stage found."""

    input_dir: Path
    build_dir: Path
    work: Path
    run_id: str
    key: bytes
    manifest: Manifest
    say: Callable[[str], None]
    doing: Callable[[str], None]
    workers: int = 2
    period_asked: tuple[date | None, date | None] = (None, None)
    edition: Edition = field(default_factory=Edition)  # a run is a draft; demo data says so
    make_pdf: bool = True  # bulletin.pdf from the DOCX, when LibreOffice is installed
    engine: str = "duckdb"  # where dbt runs the models (shushuo.dbt_runner.ENGINES)
    # found by the stages
    report: object = None  # ingest.report.IngestReport
    chosen_period: tuple[date, date] | None = None  # by read_returns; read it as `period`
    model_warnings: list[str] = field(default_factory=list)
    dbt_target: Path | None = None  # the period's dbt build's run_results.json and manifest.json (the gate reads them)
    warnings: list[str] = field(default_factory=list)
    indicators: pd.DataFrame | None = None  # marts.indicators, read by render_bulletin
    outputs: dict = field(default_factory=dict)
    files_to_tell: list[tuple[str, Path]] = field(default_factory=list)
    office: Office | None = None  # LibreOffice loading while dbt builds, for the bulletin's PDF
    pdf: PdfConversion | None = None  # running beside the exports
    raw_checks: RawChecksBeside | None = None  # GE's raw checks, running beside dbt

    def stop_background(self) -> None:
        """Stop what a failed run left running (the raw checks, LibreOffice, the PDF conversion)."""
        if self.raw_checks is not None:
            self.raw_checks.cancel()
            self.raw_checks = None
        if self.office is not None:
            self.office.close()
            self.office = None
        if self.pdf is not None:
            self.pdf.cancel()
            self.pdf = None

    @property
    def period(self) -> tuple[date, date]:
        """The period the run computes, once read_returns has chosen it."""
        if self.chosen_period is None:
            raise RuntimeError("统计期尚未确定：read_returns 须先运行")
        return self.chosen_period

    @property
    def warehouse(self) -> Path:
        return self.work / WAREHOUSE

    @property
    def raw_check_cache(self) -> Path:
        """The raw checks' findings kept per return (checks/raw_check_cache.py)."""
        return self.build_dir / "cache" / "raw_checks"

    @property
    def checks_href(self) -> str:
        """The quality-check report relative to the run folder, as the bulletins name it."""
        return str(Path(self.outputs["checks_html"]).resolve().relative_to(self.work.resolve()))

    def tell_file(self, text: str, path: Path) -> None:
        """A message naming a file of this run, said when the run ends (say_files): the work
        folder (<run-id>.partial) is renamed then, and whether to <run-id> or to <run-id>.failed
        is not known before."""
        self.files_to_tell.append((text, path))

    def say_files(self, run_dir: Path) -> None:
        """Say the messages of tell_file with their paths in run_dir, the run folder's final name."""
        for text, path in self.files_to_tell:
            self.say(f"{text}：{run_dir / path.relative_to(self.work)}")
