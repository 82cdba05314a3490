"""The identifier columns (resident_id, card_number, credit_code), normalised like the other cell
types (ingest/clean/cells.py) but with a cache of the valid values: the same person appears in the
member list, the cards and the services of a workbook. The cache lives for one workbook
(forget_validated), so a worker's memory is bounded by its largest workbook."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from ingest.clean.cells import Errors, convert_cells
from ingest.clean.validators import InvalidValue

_VALIDATED: dict[Callable, dict] = {}
VALIDATED_CACHE_MAX = 1_000_000


def forget_validated() -> None:
    """Empty the cache of valid identifiers: called at the start of each workbook, so that a
    worker process's memory is bounded by its largest workbook, not by all it has read (kept
    across workbooks, it grew to 1.6 GiB per worker at city scale, measured)."""
    _VALIDATED.clear()


def identifiers(
    values: Sequence,
    validate: Callable[[object], str],
    required: bool = False,
    batch: Callable[[list[str]], dict[str, str]] | None = None,
) -> tuple[list, Errors]:
    """resident_id / credit_code / card_number, with a per-workbook cache of valid values (the
    same person appears in many rows and sheets). `batch` accepts the
    well-formed new values at once; the rest are validated one by one (that gives the reason)."""
    seen = _VALIDATED.setdefault(validate, {})
    if len(seen) > VALIDATED_CACHE_MAX:
        seen.clear()
    new = [v for v in set(values).difference(seen) if type(v) is str and v]
    if batch is not None and new:
        seen.update(batch(new))
    elif len(new) < len(values):  # few distinct values (one union's credit code on every row)
        for value in new:
            with contextlib.suppress(InvalidValue):  # reported below, with its rows
                seen[value] = validate(value)

    def convert(raw: object) -> str:
        if type(raw) is not str:
            return validate(raw)
        found = seen.get(raw)
        if found is None:
            found = seen[raw] = validate(raw)
        return found

    # only text is cached, so a float never finds a text's entry
    return convert_cells(values, convert, required, list(map(seen.get, values)))
