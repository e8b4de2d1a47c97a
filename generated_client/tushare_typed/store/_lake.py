"""``Lake``: a shared copy of stored interfaces as hive-partitioned Parquet on object storage, for a team's engines.

    from tushare_typed.store import Lake, Store

    lake = Lake("s3://research/tushare")                  # endpoint, region, keys: the AWS_* variables, or arguments
    with Store(read_only=True) as store:
        lake.export(store, "daily")                       # only the months changed since the last export
    lake.read("daily")                                    # the current export as Arrow, through the manifest
    client.sync("daily", start="20240101", export_to=lake)   # sync, then export what it committed

Readers follow ``PREFIX/<api>/_manifest/latest.json`` to the current manifest, which lists the export's files: the
previous complete export until a new one is complete (see ``_manifest.py`` and ``_lake_export.py``). Between exports
the folder holds exactly those files, so engines that read the folder itself (Spark, Trino) see the same rows.
Needs the ``lake`` extra (pyarrow with S3 support).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._internal.secret import Secret
from ..errors import ParameterError
from ._errors import LakeBucketError
from ._lake_export import LakeExport, export_to_lake, read_manifest, s3_errors
from ._lake_fs import LakeSettings, open_filesystem, split_url

if TYPE_CHECKING:
    import pyarrow
    import pyarrow.dataset
    import pyarrow.fs

    from ._manifest import Manifest
    from ._store import Store

__all__ = ["Lake", "LakeExport"]

#: Arrow types of the stored SQL types (as DuckDB writes them to Parquet), for the schema of the dataset.
_ARROW_TYPES = {"VARCHAR": "string", "BIGINT": "int64", "DOUBLE": "float64", "BOOLEAN": "bool_", "DATE": "date32"}


class Lake:
    """Object storage at ``url`` (``s3://bucket/prefix``) on any S3-compatible endpoint.

    ``endpoint_url`` (e.g. ``http://127.0.0.1:9000``, ``https://oss-cn-hangzhou.aliyuncs.com``,
    ``https://cos.ap-shanghai.myqcloud.com``), ``region`` and the key default to ``AWS_ENDPOINT_URL``, ``AWS_REGION``,
    ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN`` (or ``AWS_PROFILE``).
    ``virtual_addressing`` sends ``bucket.host`` requests (default: only for Alibaba OSS, which needs them).
    ``timeout`` bounds each request, in seconds.
    """

    def __init__(
        self,
        url: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | Secret | None = None,
        session_token: str | Secret | None = None,
        virtual_addressing: bool | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.bucket, self.prefix = split_url(url)
        self.url = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        if not timeout > 0:
            raise ParameterError(f"timeout={timeout!r} is not valid", remediation="give seconds > 0, e.g. 60")
        self._settings = LakeSettings(
            endpoint_url,
            region,
            access_key_id,
            Secret(secret_access_key) if secret_access_key else None,
            Secret(session_token) if session_token else None,
            virtual_addressing,
            timeout,
        )
        self._fs: pyarrow.fs.FileSystem | None = None

    def __repr__(self) -> str:
        return f"Lake({self.url!r})"

    @property
    def filesystem(self) -> pyarrow.fs.FileSystem:
        """pyarrow's S3 filesystem for this lake (made on first use; a LakeCredentialsError without credentials)."""
        if self._fs is None:
            _require_extra()
            self._fs = open_filesystem(self._settings)
        return self._fs

    @property
    def root(self) -> str:
        """``bucket/prefix``, as the filesystem names it."""
        return f"{self.bucket}/{self.prefix}".rstrip("/")

    def _folder(self, api_name: str) -> str:
        if not api_name or "/" in api_name or api_name.startswith((".", "_")):
            raise ParameterError(f"{api_name!r} is not an interface name", remediation="pass one such as 'daily'")
        return f"{self.root}/{api_name}"

    # --- writing -------------------------------------------------------------------------------------------------

    def check(self) -> None:
        """Fail now, with the typed error, when the lake's credentials are missing or its bucket cannot be reached
        (a sync with ``export_to`` checks this before spending any quota)."""
        from pyarrow.fs import FileType

        with s3_errors(f"reach {self.url}"):
            found = self.filesystem.get_file_info(self.bucket)
        if found.type == FileType.NotFound:
            raise LakeBucketError(f"the bucket {self.bucket!r} of {self.url} does not exist")

    def export(self, store: Store, api_name: str) -> LakeExport:
        """Export ``api_name`` from ``store``: the units (months) changed since the last export, then the manifest;
        see the module docstring. Faults raise a :class:`~tushare_typed.store.LakeError`; run it again to finish."""
        schema = store.stored_schema(api_name)
        self._folder(api_name)
        self.check()
        return export_to_lake(store.db, schema, self.filesystem, self.root, self.url)

    # --- reading -------------------------------------------------------------------------------------------------

    def manifest(self, api_name: str) -> Manifest | None:
        """The current manifest of ``api_name`` (None before its first export)."""
        folder = self._folder(api_name)
        return read_manifest(self.filesystem, folder, f"{self.url}/{api_name}")

    def _current(self, api_name: str) -> Manifest:
        manifest = self.manifest(api_name)
        if manifest is None:
            raise ParameterError(
                f"the lake {self.url} has no export of {api_name}",
                remediation=f"export it first: tushare-typed export {api_name} --to {self.url}",
                api_name=api_name,
            )
        return manifest

    def files(self, api_name: str) -> list[str]:
        """The ``s3://`` URLs of the files of the current export of ``api_name``."""
        manifest = self._current(api_name)
        return [f"s3://{self._folder(api_name)}/{name}" for name in manifest.files]

    def dataset(self, api_name: str) -> pyarrow.dataset.Dataset:
        """The current export as a pyarrow dataset (the ``year`` partition column included), which DuckDB, Polars
        and pandas query directly: ``duckdb.sql("SELECT count(*) FROM ds")``."""
        import pyarrow.dataset as ds

        manifest, folder = self._current(api_name), self._folder(api_name)
        schema = _arrow_schema(manifest)
        partitioning = ds.partitioning(_year_schema(), flavor="hive") if manifest.partitioned else None
        with s3_errors(f"read {self.url}/{api_name}"):
            return ds.dataset(
                [f"{folder}/{name}" for name in manifest.files],
                schema=schema,
                format="parquet",
                filesystem=self.filesystem,
                partitioning=partitioning,
                partition_base_dir=folder,
            )

    def read(self, api_name: str) -> pyarrow.Table:
        """Every row of the current export of ``api_name``."""
        dataset = self.dataset(api_name)
        with s3_errors(f"read {self.url}/{api_name}"):
            return dataset.to_table()

    def download(self, api_name: str, to: str | os.PathLike[str]) -> Path:
        """Copy the current export's files into ``to/<api_name>`` (the same hive layout, nothing else), for engines
        without S3 access; returns that folder."""
        manifest, folder = self._current(api_name), self._folder(api_name)
        target = Path(to) / api_name
        with s3_errors(f"download {self.url}/{api_name}"):
            for name in manifest.files:
                local = target / name
                local.parent.mkdir(parents=True, exist_ok=True)
                with self.filesystem.open_input_stream(f"{folder}/{name}") as source, local.open("wb") as sink:
                    while chunk := source.read(1 << 22):
                        sink.write(chunk)
        return target


def _year_schema() -> pyarrow.Schema:
    import pyarrow as pa

    return pa.schema([pa.field("year", pa.int32())])


def _arrow_schema(manifest: Manifest) -> pyarrow.Schema:
    import pyarrow as pa

    fields = [
        pa.field(name, pa.timestamp("us") if kind == "TIMESTAMP" else getattr(pa, _ARROW_TYPES[kind])())
        for name, kind in manifest.columns
    ]
    if manifest.partitioned:
        fields.append(pa.field("year", pa.int32()))
    return pa.schema(fields)


def _require_extra() -> None:
    try:
        from pyarrow import fs
    except ImportError as error:
        raise ImportError(f"the lake needs the 'lake' extra: pip install 'tushare-typed[lake]' ({error})") from None
    if not getattr(fs, "S3FileSystem", None):
        raise ImportError("this pyarrow has no S3 support: pip install 'tushare-typed[lake]' (its wheels have it)")
