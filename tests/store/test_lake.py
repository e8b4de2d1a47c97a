"""The lake: exports of the store to a real S3-compatible server (moto's, started here), incremental and atomic,
read back through the manifest by pyarrow and DuckDB; faults (credentials, bucket, network) as typed errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import tushare_typed.cli.store
import tushare_typed.store._store
from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.catalog import Catalog
from tushare_typed.cli import cli
from tushare_typed.errors import ParameterError
from tushare_typed.store import (
    Lake,
    LakeBucketError,
    LakeConnectionError,
    LakeCredentialsError,
    LakeError,
    LakeManifestError,
    Store,
)
from tushare_typed.testing import TushareEmulator

from .helpers import ROWS_PER_DAY
from .s3server import FaultProxy, S3Server, s3_server

BUCKET = "research"


@pytest.fixture(scope="module")
def server() -> Iterator[S3Server]:
    with s3_server() as running:
        running.create_bucket(BUCKET)
        yield running


@pytest.fixture
def environ(server: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """The AWS_* variables pointing at the server; no profile of the machine's own."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)
    return server.environ()


@pytest.fixture
def url(request: pytest.FixtureRequest) -> str:
    """A prefix of its own for each test."""
    return f"s3://{BUCKET}/{request.node.name.replace('[', '-').rstrip(']')}"


def sync(emulator: TushareEmulator, catalog: Catalog, path: Path, start: str, end: str, **options: object) -> None:
    with (
        Store(path, catalog=catalog) as store,
        TushareClient(emulator.token, base_url=emulator.url, max_retries=1) as client,
    ):
        client.sync("daily", store=store, start=start, end=end, **options)  # type: ignore[arg-type]


def stored(path: Path, catalog: Catalog) -> list[dict[str, object]]:
    with Store(path, catalog=catalog, read_only=True) as store:
        rows: list[dict[str, object]] = store.sql("SELECT * FROM daily ORDER BY ts_code, trade_date").to_pylist()
    return rows


def exported(lake: Lake) -> list[dict[str, object]]:
    table = lake.read("daily").drop_columns(["year"]).sort_by([("ts_code", "ascending"), ("trade_date", "ascending")])
    rows: list[dict[str, object]] = table.to_pylist()
    return rows


def export(lake: Lake, path: Path, catalog: Catalog) -> tushare_typed.store.LakeExport:
    with Store(path, catalog=catalog, read_only=True) as store:
        return lake.export(store, "daily")


def objects(server: S3Server, url: str) -> set[str]:
    """Every object under the lake's ``daily`` folder, relative to it (directory markers, which pyarrow leaves when
    it empties a folder, left out: every engine takes them for folders)."""
    prefix = url.removeprefix(f"s3://{BUCKET}/") + "/daily/"
    listing = server.client().list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    keys = {item["Key"].removeprefix(prefix) for item in listing.get("Contents", [])}
    return {key for key in keys if not key.endswith("/")}


@pytest.mark.timeout(90)
def test_export_is_incremental_and_reads_back(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, environ: dict[str, str], server: S3Server, url: str
) -> None:
    sync(emulator, catalog, store_path, "20240125", "20240206")  # 5 January days, 4 February days
    lake = Lake(url)
    first = export(lake, store_path, catalog)
    assert (first.sequence, first.rows, first.units_written, first.units_kept) == (1, 9 * ROWS_PER_DAY, 2, 0)
    assert exported(lake) == stored(store_path, catalog)
    manifest = lake.manifest("daily")
    assert manifest is not None and sorted(manifest.units) == ["202401", "202402"]
    assert objects(server, url) == {*manifest.files, "_manifest/latest.json", "_manifest/00000001.json"}
    assert all(name.startswith(("year=2024/202401-", "year=2024/202402-")) for name in manifest.files)

    nothing_new = export(lake, store_path, catalog)
    assert (nothing_new.sequence, nothing_new.units_written, nothing_new.units_kept) == (1, 0, 2)

    sync(emulator, catalog, store_path, "20240207", "20240305", lookback=0)  # more of February, some of March
    second = export(lake, store_path, catalog)
    assert (second.sequence, second.units_written, second.units_kept) == (2, 2, 1)
    after = lake.manifest("daily")
    assert after is not None and after.units["202401"] == manifest.units["202401"]  # January's file kept as it was
    assert after.units["202402"].file != manifest.units["202402"].file
    assert exported(lake) == stored(store_path, catalog)
    # The superseded February file and the first manifest are gone: the folder is the current export, nothing else.
    assert objects(server, url) == {*after.files, "_manifest/latest.json", "_manifest/00000002.json"}

    # A row changed in the store (a re-fetched slice with a correction) rewrites its month; a month emptied drops.
    with Store(store_path, catalog=catalog) as store:
        store.sql("UPDATE daily SET close = close + 1 WHERE trade_date = DATE '2024-01-26'")
        store.sql("DELETE FROM daily WHERE trade_date >= DATE '2024-03-01'")
    third = export(lake, store_path, catalog)
    assert (third.units_written, third.units_kept, third.units_dropped) == (1, 1, 1)
    assert exported(lake) == stored(store_path, catalog)


