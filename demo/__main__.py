"""python -m demo --out data/demo [--scale 1] [--period-start 2018-01-01 --period-end 2018-12-31]
[--seed 2018] [--no-previous]"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from demo import TRUTH_FILE, generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m demo", description="生成演示报表（确定性：同样的参数得到同样的文件）。"
    )
    parser.add_argument("--out", type=Path, required=True, help="输出文件夹")
    parser.add_argument("--scale", type=float, default=1.0, help="规模倍数：1 为一个区（与文章数字一致）")
    parser.add_argument("--period-start", type=date.fromisoformat, default=date(2018, 1, 1), help="统计期起")
    parser.add_argument("--period-end", type=date.fromisoformat, default=date(2018, 12, 31), help="统计期止")
    parser.add_argument("--seed", type=int, default=2018, help="随机种子")
    parser.add_argument("--workers", type=int, default=2, help="并行进程数")
    parser.add_argument("--no-previous", dest="previous", action="store_false", help="不生成上一统计期（同比用）的报表")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    paths = generate(
        args.out,
        scale=args.scale,
        period_start=args.period_start,
        period_end=args.period_end,
        seed=args.seed,
        workers=args.workers,
        previous=args.previous,
    )
    files = [p for p in args.out.glob("*.xlsx")]
    size = sum(p.stat().st_size for p in files)
    earlier = f"（含上一统计期 {len(files) - len(paths)} 份）" if args.previous else ""
    print(
        f"已生成 {len(files)} 份演示报表{earlier}（共 {size / 1e6:.1f} MB）与 "
        f"{TRUTH_FILE}：{args.out}，用时 {time.perf_counter() - began:.1f} 秒"
    )


if __name__ == "__main__":
    main()
