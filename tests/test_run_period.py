"""Which period a run counts, and when 同比 is computed: decided from the covers in
raw.submissions (shushuo.run.choose_period, shushuo.previous_build.has_submissions)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from domain.schema import units
from shushuo import previous_build
from shushuo.run import RunOptions, choose_period

Y2017, Y2018, Y2019 = ((date(y, 1, 1), date(y, 12, 31)) for y in (2017, 2018, 2019))


def warehouse_with(tmp_path, returns: dict[tuple[date, date], int]):
    """raw.submissions with the first n units of units.yaml for each period."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.submissions (unit_code varchar, unit_name varchar, period_start date, period_end date,"
            " is_current boolean)"
        )
        for (start, end), n in returns.items():
            for unit in units()[:n]:
                con.execute("insert into raw.submissions values (?, ?, ?, ?, true)", [unit.code, unit.name, start, end])
    return path


def choose(path, said: list):
    return choose_period(path, RunOptions(path.parent, path.parent), say=said.append)


def test_the_latest_period_most_units_declare_is_counted(tmp_path):
    said = []
    assert choose(warehouse_with(tmp_path, {Y2017: 17, Y2018: 17}), said) == Y2018
    assert said == []


def test_a_unit_that_is_late_leaves_the_run_on_the_new_period(tmp_path):
    assert choose(warehouse_with(tmp_path, {Y2017: 17, Y2018: 16}), []) == Y2018


def test_one_cover_with_a_mistyped_year_does_not_move_the_run_and_is_named(tmp_path):
    said = []
    assert choose(warehouse_with(tmp_path, {Y2018: 17, Y2019: 1}), said) == Y2018
    assert len(said) == 1 and units()[0].name in said[0] and "2019-01-01" in said[0]
    assert "--period-start/--period-end" in said[0] and "PERIOD_START=/PERIOD_END=" in said[0]  # CLI and make


def test_a_period_asked_for_wins(tmp_path):
    path = warehouse_with(tmp_path, {Y2018: 17})
    assert choose_period(path, RunOptions(tmp_path, tmp_path, *Y2017)) == Y2017


@pytest.mark.parametrize(("sent", "complete"), [(17, True), (16, False), (0, False)])
def test_same_period_last_year_is_compared_only_when_every_unit_reported_it(tmp_path, sent, complete):
    path = warehouse_with(tmp_path, {Y2018: 17, Y2017: sent})
    assert previous_build.has_submissions(path, *Y2017) is complete
    assert len(previous_build.units_submitted(path, *Y2017)) == sent
