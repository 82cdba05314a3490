"""The whole-run short cut: when the workbooks, the code and the parameters are those of the run
build/current already points at, a new run would only repeat it, so the run stops at once and
says that build/current is up to date.

This is what an analyst rerunning the report while returns come in expects: nothing new came in,
so the bulletin is the one already there (same figures, same run id), found in a second instead
of minutes. The fingerprint covers everything a run's outputs are made from:
- every workbook the ingest would read: its name, sha256 and modification time (the newest file
  of a unit counts, and raw.submissions records the time);
- the code and data a run runs: every module `shushuo.run` imports, directly or not, with the
  data files beside them (schema, units, templates, wording), and the dbt project (the folders
  dbt_project.yml names: models, macros, seeds, its tests; domain/fingerprint.py finds both from
  the files themselves), and the versions of the libraries it runs on;
- the parameters (input folder, period asked for, demo key or not) and a fingerprint of the
  pseudonym key (never the key).
The published run must also still hold every output its manifest lists, with the same size, and
must not have reached the day its inputs would read differently (an ID rejected for a birth date
after today is accepted from that day: ingest.report.IngestReport.changes_on). Nothing else
depends on the date, so a run the next morning with nothing new is still the short cut."""

from __future__ import annotations

import datetime as dt
import json
from importlib import metadata
from pathlib import Path

from domain.fingerprint import Fingerprint, dbt_project_files, sha256_of, source_files
from domain.paths import REPO_ROOT
from ingest.load.cache import file_hashes, key_fingerprint
from ingest.read.reader import EXPLANATIONS_FILE, find_inputs, find_workbooks
from shushuo import publish

FINGERPRINT = "run_fingerprint"  # the key in manifest.json's parameters
CHANGES_ON = "inputs_change_on"  # and the day from which the inputs would read differently


def code_files(root: Path = REPO_ROOT) -> list[Path]:
    """What a run runs and reads besides its inputs (see the module's docstring)."""
    return source_files("shushuo.run", root=root) + dbt_project_files(root / "dbt_project.yml")


def _library_versions() -> list[str]:
    """The project's declared dependencies with the versions installed."""
    names = [
        r.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip()
        for r in metadata.requires("shushuo") or []
        if "extra ==" not in r
    ]
    versions = []
    for name in sorted(names):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return versions


def run_fingerprint(
    input_dir: Path,
    key: bytes,
    parameters: dict,
    hashes: dict[Path, str | None] | None = None,
    root: Path = REPO_ROOT,
) -> str:
    """One hash of everything the run's outputs depend on (see the module's docstring).
    `hashes`: sha256 of every workbook in the folder (ingest.load.cache.file_hashes), if known; `root`:
    the tree whose code is hashed (a copy, in tests)."""
    made_of = Fingerprint("run").add_python().add("libraries", _library_versions())
    made_of.add("parameters", json.dumps(parameters, sort_keys=True, default=str))
    made_of.add("key", key_fingerprint(key))
    if hashes is None:
        hashes = file_hashes(find_workbooks(input_dir))
    for path in sorted(hashes):
        made_of.add("input", (path.relative_to(input_dir).as_posix(), hashes[path], _modified_ns(path)))
    explanations = Path(input_dir) / EXPLANATIONS_FILE  # the units' 上报说明, read by the gate
    if explanations.is_file():
        made_of.add("explanations", sha256_of(explanations))
    for path, reason in find_inputs(input_dir)[1].items():  # a refused file (a link out, an .xlsb) is news too
        made_of.add("refused", (path.relative_to(input_dir).as_posix(), reason))
    return made_of.add_files(code_files(root), root).hexdigest()


def _modified_ns(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:  # gone meanwhile: ingest names it
        return None


def published_manifest(build_dir: Path, fingerprint: str) -> dict | None:
    """build/current's manifest when that run was made from exactly this fingerprint and all its
    outputs are still there; else None."""
    current = publish.current(build_dir)
    if current is None or not (current / "manifest.json").is_file():
        return None
    try:
        manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    parameters = manifest.get("parameters", {})
    if manifest.get("status") != "published" or parameters.get(FINGERPRINT) != fingerprint:
        return None
    if (changes_on := parameters.get(CHANGES_ON)) and dt.date.today().isoformat() >= changes_on:
        return None
    for output in manifest.get("outputs", []):
        path = current / output["path"]
        if not path.is_file() or path.stat().st_size != output["bytes"]:
            return None
    return manifest


def message(manifest: dict, build_dir: Path) -> str:
    """What the analyst is told when nothing changed."""
    finished = (manifest.get("finished_at") or "").replace("T", " ")
    return (
        f"报表、程序和参数都与上次发布的运行（{manifest['run_id']}，{finished} 完成）相同，未重新计算："
        f"{build_dir / 'current'} 就是最新结果。如确需重新计算，加 --force（make report FORCE=1）。"
    )
