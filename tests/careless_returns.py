"""A careless return beside a clean one, ingested together (tests/test_ingest_hidden_cells.py,
tests/test_ingest_implausible_cells.py): the careless file's sheets are made with the messy
corpus's builders and then spoiled by each test; the clean file shows that another unit's rows
are the same with or without the careless one beside it."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
from messy_cases import members, trainings
from messy_corpus import Expected, Grid, Style, cover_grid, messy_sheet, write_messy_return
from messy_grids import write_grids

from domain.schema import sheet as schema_sheet
from ingest.report import IngestReport, Problem, SheetReport
from ingest.run import ingest

KEY = b"careless-returns-test-key"
CLEAN_FILE = "天桥_2018年度.xlsx"
CARELESS_FILE = "月坛_2018年度.xlsx"


def sheet_grid(kind: str, rows: list[tuple], style: Style | None = None) -> tuple[Grid, Expected]:
    """A sheet laid out as the template has it (title row 1, hint row 2, header row 3, data from
    row 4), unless `style` says otherwise."""
    return messy_sheet(schema_sheet(kind), rows, style or Style())


@dataclass
class Ingested:
    report: IngestReport
    careless: dict[str, SheetReport]  # sheet name as in the file → its report
    problems: list[Problem]  # the careless file's
    loaded: dict[str, list[tuple]]  # raw table → the careless file's loaded rows
    clean_rows: dict[str, list[tuple]]  # raw table → the clean file's rows, lineage but loaded_at included


def _clean_return(folder: Path) -> None:
    write_messy_return(
        folder / CLEAN_FILE,
        "天桥街道工会服务站",
        [("members", members(500, 4), Style(), None), ("trainings", trainings(3), Style(), None)],
    )


def _rows_of(warehouse: Path, source_file: str) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        out = {}
        for table in ("members", "trainings", "cards", "mediation_cases"):
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
                    "and column_name <> 'loaded_at' order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            out[table] = sorted(
                con.execute(
                    f"select {', '.join(columns)} from raw.{table} where source_file = ?", [source_file]
                ).fetchall(),
                key=repr,
            )
        return out


def _with_texts(path: Path, texts: dict[str, str]) -> None:
    """Each marker text in the workbook's parts replaced by its text: Excel, xlsxwriter and
    openpyxl all stop a cell at 32 767 characters, a program's export need not."""
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            for marker, text in texts.items():
                data = data.replace(marker.encode(), text.encode())
            parts[info.filename] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def ingest_beside_a_clean_return(
    tmp_path: Path, grids: list[Grid], unit: str = "月坛街道工会服务站", texts: dict[str, str] | None = None
) -> Ingested:
    """Ingest the clean return alone, then with a careless one made of `grids` (and a cover);
    `texts`: marker → text put in its place once the file is written."""
    alone, both = tmp_path / "alone", tmp_path / "both"
    _clean_return(alone)
    both.mkdir()
    shutil.copy2(alone / CLEAN_FILE, both / CLEAN_FILE)  # the same bytes: xlsxwriter stamps the time it writes
    write_grids(both / CARELESS_FILE, [cover_grid(unit), *grids])
    if texts:
        _with_texts(both / CARELESS_FILE, texts)
    ingest(alone, tmp_path / "alone.duckdb", key=KEY, workers=1)
    report = ingest(both, tmp_path / "both.duckdb", key=KEY, workers=1)
    clean_alone, clean_both = (
        _rows_of(tmp_path / "alone.duckdb", CLEAN_FILE),
        _rows_of(tmp_path / "both.duckdb", CLEAN_FILE),
    )
    assert clean_alone == clean_both and clean_both["members"], "another unit's rows must not change"
    careless = next(f for f in report.files if f.source_file == CARELESS_FILE)
    for sheet in careless.sheets:
        assert sheet.rows_read == sheet.rows_loaded + sheet.rows_rejected + sheet.rows_skipped, sheet
    return Ingested(
        report,
        {s.sheet: s for s in careless.sheets},
        [p for p in report.problems if p.source_file == CARELESS_FILE],
        _rows_of(tmp_path / "both.duckdb", CARELESS_FILE),
        clean_both,
    )
