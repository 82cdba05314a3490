"""Where the project's folders are. Outputs go under build/ (ignored by git); the demo inputs
are generated into data/demo/ (ignored too) and reused while the generator is unchanged."""

import os
from pathlib import Path

from domain.paths import REPO_ROOT

BUILD_DIR = REPO_ROOT / "build"
DEMO_DIR = REPO_ROOT / "data" / "demo"
# dbt's target folder (its partial-parse cache, manifest, run results) and logs. One per process
# that runs dbt at the same time: parallel test workers each set SHUSHUO_DBT_DIR to their own.
DBT_DIR = Path(os.environ.get("SHUSHUO_DBT_DIR") or BUILD_DIR / "dbt")
# Spark's working folders when the models run on Spark (shushuo/spark_engine.py): its warehouse of
# model tables, scratch space and logs. One per process, like DBT_DIR.
SPARK_DIR = Path(os.environ.get("SHUSHUO_SPARK_DIR") or BUILD_DIR / "spark")
