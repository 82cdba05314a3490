"""Blank return templates (空白报表模板): one workbook per unit of units.yaml, its cover already
holding the unit's name and the period, with the sheets its kind of unit fills.

    python -m ingest.workbooks.template --out build/templates [--period-start 2018-01-01 --period-end 2018-12-31]
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

from domain import schema
from domain.periods import period_file_label
from ingest.workbooks import layout
from ingest.workbooks.writer import write_return


def write_templates(out_dir: Path | str, period_start: date, period_end: date) -> list[Path]:
    """Write one blank return per unit into `out_dir`; returns the paths in units.yaml order."""
    if period_end < period_start:
        raise ValueError(f"统计期止（{period_end}）早于统计期起（{period_start}），请检查。")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    label = period_file_label(period_start, period_end)
    return [
        write_return(out_dir / layout.return_file_name(unit.name, label), unit.name, period_start, period_end, {})
        for unit in schema.units()
    ]


def _last_calendar_year() -> tuple[date, date]:
    this_year = date.today().year
    return date(this_year - 1, 1, 1), date(this_year - 1, 12, 31)


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"{option} 的日期“{text}”无法识别，请写成 2018-01-01 这样的格式。") from None


def main(argv: list[str] | None = None) -> None:
    default_start, default_end = _last_calendar_year()
    parser = argparse.ArgumentParser(
        prog="python -m ingest.workbooks.template", description="为每个填报单位生成空白报表模板。"
    )
    parser.add_argument("--out", type=Path, required=True, help="输出文件夹")
    parser.add_argument("--period-start", default=default_start.isoformat(), help="统计期起（默认上一年 1 月 1 日）")
    parser.add_argument("--period-end", default=None, help="统计期止（默认上一年 12 月 31 日）")
    args = parser.parse_args(argv)
    start = _parse_date(args.period_start, "--period-start")
    end = (
        _parse_date(args.period_end, "--period-end")
        if args.period_end
        else (
            default_end
            if args.period_start == default_start.isoformat()
            else date(start.year + 1, start.month, start.day) - timedelta(days=1)
        )
    )
    paths = write_templates(args.out, start, end)
    print(f"已生成 {len(paths)} 份报表模板：{args.out}")


if __name__ == "__main__":
    main()