@pytest.mark.timeout(60)
def test_duckdb_reads_the_lake_with_the_stores_schema(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, environ: dict[str, str], url: str, tmp_path: Path
) -> None:
    sync(emulator, catalog, store_path, "20240101", "20240112")
    lake = Lake(url)
    export(lake, store_path, catalog)
    with Store(store_path, catalog=catalog, read_only=True) as store:
        expected = store.sql("DESCRIBE daily").select(["column_name", "column_type"]).to_pylist()
    conn = duckdb.connect()
    conn.register("lake_daily", lake.dataset("daily"))  # DuckDB queries the pyarrow dataset over S3 directly
    assert conn.sql("SELECT count(*), count(DISTINCT (ts_code, trade_date)) FROM lake_daily").fetchall() == [
        (10 * ROWS_PER_DAY, 10 * ROWS_PER_DAY)
    ]
    folder = lake.download("daily", tmp_path / "copy")  # and the downloaded files, hive partitions and all
    files = conn.read_parquet(f"{folder}/**/*.parquet", hive_partitioning=True)
    described = [
        {"column_name": n, "column_type": t} for n, t in zip(files.columns, map(str, files.types), strict=True)
    ]
    assert [column for column in described if column["column_name"] != "year"] == expected
    assert files.aggregate("count(*)").fetchall() == [(10 * ROWS_PER_DAY,)]


@pytest.mark.timeout(90)
def test_a_network_fault_midway_leaves_the_previous_export_and_a_rerun_completes(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, environ: dict[str, str], server: S3Server, url: str
) -> None:
    sync(emulator, catalog, store_path, "20240101", "20240112")
    direct = Lake(url)
    export(direct, store_path, catalog)
    before = exported(direct)
    sync(emulator, catalog, store_path, "20240115", "20240329", lookback=0)  # three months to upload
    proxy = FaultProxy(server.endpoint)
    try:
        faulty = Lake(url, endpoint_url=proxy.endpoint, timeout=5)
        with Store(store_path, catalog=catalog, read_only=True) as store:
            faulty.check()
            proxy.cut_after = proxy.sent + 20_000  # in the middle of the Parquet uploads
            with pytest.raises(LakeConnectionError) as caught:
                faulty.export(store, "daily")
        assert "run the same export again" in caught.value.remediation
        assert environ["AWS_SECRET_ACCESS_KEY"] not in f"{caught.value!s} {caught.value!r}"
        manifest = direct.manifest("daily")
        assert manifest is not None and manifest.sequence == 1  # readers still see the first export, whole
        assert exported(direct) == before
        proxy.heal()
        rerun = export(faulty, store_path, catalog)
    finally:
        proxy.close()
    assert (rerun.sequence, rerun.units_written) == (2, 3)
    assert exported(direct) == stored(store_path, catalog)
    current = direct.manifest("daily")
    assert current is not None
    assert objects(server, url) == {*current.files, "_manifest/latest.json", "_manifest/00000002.json"}


