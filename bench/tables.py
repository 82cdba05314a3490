"""The benchmark's tables, in Markdown as bench/README.md shows them, from the figures bench.py
measured (its --json file holds the same dicts): the runs stage by stage, reruns, the plain
readers, the pandas script, and the engines side by side."""

from __future__ import annotations

__all__ = ["engine_table", "stage_seconds", "table"]


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def header(head: list[str]) -> list[str]:
    return [row(head), "|" + "---|" * len(head)]


def stage_seconds(run: dict) -> dict[str, float]:
    """read (hashing the inputs, before the ingest stage, + reading the workbooks), load, dbt, checks, render (bulletin,
    charts, exports, DOCX, site), other."""
    stages = run["stages"]
    ingest = stages.get("ingest", {})
    out = {
        "read": ingest.get("fingerprint_seconds", 0) + ingest.get("read_seconds", ingest.get("seconds", 0)),
        "load": ingest.get("load_seconds", 0),
        "dbt": stages.get("dbt build", {}).get("seconds", 0),
        "checks": stages.get("checks", {}).get("seconds", 0),
        "render": stages.get("reports", {}).get("seconds", 0) + stages.get("exports", {}).get("seconds", 0),
    }
    out["other"] = run["wall"] - sum(out.values())
    return out


def table(results: list[dict]) -> str:
    """The cold runs stage by stage, then the reruns, the plain readers and the pandas script: what a
    bench run prints and bench/README.md keeps, one row per scale in each."""
    head = [
        "scale",
        "files",
        "MB",
        "rows",
        "calamine s (2 proc)",
        "calamine rows/s",
        "read s",
        "load s",
        "dbt s",
        "checks s",
        "render s",
        "other s",
        "run s",
        "read+load vs calamine",
        "peak MiB",
        "figures = truth",
    ]
    lines = header(head)
    for r in results:
        s = stage_seconds(r["cold"])
        ratio = r["plain_seconds"] / (s["read"] + s["load"])
        lines.append(
            row(
                [
                    f"×{r['scale']:g}",
                    str(r["files"]),
                    f"{r['megabytes']:.0f}",
                    f"{r['rows']:,}",
                    f"{r['plain_seconds']:.1f}",
                    f"{r['rows'] / r['plain_seconds']:,.0f}",
                    *(f"{s[k]:.1f}" for k in ("read", "load", "dbt", "checks", "render", "other")),
                    f"{r['cold']['wall']:.1f}",
                    f"{ratio:.0%}",
                    f"{r['cold']['peak'] / 2**20:,.0f}",
                    f"{r['figures_equal']}/{r['figures_compared']}",
                ]
            )
        )
    lines += [
        "",
        *header(
            [
                "scale",
                "rerun s (cache)",
                "files read",
                "rerun peak MiB",
                "rerun, short cut s",
                "one unit resubmitted s",
                "files read",
            ]
        ),
    ]
    for r in results:
        rerun, resub = r["rerun"], r["resubmitted"]
        lines.append(
            row(
                [
                    f"×{r['scale']:g}",
                    f"{rerun['wall']:.1f}",
                    str(rerun["stages"]["ingest"].get("files_read", "?")),
                    f"{rerun['peak'] / 2**20:,.0f}",
                    f"{r['short_cut']['wall']:.1f}" + ("" if r["short_cut"]["reused"] else " (ran!)"),
                    f"{resub['wall']:.1f}",
                    str(resub["stages"]["ingest"].get("files_read", "?")),
                ]
            )
        )
    lines += ["", ratio_table(results), "", pandas_table(results)]
    return "\n".join(lines)


def pandas_table(results: list[dict]) -> str:
    """shushuo's cold run beside the analyst's pandas script on the same folder (bench/pandas_baseline.py:
    pd.read_excel, five headline figures): the times, their ratio, and whether the figures agree."""
    head = ["scale", "pandas s", "pandas peak MiB", "shushuo cold run s", "pandas ÷ shushuo", "five figures equal"]
    lines = header(head)
    for r in results:
        analyst, cold = r["pandas"], r["cold"]
        if analyst is None:
            lines.append(f"| ×{r['scale']:g} | not run (--pandas-up-to) | | {cold['wall']:.1f} | | |")
            continue
        lines.append(
            row(
                [
                    f"×{r['scale']:g}",
                    f"{analyst['wall']:.1f}",
                    f"{analyst['peak'] / 2**20:,.0f}",
                    f"{cold['wall']:.1f}",
                    f"{analyst['wall'] / cold['wall']:.1f}×",
                    "yes" if not analyst["disagreements"] else "no: " + "; ".join(analyst["disagreements"]),
                ]
            )
        )
    return "\n".join(lines)


def ratio_table(results: list[dict]) -> str:
    """read+load against each plain reader (seconds, and the pipeline's throughput as a share of
    the reader's), and the ceiling the file guard sets: reader / (reader + guard alone)."""
    head = [
        "scale",
        "read+load s",
        "calamine 2 proc",
        "fastexcel 2 proc",
        "calamine 1 proc",
        "fastexcel 1 proc",
        "file guard alone, 2 proc s",
        "ceiling vs fastexcel 2 proc (reader + guard only)",
    ]
    lines = header(head)
    for r in results:
        s = stage_seconds(r["cold"])
        ours = s["read"] + s["load"]
        if r["fastexcel_seconds"] is None:
            lines.append(
                f"| ×{r['scale']:g} | {ours:.1f} | {r['plain_seconds']:.1f} s: {r['plain_seconds'] / ours:.0%} "
                "| not run (--references-up-to) | | | | |"
            )
            continue
        references = [
            r[k] for k in ("plain_seconds", "fastexcel_seconds", "plain_serial_seconds", "fastexcel_serial_seconds")
        ]
        ceiling = r["fastexcel_seconds"] / (r["fastexcel_seconds"] + r["guard_seconds"])
        lines.append(
            row(
                [
                    f"×{r['scale']:g}",
                    f"{ours:.1f}",
                    *(f"{seconds:.1f} s: {seconds / ours:.0%}" for seconds in references),
                    f"{r['guard_seconds']:.1f}",
                    f"{ceiling:.0%}",
                ]
            )
        )
    return "\n".join(lines)


def engine_table(results: list[dict]) -> str:
    """Each other engine's cold run beside DuckDB's, with its indicators compared row for row."""
    head = ["scale", "engine", "run s", "dbt s", "peak MiB", "indicators = DuckDB's", "figures = truth"]
    lines = header(head)
    for r in results:
        runs = [("duckdb", {**r["cold"], "same_indicators": True}), *r.get("engines", {}).items()]
        for engine, run in runs:
            dbt = run["stages"].get("dbt build", {}).get("seconds", 0)
            equal = run.get("figures_equal", r["figures_equal"])
            truth = f"{equal}/{run.get('figures_compared', r['figures_compared'])}"
            same = "yes" if run["same_indicators"] else "**no**"
            cells = [f"×{r['scale']:g}", engine, f"{run['wall']:.1f}", f"{dbt:.1f}", f"{run['peak'] / 2**20:,.0f}"]
            lines.append(row([*cells, same, truth]))
    return "\n".join(lines)
