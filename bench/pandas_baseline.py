"""What an analyst would run instead of shushuo: a plain pandas script reading the same returns
(`pd.read_excel`, its default engine) and computing five headline figures by the catalogue's
definitions (seeds/indicator_catalog.csv): 办卡数, 办卡率, 送温暖款物, 覆盖企业数, 成功调解案件数.
No file guard, no validation, no pseudonyms, no lineage, no checks, no bulletin: only the figures.
bench/bench.py times it beside `shushuo run` on the same folder and compares its figures with the
run's figures.json (tests/test_pandas_baseline.py does the same on the small demo).

    .venv/bin/python bench/pandas_baseline.py data/demo          # the latest period on the covers
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
import warnings
from decimal import Decimal
from pathlib import Path

import pandas as pd

# the figure ids of seeds/indicator_catalog.csv this script computes
FIGURES = ("cards_issued", "card_uptake_rate", "warmth_aid_amount", "enterprises_covered", "disputes_mediated")
HEADER_ROW = 2  # title, hint, then the header row


# the sheets and columns the five figures read
COLUMNS = {
    "会员名册": ["身份证号", "入会日期"],
    "京卡办理": ["身份证号", "办卡日期", "状态", "注销日期"],
    "帮扶救助": ["对象类别", "项目", "现金（元）", "物资折款（元）", "发放日期"],
    "集体合同": ["合同编号", "类别", "签订日期", "期限起", "期限止"],
    "建会企业": ["统一社会信用代码", "集体合同编号", "工资专项协议编号"],
    "劳动争议调解": ["结案日期", "调解结果"],
}


def _excel(path: Path) -> pd.ExcelFile:
    """The workbook, opened once for the sheets read from it, by pandas's default engine."""
    with warnings.catch_warnings():  # pandas 3 says its default engine will change: the default is what is timed
        warnings.filterwarnings("ignore", message="The default engine", category=pd.errors.Pandas4Warning)
        return pd.ExcelFile(path)


def read_covers(input_dir: Path) -> list[tuple[Path, dict]]:
    """Every workbook of the folder with its cover (填报说明: field in column A, value in B)."""
    found = []
    for path in sorted(Path(input_dir).rglob("*.xlsx")):
        with _excel(path) as book:
            cover = pd.read_excel(book, sheet_name="填报说明", header=None, usecols="A:B")
        found.append((path, {str(k).strip(): v for k, v in zip(cover[0], cover[1], strict=True) if isinstance(k, str)}))
    return found


def _day(value) -> dt.date:
    return pd.Timestamp(value).date()


def latest_period(covers: list[tuple[Path, dict]]) -> tuple[dt.date, dt.date]:
    return max((_day(c["统计期起"]), _day(c["统计期止"])) for _, c in covers)


def returns_of(covers: list[tuple[Path, dict]], period: tuple[dt.date, dt.date]) -> list[Path]:
    """The returns of the period, a unit's latest by 填报日期 where it sent several."""
    chosen: dict[str, tuple[Path, dict]] = {}
    for path, cover in covers:
        if (_day(cover["统计期起"]), _day(cover["统计期止"])) != period:
            continue
        unit = cover["填报单位"]
        if unit not in chosen or _day(cover["填报日期"]) >= _day(chosen[unit][1]["填报日期"]):
            chosen[unit] = (path, cover)
    return [path for path, _ in chosen.values()]


