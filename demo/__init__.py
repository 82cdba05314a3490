"""The demo data set: deterministic returns for every unit whose figures, at scale 1, are the
article's. The only code in the project that knows the article's numbers."""

from demo.generate import TRUTH_FILE, compute_truth, generate

__all__ = ["TRUTH_FILE", "compute_truth", "generate"]
