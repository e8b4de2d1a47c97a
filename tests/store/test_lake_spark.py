"""The Spark tier: a lake exported to the S3 server, read back by Apache Spark (pyspark in local mode, Java 17)
with the store's row count, schema and sums. Spark reads the files the manifest lists, downloaded (pyspark ships
no S3 connector, and none can be fetched here), by folder and by the manifest's file list.

Slow (a JVM start, ~12 s): run by ``scripts/spark_tier.sh`` (which ``scripts/test.sh`` and ``nox`` call), skipped
unless ``TSGEN_SPARK_TIER=1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tushare_typed import TushareClient
from tushare_typed.catalog import Catalog
from tushare_typed.store import Lake, Store
from tushare_typed.testing import TushareEmulator

from .helpers import ROWS_PER_DAY
from .s3server import s3_server

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(os.environ.get("TSGEN_SPARK_TIER") != "1", reason="the Spark tier: TSGEN_SPARK_TIER=1"),
]

#: Spark's names of the store's column types.
SPARK_TYPES = {"VARCHAR": "string", "DATE": "date", "DOUBLE": "double", "BIGINT": "bigint", "BOOLEAN": "boolean"}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("tushare-typed-lake")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@pytest.mark.timeout(240)
def test_spark_reads_the_lake_as_the_store_holds_it(
    spark: Any,
    emulator: TushareEmulator,
    catalog: Catalog,
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with s3_server() as server:
        server.create_bucket("team")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        for name, value in server.environ().items():
            monkeypatch.setenv(name, value)
        with Store(store_path, catalog=catalog) as store, TushareClient(emulator.token, base_url=emulator.url) as c:
            report = c.sync("daily", store=store, start="20240122", end="20240209", export_to="s3://team/lake")
            described = store.sql("DESCRIBE daily").to_pylist()
            (volume,) = store.sql("SELECT sum(vol) FROM daily").to_pylist()[0].values()
        lake = Lake("s3://team/lake")
        folder = lake.download("daily", tmp_path / "lake")
        names = [name.rsplit("/daily/", 1)[1] for name in lake.files("daily")]
    rows = 15 * ROWS_PER_DAY  # 2024-01-22 .. 2024-02-09: fifteen weekdays
    assert report.exports[0].rows == rows
    expected = [(c["column_name"], SPARK_TYPES[c["column_type"]]) for c in described] + [("year", "int")]

    by_folder = spark.read.parquet(str(folder))
    assert by_folder.dtypes == expected
    assert by_folder.count() == rows
    assert by_folder.selectExpr("sum(vol)").first()[0] == pytest.approx(volume)
    assert sorted(r[0] for r in by_folder.select("year").distinct().collect()) == [2024]

    by_manifest = spark.read.option("basePath", str(folder)).parquet(*(str(folder / name) for name in names))
    assert by_manifest.dtypes == expected
    assert by_manifest.count() == rows
