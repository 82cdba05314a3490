"""The quality gate between dbt and the reports (数据质量检查).

    from checks import gate
    result = gate.run(warehouse, period_start, period_end, out_dir, dbt_target=<dbt build's target folder>)
    result.passed / result.blocking / result.warnings / result.message() / result.report_html / result.to_json()

- raw_suites.py     GE expectations derived from domain/schema.py (not null, allowed values,
                    ranges, date windows); date_windows.py says which window each date column has.
- raw_validation.py runs them over the raw rows of each unit's current return (pandas + ephemeral GE).
- tests/dbt/       the business rules, as dbt tests that `dbt build` runs with the models (tagged gate;
                    each with its severity, Chinese title, advice and the sheets whose figures it can
                    move in meta; failing rows stored as tables); rule_results.py reads their results
                    (run_results.json + manifest.json + the stored tables) into outcomes.
- outcome.py        one check's result; the three severities (blocking / verify 核实性 / info).
- explanations.py   the units' 上报说明 (sheet of a return, 上报说明.csv) and which warnings they answer.
- open_problems.py  what stands between a run and a release, and the figures each can move.
- gate.py           the verdict, the Chinese message and checks.html / checks.json (report_html.py).
"""
