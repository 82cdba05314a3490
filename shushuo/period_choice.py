"""Which statistical period a run computes when the analyst does not say (the covers decide)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from shushuo.run_context import RunFailed


def choose_period(
    warehouse: Path, input_dir: Path, period_start: date | None = None, period_end: date | None = None, say=print
) -> tuple[date, date]:
    """The period asked for, or else the latest period that more than half of the expected units
    declare on their covers: a unit that is late still leaves the run on the new period (the gate
    then names it), and one clerk's typing error on a cover does not move the run to another year."""
    from domain.schema import units

    if period_start and period_end:
        return period_start, period_end
    with duckdb.connect(str(warehouse), read_only=True) as con:
        periods = con.execute(
            """select period_start, period_end, count(distinct unit_code) as units,
                      string_agg(distinct unit_name, '、' order by unit_name) as names
               from raw.submissions group by period_start, period_end
               order by period_end desc, units desc, period_start"""
        ).fetchall()
    if not periods:
        raise RunFailed(_no_returns(input_dir))
    chosen = next((p for p in periods if p[2] * 2 > len(units())), periods[0])
    for start, end, _, names in periods[: periods.index(chosen)]:
        say(
            f"提示：{names} 的封面统计期为 {start} 至 {end}，报送单位不足半数，本次按 {chosen[0]} 至 {chosen[1]} 统计；"
            f"如要统计该期，请用 --period-start/--period-end 指定（make report 时为 PERIOD_START=/PERIOD_END=）。"
        )
    return chosen[0], chosen[1]


def _no_returns(input_dir: Path) -> str:
    """Why a folder gave no submission: no workbook in it at all (a wrong folder, most likely),
    or workbooks whose covers name no unit or period."""
    from ingest.read.reader import WORKBOOK_SUFFIXES, find_workbooks

    if not find_workbooks(input_dir):
        kinds = "、".join(WORKBOOK_SUFFIXES)
        return (
            f"输入目录 {input_dir} 中没有报表文件（读取该文件夹及其子文件夹中的 {kinds} 文件），无法生成公报。"
            "请检查 --input（make report 时为 INPUT=）是否指向报表所在的文件夹。"
        )
    return f"输入目录 {input_dir} 中没有可读取的报表（封面须填写填报单位与统计期），无法生成公报。"
