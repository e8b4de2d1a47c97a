"""Figures of the lake: 1,000,000 `daily` rows exported to a local S3-compatible server, against the local export.

    python scripts/bench_lake.py [--codes 5000] [--days 200] [--rounds 3] [--no-spark]

A store of CODES × DAYS `daily` rows (weekdays from 2024-01-02; made in DuckDB, no sync: the figure is the export)
is exported ROUNDS times, alternated: to a local folder (`Store.export`, DuckDB's partitioned COPY), and to moto's
S3 server on 127.0.0.1 (its own process) under a fresh prefix (`Lake.export`: fingerprints, Parquet per month
uploaded, manifest, pointer). Then: the incremental export after one more day is stored, and an export with nothing
new. Last, unless --no-spark: Spark (pyspark local mode) reads the lake's files, downloaded (pyspark has no S3
connector here): the session start, then the read (count and a sum), timed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' S3 server launcher

from tests.store.s3server import s3_server
from tushare_typed.catalog import load_catalog
from tushare_typed.store import Lake, Store
from tushare_typed.store._schema import TableSchema


def fill(store: Store, codes: int, days: int) -> int:
    """CODES × DAYS rows of `daily` (one per code and weekday), as a sync would have stored them."""
    store.db.ensure_table(TableSchema.of(store.spec("daily")))
    store.sql(
        f"""INSERT INTO daily
        WITH day AS (SELECT d::DATE AS trade_date FROM range(DATE '2024-01-02', DATE '2026-01-01', INTERVAL 1 DAY) t(d)
                     WHERE dayofweek(d) BETWEEN 1 AND 5 LIMIT {days}),
             code AS (SELECT lpad(i::VARCHAR, 6, '0') || '.SZ' AS ts_code, i FROM range({codes}) t(i))
        SELECT ts_code, trade_date, 10 + i % 50 AS open, 11 + i % 50 AS high, 9 + i % 50 AS low,
               10.5 + i % 50 + (hash(ts_code, trade_date) % 100) / 100.0 AS close, 10 + i % 50 AS pre_close,
               0.5 AS change, 5.0 AS pct_chg, (hash(trade_date, ts_code) % 1000000)::DOUBLE AS vol,
               (hash(ts_code) % 10000000)::DOUBLE AS amount
        FROM code, day"""  # noqa: S608 (numbers from argparse)
    )
    return int(store.sql("SELECT count(*) AS n FROM daily").column("n")[0].as_py())


def timed(run: object) -> float:
    began = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - began


def spark_read(folder: Path) -> tuple[float, float, int]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    began = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter() - began
    began = time.perf_counter()
    frame = spark.read.parquet(str(folder))
    rows = frame.count()
    frame.selectExpr("sum(vol)").first()
    read = time.perf_counter() - began
    spark.stop()
    return started, read, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=5000)
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as scratch, s3_server() as server:
        server.create_bucket("bench")
        os.environ.update(server.environ())
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(Path(scratch) / "none")
        with Store(Path(scratch) / "store.duckdb", catalog=load_catalog()) as store:
            rows = fill(store, args.codes, args.days)
            print(f"store: {rows} rows of daily")
            local, lake = [], []
            for number in range(args.rounds):
                local.append(timed(lambda n=number: store.export("daily", Path(scratch) / f"local{n}")))
                target = Lake(f"s3://bench/round{number}")
                lake.append(timed(lambda t=target: t.export(store, "daily")))
            local_bytes = sum(p.stat().st_size for p in (Path(scratch) / "local0").rglob("*.parquet"))
            listing = server.client().list_objects_v2(Bucket="bench", Prefix="round0/")["Contents"]
            lake_bytes = sum(item["Size"] for item in listing if item["Key"].endswith(".parquet"))
            ratio = statistics.median(lake) / statistics.median(local)
            print(f"local export (DuckDB COPY): median {statistics.median(local):.2f} s, {local_bytes / 1e6:.1f} MB")
            print(f"lake export (S3 server):    median {statistics.median(lake):.2f} s, {lake_bytes / 1e6:.1f} MB")
            print(f"each round, local / lake: {[f'{a:.2f}/{b:.2f}' for a, b in zip(local, lake, strict=True)]}")
            print(f"lake / local: {ratio:.2f}")
            target = Lake("s3://bench/round0")
            store.sql(
                "INSERT INTO daily SELECT ts_code, trade_date + 1, open, high, low, close, pre_close, change, pct_chg, "
                "vol, amount FROM daily WHERE trade_date = (SELECT max(trade_date) FROM daily)"
            )
            one_day = target.export(store, "daily")
            print(f"after one more day: {one_day.summary()}")
            nothing = target.export(store, "daily")
            print(f"nothing new: {nothing.seconds:.2f} s ({nothing.units_written} units written)")
            folder = target.download("daily", Path(scratch) / "copy")
            expected = one_day.rows
        if not args.no_spark:
            started, read, counted = spark_read(folder)
            print(f"spark: session {started:.1f} s; read {counted} rows (count + sum) in {read:.2f} s")
            print(f"rows expected: {expected}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
