"""The quality gate between dbt and the reports (数据质量检查).

    from checks import gate
    result = gate.run(warehouse, period_start, period_end, out_dir, previous_indicators=None)
    result.passed / result.blocking / result.warnings / result.message() / result.report_html / result.to_json()

- raw_suites.py     GE expectations derived from ingest/schema.py (not null, allowed values,
                    ranges, date windows); date_windows.py says which window each date column has.
- raw_validation.py runs them over the raw rows of each unit's current return (pandas + ephemeral GE).
- rules.py          the business rules (one declarative entry each), assembled into RULES:
                    figures and submissions here, each unit's own lists in rules_by_unit.py
                    (empty stock sheets per schema.yaml's expected_nonempty, card holders vs
                    members, cases, contracts), contradictory or doubled rows in rules_rows.py;
                    rule_base.py holds Rule and TABLES (every model a rule reads, named once);
                    rule_runner.py runs them.
- gate.py           the verdict, the Chinese message and checks.html / checks.json (report_html.py).
- sample_warehouse.py  stand-in warehouses for the tests and timings.
"""
