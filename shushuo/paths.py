"""Where the project's folders are. Outputs go under build/ (ignored by git); the demo inputs
are generated into data/demo/ (ignored too) and reused while the generator is unchanged."""

import os
from pathlib import Path

from domain.paths import REPO_ROOT

BUILD_DIR = REPO_ROOT / "build"
DEMO_DIR = REPO_ROOT / "data" / "demo"


def dbt_dir(build_dir: Path = BUILD_DIR) -> Path:
    """dbt's target folders (its partial-parse cache, manifest, run results) and logs for the runs of
    `build_dir`, whose run lock (shushuo/lock.py) keeps two dbt invocations from sharing them: a run
    in another build folder at the same time (the desk's, an analyst's trial) has its own. Parallel
    test workers each set SHUSHUO_DBT_DIR to theirs, which then holds for every build folder."""
    return Path(os.environ.get("SHUSHUO_DBT_DIR") or Path(build_dir) / "dbt")


def spark_dir(build_dir: Path = BUILD_DIR) -> Path:
    """Spark's working folders when the models run on Spark (shushuo/spark_engine.py): its warehouse
    of model tables, scratch space and logs, for the runs of `build_dir` (like dbt_dir;
    SHUSHUO_SPARK_DIR overrides it)."""
    return Path(os.environ.get("SHUSHUO_SPARK_DIR") or Path(build_dir) / "spark")
