"""A cover read from the cache is the same as one read fresh: its errors are CoverErrors, with the
cell to fix (.row, .column), not bare tuples."""

from __future__ import annotations

from test_ingest_workbook_builder import headers_of, write_return

from ingest.load.cache import read_entry, write_entry
from ingest.read.cover import CoverError
from ingest.read.reader import read_workbook

KEY = b"cache-cover-errors-key" * 2


def test_a_cover_error_survives_a_cache_round_trip(tmp_path):
    path = write_return(tmp_path / "in" / "空单位.xlsx", {"培训": (headers_of("trainings"), [])}, unit="")
    fresh = read_workbook(path, tmp_path / "in", KEY)
    write_entry(tmp_path / "entry", fresh)
    cached = read_entry(tmp_path / "entry")
    (error,) = cached.cover.errors
    assert isinstance(error, CoverError) and (error.row, error.column) == (3, 2) and error.header == "填报单位"
    assert cached.cover.errors == fresh.cover.errors and not cached.cover.usable
