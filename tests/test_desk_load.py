"""A short run of the desk's load test (bench/desk_load.py): 17 units upload the small returns
concurrently, two rounds each, while the board is polled; no upload is lost and every upload gets
its result. About a minute, so not in the default run: `pytest -m load tests/test_desk_load.py`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from desk_load import load_test


@pytest.mark.load
def test_seventeen_units_uploading_at_once_lose_nothing(small_demo):
    result = load_test(small_demo, 2018, rounds=2, solo_rounds=1)
    assert result["errors"] == []
    assert result["uploads_kept"] == result["uploads_checked"] == result["uploads_sent"] == 34
    assert result["results_shown"] == 34
    assert result["verdicts"] == {"已通过": 34}
    assert result["inbox_files"] == 17
    assert result["board_polls"] > 0
