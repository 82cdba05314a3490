"""The references bench/bench.py compares ingest with: the same workbooks read by a plain reader
alone (python-calamine into Python lists, as ingest reads; fastexcel into Arrow), and ingest's
file guard alone, a floor under any reading ingest does. Each in `workers` processes, largest
files first, as the pipeline reads them."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def calamine_rows(path: Path) -> int:
    """Rows of every sheet of one workbook, as python-calamine alone gives them (Python lists,
    from A1, as ingest reads them)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        return sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names)
    finally:
        book.close()


def fastexcel_rows(path: Path) -> int:
    """Rows of every sheet of one workbook, as fastexcel alone gives them (Arrow columns, types
    guessed per column, no header row). Same parser (calamine, Rust) without Python objects."""
    import logging

    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "could not determine dtype" per mixed column
    reader = fastexcel.read_excel(path)
    return sum(reader.load_sheet(name, header_row=None).to_arrow().num_rows for name in reader.sheet_names)


def guard_only(path: Path) -> int:
    """Not a reader: the file guard alone (every part unpacked, sheets measured, formulas found),
    which ingest runs before its reader; a floor under any reading ingest does."""
    from ingest.find.file_guard import inspect_workbook

    inspect_workbook(path)
    return 0


READERS = {"calamine": calamine_rows, "fastexcel": fastexcel_rows, "guard": guard_only}


def plain_read(paths: list[Path], workers: int, reader: str = "calamine") -> tuple[int, float]:
    """Rows read and seconds taken by one plain reader alone (READERS), in `workers` processes
    (largest files first, as the pipeline does)."""
    order = sorted(paths, key=lambda p: p.stat().st_size, reverse=True)
    start = time.perf_counter()
    if workers <= 1:
        rows = sum(map(READERS[reader], order))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = sum(pool.map(READERS[reader], order))
    return rows, time.perf_counter() - start
