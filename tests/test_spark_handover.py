"""The hand-over Spark reads (shushuo/spark_engine.export_raw_parquet, the stand-in for ingest's
Parquet writer): each raw table as Parquet under <run>/raw/<table>/period=…/unit=…/, every column
inside the files; tables without a unit and period in one file; an empty table still has its
columns. No Spark needed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq

from shushuo.spark_engine import export_raw_parquet


def _warehouse(path):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.aid_payments as select * from (values "
            "('S01', date '2018-01-01', date '2018-12-31', 12.50::decimal(18, 2), 'a.xlsx'), "
            "('S02', date '2018-01-01', date '2018-12-31', 3.00::decimal(18, 2), 'b.xlsx'), "
            "('S02', date '2017-01-01', date '2017-12-31', 1.25::decimal(18, 2), 'c.xlsx')"
            ") as t(unit_code, period_start, period_end, cash, source_file)"
        )
        con.execute("create table raw.ingest_sheets as select 'a.xlsx' as source_file, 3::bigint as rows_read")
        con.execute("create table raw.trainings (unit_code varchar, period_start date, period_end date, hours int)")


def test_raw_tables_land_partitioned_by_period_and_unit_with_every_column_inside(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    raw = export_raw_parquet(warehouse, tmp_path / "raw")

    parts = sorted(p.relative_to(raw / "aid_payments").parent.as_posix() for p in raw.glob("aid_payments/**/*.parquet"))
    assert parts == [
        "period=20170101-20171231/unit=S02",
        "period=20180101-20181231/unit=S01",
        "period=20180101-20181231/unit=S02",
    ]
    one = pq.read_table(next((raw / "aid_payments" / "period=20180101-20181231" / "unit=S01").glob("*.parquet")))
    assert one.column_names == ["unit_code", "period_start", "period_end", "cash", "source_file"]
    row = one.to_pylist()[0]
    assert (row["unit_code"], row["period_start"], row["cash"]) == ("S01", date(2018, 1, 1), Decimal("12.50"))

    assert [p.name for p in (raw / "ingest_sheets").iterdir()] == ["part-0.parquet"]
    empty = pq.read_table(raw / "trainings" / "part-0.parquet")
    assert empty.num_rows == 0 and empty.column_names == ["unit_code", "period_start", "period_end", "hours"]
