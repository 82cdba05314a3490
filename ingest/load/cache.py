"""Per-file cache of ingest results, so that a rerun reads only the workbooks that changed.

The analyst reruns the report many times while returns come in; reading a workbook is most of
the ingest, and its result (the file's report, the problems, its rows as one Parquet part per raw
table, ingest/load/raw_layout.py) depends
only on the file's bytes, its name in the input folder, the ingest code, the schema, the unit
list and the pseudonym key. So the result is kept under build/cache/ingest/, keyed by all of these:

    <generation>/<entry>/meta.json + <raw table>.parquet
    generation = fingerprint of code, schema, units, library versions, and of the key
    entry      = sha256(source_file, file sha256)

The date matters only where an ID number was rejected for a birth date after today: from that
day on it would be accepted. The entry says when (FileReport.changes_on) and is a miss from then
on; the others stay good across days, so the first run of a morning reads nothing again.

A run links an entry's parts into its Parquet root (hard links: an unchanged return is neither read
nor written again), so a part never changes once written; its loaded_at is when it was written.
Only a fingerprint of the key is stored (an HMAC under the key, not reversible to it). The cached
parts hold what raw.* holds: pseudonyms, never an ID number or a name; the cover's own fields
(e.g. the clerk's phone) are not kept. A changed file, schema, code, key or day is a miss, never
a stale hit. Entries are written whole into a temporary folder and renamed, so a killed run or a
concurrent one never leaves half an entry; one that cannot be read is a miss and is removed.
Files that could not be read at all are not cached: the reason may be passing (a locked file)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from domain.fingerprint import Fingerprint, sha256_of, source_files
from domain.paths import REPO_ROOT
from ingest.load import raw_layout
from ingest.load.raw_tables import tables_by_sheet
from ingest.read.cover import Cover, CoverError
from ingest.read.reader import WorkbookOutcome, read_workbook
from ingest.read.sheet_reader import SheetOutcome
from ingest.report import FileReport, Problem, SheetReport

FORMAT = 3  # bump when the layout of an entry changes
LIBRARIES = ("python-calamine", "pyarrow", "numpy")
KEEP_GENERATIONS = 2  # the current one and the last other (e.g. the demo key's beside the real key's)
STALE_SECONDS = 7 * 24 * 3600  # entries unused this long are removed
TEMP_PREFIX = ".tmp-"
COVER_KEPT = ("unit_code", "unit_name", "period_start", "period_end", "filled_by", "filled_on", "sheet", "unit_cell")
NOT_CACHED = {"unreadable"}


def code_files(root: Path = REPO_ROOT) -> list[Path]:
    """The code and data a workbook's result is made of: every module the cache's reading imports
    (domain/fingerprint.py follows the imports) with schema.yaml and units.yaml beside them."""
    return source_files("ingest.load.cache", root=root)


def code_fingerprint(root: Path = REPO_ROOT) -> str:
    """What a workbook's result depends on besides the file, the key and (rarely) the date."""
    made_of = Fingerprint("ingest cache").add("format", FORMAT).add_python().add_libraries(LIBRARIES)
    return made_of.add_files(code_files(root), root).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """Tells keys apart without revealing them: an HMAC under the key of a fixed label."""
    return hmac.new(key, b"shushuo/ingest-cache/key-fingerprint", "sha256").hexdigest()


def file_sha256(path: Path) -> str | None:
    """Never remembered by size and times: a file rewritten in place within one clock tick keeps
    its size and all its times (measured), so only the bytes tell. None for a file that cannot be
    read (no permission, gone meanwhile): it is never found in the cache, and reading it names it."""
    try:
        return sha256_of(path)
    except OSError:
        return None


