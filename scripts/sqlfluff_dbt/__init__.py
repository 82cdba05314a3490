"""What sqlfluff's jinja templater needs, beside its own dbt builtins, to render the models the
way dbt does (its `library_path` in .sqlfluff): dbt's `modules` (re), `execute`, and `var` with a
sample period, so macros/period.sql renders dates instead of raising its missing-period error.
Linting only: dbt itself never reads this."""

import re as _re
from types import SimpleNamespace as _Namespace

modules = _Namespace(re=_re)
execute = True
_SAMPLE_VARS = {"period_start": "2000-01-01", "period_end": "2000-12-31"}


def var(name: str, default: object = None) -> object:
    return _SAMPLE_VARS.get(name, default)