def read_sheets(paths: list[Path]) -> dict[str, pd.DataFrame]:
    """The sheets the figures read, every return's rows together, only the columns they read (title
    and hint above the header row)."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in COLUMNS}
    for path in paths:
        with _excel(path) as book:
            for name in set(COLUMNS) & set(book.sheet_names):
                frame = pd.read_excel(
                    book,
                    sheet_name=name,
                    header=HEADER_ROW,
                    usecols=lambda c, name=name: str(c).strip() in COLUMNS[name],
                )
                frame.columns = [str(c).strip() for c in frame.columns]
                parts[name].append(frame.dropna(how="all"))
    return {
        name: pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS[name])
        for name, frames in parts.items()
    }


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, errors="coerce")


def _ids(column: pd.Series) -> pd.Series:
    return column.astype(str).str.strip().str.upper()


def figures(sheets: dict[str, pd.DataFrame], period: tuple[dt.date, dt.date]) -> dict[str, Decimal]:
    """The five headline figures of the period; a rate as the exact ratio."""
    start, end = (pd.Timestamp(d) for d in period)

    members = sheets["会员名册"]
    member_ids = set(_ids(members.loc[_dates(members["入会日期"]) <= end, "身份证号"]))

    cards = sheets["京卡办理"]
    cancelled = _dates(cards["注销日期"])
    in_force = (
        (_dates(cards["办卡日期"]) <= end)
        & ~(cancelled <= end)
        & ~((cards["状态"].astype(str).str.strip() == "注销") & cancelled.isna())
    )
    holders = set(_ids(cards.loc[in_force, "身份证号"])) & member_ids

    aid = sheets["帮扶救助"]
    paid = _dates(aid["发放日期"])
    warmth = aid[
        paid.between(start, end)
        & aid["对象类别"].isin(["在档困难职工", "困难劳模"])
        & (aid["项目"].astype(str).str.strip() == "送温暖")
    ]
    warmth_amount = sum(
        (
            Decimal(str(cash)) + Decimal(str(goods))
            for cash, goods in zip(warmth["现金（元）"], warmth["物资折款（元）"], strict=True)
            if pd.notna(cash) and pd.notna(goods)
        ),
        Decimal(0),
    )

    contracts = sheets["集体合同"]
    contracts_in_force = contracts[
        contracts["类别"].isin(["综合集体合同", "工资专项集体协议"])
        & (_dates(contracts["签订日期"]) <= end)
        & (_dates(contracts["期限起"]) <= end)
        & (_dates(contracts["期限止"]) >= end)
    ]
    in_force_numbers = set(contracts_in_force["合同编号"].astype(str).str.strip())
    enterprises = sheets["建会企业"]
    cites = enterprises["集体合同编号"].astype(str).str.strip().isin(in_force_numbers) | enterprises[
        "工资专项协议编号"
    ].astype(str).str.strip().isin(in_force_numbers)
    covered = enterprises.loc[cites, "统一社会信用代码"].astype(str).str.strip().nunique()

    cases = sheets["劳动争议调解"]
    mediated = int(
        (
            _dates(cases["结案日期"]).between(start, end) & (cases["调解结果"].astype(str).str.strip() == "调解成功")
        ).sum()
    )

    return {
        "cards_issued": Decimal(len(holders)),
        "card_uptake_rate": Decimal(len(holders)) / Decimal(len(member_ids)),
        "warmth_aid_amount": warmth_amount,
        "enterprises_covered": Decimal(covered),
        "disputes_mediated": Decimal(mediated),
    }


def pipeline_figures(figures_json: Path) -> dict[str, Decimal]:
    """The same five headline figures from a run's figures.json (a rate as numerator ÷ denominator)."""
    rows = json.loads(Path(figures_json).read_text(encoding="utf-8"))["figures"]
    found = {}
    for row in rows:
        if row["id"] in FIGURES and row["分项"] == "合计":
            if row["分母"] is not None:
                found[row["id"]] = Decimal(str(row["分子"])) / Decimal(str(row["分母"]))
            else:
                found[row["id"]] = Decimal(str(row["数值"]))
    return found


def disagreements(ours: dict[str, Decimal], theirs: dict[str, Decimal]) -> list[str]:
    """Figures that differ (a rate compared to 12 decimals), in words."""
    return [
        f"{name}: pandas {ours[name]} ≠ shushuo {theirs.get(name)}"
        for name in FIGURES
        if theirs.get(name) is None or abs(ours[name] - theirs[name]) > Decimal("1e-12")
    ]


def run(input_dir: Path) -> tuple[dict[str, Decimal], float]:
    """The five figures of the latest period and the seconds taken (reading included). Reads each
    cover, then only the period's returns and, of those, the sheets and columns the figures need:
    what an analyst's script would do, and less than shushuo reads (every sheet of both periods)."""
    started = time.perf_counter()
    covers = read_covers(input_dir)
    period = latest_period(covers)
    found = figures(read_sheets(returns_of(covers, period)), period)
    return found, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input_dir", type=Path)
    parser.add_argument("--compare", type=Path, help="a run's figures.json to compare with")
    parser.add_argument("--json", action="store_true", help="print the figures and seconds as one JSON line")
    args = parser.parse_args()
    found, seconds = run(args.input_dir)
    if args.json:
        print(json.dumps({"seconds": seconds, "figures": {name: str(value) for name, value in found.items()}}))
        return
    for name, value in found.items():
        print(f"{name}: {value}")
    print(f"{seconds:.1f} s")
    if args.compare:
        differ = disagreements(found, pipeline_figures(args.compare))
        print("\n".join(differ) or "the five figures equal shushuo's")
        raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