def file_hashes(paths: list[Path], workers: int = 2) -> dict[Path, str | None]:
    """sha256 of each file, in threads (hashlib releases the GIL on large blocks). A run hashes
    its inputs once, for its fingerprint (shushuo/unchanged.py), and hands them to the cache: the
    run then works on the files as they were at that moment; a file changed later is a change
    for the next run."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return dict(zip(paths, pool.map(file_sha256, paths), strict=True))


# --- one entry: WorkbookOutcome <-> meta.json + Parquet parts ---------------------------------


def _plain(value):
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _unplain(value):
    if isinstance(value, dict) and "datetime" in value:
        return dt.datetime.fromisoformat(value["datetime"])
    if isinstance(value, dict) and "date" in value:
        return dt.date.fromisoformat(value["date"])
    return value


def _problem(fields: dict) -> Problem:
    return Problem(**fields)


def write_entry(folder: Path, outcome: WorkbookOutcome) -> None:
    """Write the outcome into `folder` (which must not exist yet: it is renamed into place): its
    tables as the Parquet parts a run links into its raw root."""
    tmp = folder.with_name(f"{TEMP_PREFIX}{os.getpid()}-{folder.name}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    reports = outcome.file.sheets
    written = dt.datetime.now().replace(microsecond=0)
    parts = {}
    for table, tables in tables_by_sheet(outcome).items():
        rows = pa.concat_tables(tables)
        parts[table] = {"file": f"{table}.parquet", "rows": rows.num_rows}
        raw_layout.write_part(rows, raw_layout.sheet_tables()[table], tmp / f"{table}.parquet", written)
    sheets = []
    for sheet in outcome.sheets:
        index = next(i for i, r in enumerate(reports) if r is sheet.report)
        sheets.append({"report": index, "problems": [dataclasses.asdict(p) for p in sheet.problems]})
    cover = outcome.cover
    meta = {
        "format": FORMAT,
        "file": dataclasses.asdict(outcome.file),
        "cover": None
        if cover is None
        else {**{name: _plain(getattr(cover, name)) for name in COVER_KEPT}, "errors": [list(e) for e in cover.errors]},
        "problems": [dataclasses.asdict(p) for p in outcome.problems],
        "sheets": sheets,
        "parts": parts,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    try:
        tmp.rename(folder)
    except OSError:  # written meanwhile by another run: the same content, keep theirs
        shutil.rmtree(tmp, ignore_errors=True)


def read_entry(folder: Path) -> WorkbookOutcome:
    """The outcome written by write_entry: its sheets without tables, and where its parts are."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"cache format {meta.get('format')}")
    file_fields = meta["file"]
    reports = [SheetReport(**s) for s in file_fields.pop("sheets")]
    file = FileReport(**file_fields, sheets=reports)
    cover = None
    if meta["cover"] is not None:
        kept = {name: _unplain(meta["cover"][name]) for name in COVER_KEPT}
        cover = Cover(**kept, errors=[CoverError(*e) for e in meta["cover"]["errors"]])
    parts = {table: folder / part["file"] for table, part in meta["parts"].items()}
    for table, part in meta["parts"].items():  # a part cut short has no footer, or other rows
        if pq.read_metadata(parts[table]).num_rows != part["rows"]:
            raise ValueError(f"cache entry's {part['file']} holds other rows")
    outcome = WorkbookOutcome(file, cover, problems=[_problem(p) for p in meta["problems"]], parts=parts)
    for sheet in meta["sheets"]:
        outcome.sheets.append(SheetOutcome(reports[sheet["report"]], [_problem(p) for p in sheet["problems"]]))
    return outcome


def read_and_store(generation: Path, path: Path, input_dir: Path, key: bytes) -> WorkbookOutcome | Path:
    """Read a workbook (in a worker process) and keep its result, keyed by the bytes it read.
    Returns where the result is kept rather than the result: sending the tables back through the
    process pipe would copy them twice and pile them all up in the main process (5 GiB at city
    scale, measured); the main process links the kept parts instead (IngestCache.received). An
    outcome that is not kept (an unreadable file) is returned as it is."""
    outcome = read_workbook(path, input_dir, key)
    if outcome.file.status in NOT_CACHED or not outcome.file.file_sha256:
        return outcome
    folder = generation / entry_name(outcome.file.source_file, outcome.file.file_sha256)
    if not folder.exists():
        write_entry(folder, outcome)
    return folder


