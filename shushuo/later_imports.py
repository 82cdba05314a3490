"""The later stages' modules imported in a thread while ingest's workers read."""

from __future__ import annotations

import importlib
import os
import threading

# Imported in a thread while the workers read (LaterImports), not at the top of a run.
LATER_STAGES = (
    "dbt.cli.main",
    "dbt.task.build",  # and the adapter: what dbt imports when it builds (a few hundredths of a second)
    "dbt.adapters.duckdb",
    "shushuo.dbt_runner",
    "checks.gate",
    "reports.bulletin",
    "reports.docx_export",
    "reports.pdf_export",
    "reports.exports",
    "reports.period_change",
    "reports.provenance",
    "reports.site",
    "reports.publication",
)


class LaterImports:
    """dbt, the gate and the reports imported (≈ 1.4, 0.3 and 0.8 s of the run's wall time, measured)
    in a thread while the workers read, where the main process would only wait. Not Great
    Expectations: the raw checks import it in their own process, beside dbt (checks/raw_beside_dbt.py).
    Started by ingest once the worker processes are forked (a fork while another thread runs can
    leave a lock held in the child); waited for when ingest returns, so the main thread never
    imports at the same time. A module that fails here is left to fail where the stage imports
    it, with its own traceback."""

    def __init__(self):
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=import_later_stages, name="import-later-stages", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()


def import_later_stages() -> list[str]:
    """Import LATER_STAGES; the modules that failed (each is left to fail where its stage imports it,
    with its own traceback). Also what the desk's waiting run process imports (desk/warm_runner.py)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # as checks/raw_validation sets it
    failed = []
    for module in LATER_STAGES:
        try:
            importlib.import_module(module)
        except Exception:
            failed.append(module)
    return failed
