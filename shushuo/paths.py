"""Where the project's folders are. Outputs go under build/ (ignored by git); the demo inputs
are generated into data/demo/ (ignored too) and reused while the generator is unchanged."""

from ingest.paths import REPO_ROOT

BUILD_DIR = REPO_ROOT / "build"
DEMO_DIR = REPO_ROOT / "data" / "demo"
