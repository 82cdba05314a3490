"""What sqlfluff's jinja templater needs, beside its own dbt builtins, to render the models the
way dbt does (its `library_path` in .sqlfluff): dbt's `modules` (re), `execute`, and `var` with a
sample period, so macros/period.sql renders dates instead of raising its missing-period error;
`adapter.dispatch` (a macro with one implementation per engine renders as a call of a function
named after it: sqlfluff lints the model around it, not the engine's SQL) and dbt's cross-database
type macros (as DuckDB spells them). Linting only: dbt itself never reads this."""

import re as _re
from types import SimpleNamespace as _Namespace

modules = _Namespace(re=_re)
execute = True
_SAMPLE_VARS = {"period_start": "2000-01-01", "period_end": "2000-12-31"}


def var(name: str, default: object = None) -> object:
    return _SAMPLE_VARS.get(name, default)


class _Adapter:
    @staticmethod
    def dispatch(macro_name: str, macro_namespace: str | None = None):
        return lambda *arguments: f"{macro_name}({', '.join(str(a) for a in arguments)})"


adapter = _Adapter()
dbt = _Namespace(type_string=lambda: "varchar")