def entry_name(source_file: str, sha256: str) -> str:
    return hashlib.sha256(f"{source_file}\0{sha256}".encode()).hexdigest()


class IngestCache:
    """The cache of one build folder for one key. `reused` and `read` list the files (as named in
    the input folder) the last lookup found and did not find."""

    def __init__(self, root: Path, key: bytes, hashes: dict[Path, str | None] | None = None):
        self.root = Path(root)
        self.hashes: dict[Path, str | None] = dict(hashes or {})  # sha256 by path, when the caller has them already
        self.generation = self.root / f"{code_fingerprint()[:24]}-{key_fingerprint(key)[:24]}"
        self.reused: list[str] = []
        self.read: list[str] = []

    def lookup(self, paths: list[Path], input_dir: Path, workers: int = 2) -> dict[Path, WorkbookOutcome]:
        """The cached outcome of every path whose bytes (and name) are unchanged."""
        self.generation.mkdir(parents=True, exist_ok=True)
        os.utime(self.generation)  # marks it in use, for prune()
        found: dict[Path, WorkbookOutcome] = {}
        self.reused, self.read = [], []
        missing = [p for p in paths if p not in self.hashes]
        self.hashes.update(file_hashes(missing, workers) if missing else {})
        for path, sha in ((p, self.hashes[p]) for p in paths):
            source_file = path.relative_to(input_dir).as_posix()
            outcome = (
                None if sha is None else self._load(self.generation / entry_name(source_file, sha), source_file, sha)
            )
            if outcome is None:
                self.read.append(source_file)
                continue
            outcome.modified_at = dt.datetime.fromtimestamp(path.stat().st_mtime)  # not cached: a touch changes it
            found[path] = outcome
            self.reused.append(source_file)
        return found

    def _load(self, folder: Path, source_file: str, sha: str | None) -> WorkbookOutcome | None:
        """The entry's outcome if it is whole, is the file's (and of these bytes, when `sha` is
        given: a worker's own entry was keyed by the bytes it read) and has not expired; else
        None, and a damaged or expired entry is removed."""
        if not folder.is_dir():
            return None
        try:
            outcome = read_entry(folder)
            if outcome.file.source_file != source_file or (sha is not None and outcome.file.file_sha256 != sha):
                raise ValueError("entry does not match its key")
        except Exception:  # a damaged entry is a miss; it is rewritten by this run
            shutil.rmtree(folder, ignore_errors=True)
            return None
        if outcome.file.changes_on and dt.date.today().isoformat() >= outcome.file.changes_on:
            shutil.rmtree(folder, ignore_errors=True)  # read again: an ID's birth date is no longer ahead
            return None
        os.utime(folder)
        return outcome

    def reader(self):
        """read_workbook for the files not found: same arguments; the result is kept, and what
        it returns goes through `received`."""
        return partial(read_and_store, self.generation)

    def received(self, result: WorkbookOutcome | Path, path: Path, input_dir: Path, key: bytes) -> WorkbookOutcome:
        """The outcome a `reader` call returned: read back from the cache (its parts, not its rows)
        when it was kept there. An entry that cannot be read back (removed meanwhile) is read
        again from the workbook, here."""
        if isinstance(result, WorkbookOutcome):
            return result
        outcome = self._load(result, path.relative_to(input_dir).as_posix(), None)
        if outcome is None:
            return read_workbook(path, input_dir, key)
        outcome.modified_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
        return outcome

    def prune(self, now: float | None = None) -> None:
        """Remove other generations but the most recently used, entries unused for a week, and
        temporary folders of killed runs."""
        now = time.time() if now is None else now
        if not self.root.is_dir():
            return
        others = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and p != self.generation),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in others[KEEP_GENERATIONS - 1 :]:
            shutil.rmtree(old, ignore_errors=True)
        if not self.generation.is_dir():
            return
        for entry in self.generation.iterdir():
            age = now - entry.stat().st_mtime
            if (entry.name.startswith(TEMP_PREFIX) and age > 3600) or age > STALE_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