@pytest.mark.timeout(60)
def test_bad_credentials_bucket_and_endpoint_are_typed_errors_without_secrets(
    emulator: TushareEmulator,
    catalog: Catalog,
    store_path: Path,
    environ: dict[str, str],
    server: S3Server,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sync(emulator, catalog, store_path, "20240101", "20240105")
    wrong_secret = "wrong-" + environ["AWS_SECRET_ACCESS_KEY"][6:]
    with Store(store_path, catalog=catalog, read_only=True) as store:
        with pytest.raises(LakeCredentialsError) as wrong:
            Lake(url, secret_access_key=wrong_secret).export(store, "daily")
        with pytest.raises(LakeBucketError) as absent:
            Lake("s3://no-such-bucket/x").export(store, "daily")
        with pytest.raises(LakeConnectionError) as unreachable:
            Lake(url, endpoint_url="http://127.0.0.1:9", timeout=2).export(store, "daily")
        with pytest.raises(ParameterError, match="Lake"):
            store.export("daily", url)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.delenv(name)
        with pytest.raises(LakeCredentialsError, match="no credentials") as missing:
            Lake(url).export(store, "daily")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", environ["AWS_ACCESS_KEY_ID"])
        with pytest.raises(LakeCredentialsError, match="AWS_SECRET_ACCESS_KEY"):
            Lake(url).export(store, "daily")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", environ["AWS_SECRET_ACCESS_KEY"])
    assert "AWS_ACCESS_KEY_ID" in missing.value.remediation
    assert "create the bucket" in absent.value.remediation.lower()
    for caught in (wrong, absent, unreachable, missing):
        text = f"{caught.value!s} {caught.value!r} {caught.value.remediation}"
        assert environ["AWS_SECRET_ACCESS_KEY"] not in text and wrong_secret not in text
    assert wrong_secret not in repr(Lake(url, secret_access_key=wrong_secret))
    with pytest.raises(ParameterError, match="not an object storage URL"):
        Lake("https://example.com/bucket")
    with pytest.raises(ParameterError):
        Lake(url).manifest("../daily")
    assert Lake(url).manifest("daily") is None  # nothing was exported


@pytest.mark.timeout(60)
def test_a_damaged_or_foreign_manifest_is_named_and_never_followed_outside_the_lake(
    emulator: TushareEmulator,
    catalog: Catalog,
    store_path: Path,
    environ: dict[str, str],
    server: S3Server,
    url: str,
    tmp_path: Path,
) -> None:
    sync(emulator, catalog, store_path, "20240101", "20240105")
    lake = Lake(url)
    export(lake, store_path, catalog)
    s3, folder = server.client(), url.removeprefix(f"s3://{BUCKET}/") + "/daily/_manifest/"
    manifest = s3.get_object(Bucket=BUCKET, Key=f"{folder}00000001.json")["Body"].read().decode()
    name = next(iter(Lake(url).manifest("daily").units.values())).file  # type: ignore[union-attr]
    s3.put_object(Bucket=BUCKET, Key=f"{folder}00000001.json", Body=manifest.replace(name, "../../escaped.parquet"))
    with pytest.raises(LakeManifestError, match="outside its folder") as outside:
        lake.download("daily", tmp_path / "copy")
    assert f"{url}/daily/_manifest/00000001.json" in str(outside.value)
    assert not (tmp_path / "escaped.parquet").exists()
    s3.put_object(Bucket=BUCKET, Key=f"{folder}latest.json", Body=b"\x00 not json")
    with pytest.raises(LakeManifestError, match="damaged or foreign") as damaged:
        export(lake, store_path, catalog)  # never guesses: the fix is named instead
    assert "_manifest/" in damaged.value.remediation


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_sync_exports_what_it_committed(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, environ: dict[str, str], url: str, kind: str
) -> None:
    lake = Lake(url)
    with Store(store_path, catalog=catalog) as store:
        if kind == "sync":
            with TushareClient(emulator.token, base_url=emulator.url) as client:
                report = client.sync("daily", store=store, start="20240101", end="20240105", export_to=lake)
        else:
            async with AsyncTushareClient(emulator.token, base_url=emulator.url) as aclient:
                report = await aclient.sync("daily", store=store, start="20240101", end="20240105", export_to=url)
    assert [(e.api_name, e.rows, e.sequence) for e in report.exports] == [("daily", 5 * ROWS_PER_DAY, 1)]
    assert f"exported to {url}/daily" in report.summary()
    assert exported(lake) == stored(store_path, catalog)


@pytest.mark.timeout(60)
def test_a_lake_that_cannot_be_reached_stops_the_sync_before_any_call(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, environ: dict[str, str]
) -> None:
    with Store(store_path, catalog=catalog) as store, TushareClient(emulator.token, base_url=emulator.url) as client:
        with pytest.raises(LakeError):
            client.sync("daily", store=store, start="20240101", end="20240105", export_to="s3://no-such-bucket/x")
        assert store.db.covered("daily") == {}
    assert emulator.calls() == 0


@pytest.mark.timeout(60)
def test_cli_export_and_sync_export_to(
    emulator: TushareEmulator,
    catalog: Catalog,
    store_path: Path,
    environ: dict[str, str],
    url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for module in (tushare_typed.cli.store, tushare_typed.store._store):
        monkeypatch.setattr(module, "load_catalog", lambda: catalog)
    monkeypatch.setenv("TUSHARE_API_URL", emulator.url)
    monkeypatch.setenv("TUSHARE_TOKEN", emulator.token)
    monkeypatch.setenv("TUSHARE_TYPED_STORE", str(store_path))
    endpoint = environ["AWS_ENDPOINT_URL"]
    monkeypatch.delenv("AWS_ENDPOINT_URL")  # given as an option instead
    run = CliRunner()
    synced = run.invoke(
        cli,
        [
            "sync",
            "daily",
            "--start",
            "20240101",
            "--end",
            "20240105",
            "-q",
            "--export-to",
            url,
            "--endpoint-url",
            *[endpoint],
        ],
    )
    assert synced.exit_code == 0, synced.output
    assert f"daily: exported to {url}/daily (manifest 1): {5 * ROWS_PER_DAY} rows" in synced.output
    again = run.invoke(cli, ["export", "daily", "--to", url, "--endpoint-url", endpoint])
    assert again.exit_code == 0, again.output
    assert "(manifest 1)" in again.output and "0 units written, 1 unchanged" in again.output
    refused = run.invoke(cli, ["export", "daily", "--to", "s3://no-such-bucket/x", "--endpoint-url", endpoint])
    assert refused.exit_code == 1
    assert "STORE-422" in refused.output and "hint:" in refused.output
    assert environ["AWS_SECRET_ACCESS_KEY"] not in refused.output
    local = run.invoke(cli, ["sync", "daily", "--start", "20240101", "-q", "--export-to", "some/dir"])
    assert local.exit_code == 2 and "not a lake" in local.output
