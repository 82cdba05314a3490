"""Where the project's shared files are, for every stage (shushuo/paths.py adds the runner's own
folders: build/, data/demo/). The one definition of the repository's root."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOG_FILE = REPO_ROOT / "seeds" / "indicator_catalog.csv"  # the figure catalogue (dbt seed)
FIGURE_SHEETS_FILE = REPO_ROOT / "seeds" / "figure_sheets.csv"  # the sheets each figure is counted from (dbt seed)
DBT_PROJECT_FILE = REPO_ROOT / "dbt_project.yml"
